/**
 * The token of this browser tab's session, shared by the analysts' dashboard and the desk: kept in
 * sessionStorage (gone when the browser session ends, never in a URL or a cookie), removed on
 * sign-out. Its claims are read only to greet its bearer; the gateway verifies it on every request.
 */
const KEY = 'madoguchi.analytics.token';

export function loadToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  window.sessionStorage.removeItem(KEY);
}

/** What the token says about its bearer (unverified), or null when it is not a JWT. */
export function tokenClaims(token: string): { role?: string; exp?: number } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
