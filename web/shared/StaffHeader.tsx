/** The top of a staff page (the analysts' dashboard, the committee): skip link, brand, page name, who is signed in. */
import { ROLE_LABELS } from './session';

export function StaffHeader({
  title,
  role,
  signedIn,
  onSignOut,
}: {
  title: string;
  role: string | null | undefined;
  signedIn: boolean;
  onSignOut: () => void;
}) {
  return (
    <>
      <a className="skip" href="#content">
        本文へ移動
      </a>
      <header className="site">
        <a className="brand" href="/">
          窓口 Madoguchi
        </a>
        <span>{title}</span>
        {signedIn && (
          <span style={{ marginLeft: 'auto' }}>
            {ROLE_LABELS[role ?? ''] ?? 'サインイン中'}{' '}
            <button type="button" className="secondary" onClick={onSignOut}>
              サインアウト
            </button>
          </span>
        )}
      </header>
    </>
  );
}
