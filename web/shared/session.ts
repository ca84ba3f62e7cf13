/**
 * A signed-in person's token for one page in this browser tab's session: kept in sessionStorage
 * (gone when the browser session ends, never in a URL or a cookie), removed on sign-out. Its
 * claims are read only to greet the person and pick what the page shows first; the gateway
 * verifies the token on every request and decides what it may read.
 */
export interface TokenSession {
  load(): string | null;
  save(token: string): void;
  clear(): void;
}

export function tokenSession(key: string): TokenSession {
  return {
    load() {
      try {
        return window.sessionStorage.getItem(key);
      } catch {
        return null;
      }
    },
    save(token) {
      window.sessionStorage.setItem(key, token);
    },
    clear() {
      window.sessionStorage.removeItem(key);
    },
  };
}

/** What the token says about its bearer (unverified), or null when it is not a JWT. */
export function tokenClaims(token: string): { role?: string; agency?: string; sub?: string; exp?: number } | null {
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

export const ROLE_LABELS: Record<string, string> = {
  analyst: '分析担当',
  coordinator: '総括コーディネーター',
  staff: '支援機関職員',
};
