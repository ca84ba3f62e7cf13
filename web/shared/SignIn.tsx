/** Signing in to a staff page by pasting a token (the pages have no identity provider of their own). */
import { useState, type FormEvent, type ReactNode } from 'react';

export function SignIn({
  onSignIn,
  children,
  autoFocus = false,
}: {
  onSignIn: (token: string) => void;
  children: ReactNode;
  /** Focus the token field at once (the desk, whose page is nothing but this form until signed in). */
  autoFocus?: boolean;
}) {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = text.trim().replace(/^Bearer\s+/i, '');
    if (token) onSignIn(token);
  };
  return (
    <form className="card signin" onSubmit={submit} aria-labelledby="signin-heading">
      <h2 id="signin-heading">サインイン</h2>
      <p>{children}</p>
      <label htmlFor="token">アクセストークン</label>
      <textarea
        id="token"
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        required
        autoFocus={autoFocus}
      />
      <p>
        <button type="submit">サインイン</button>
      </p>
    </form>
  );
}
