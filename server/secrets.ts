/**
 * Per-install development secrets: random values written at first use to `secrets.json` in the
 * data directory, readable by its owner only. Every process of one install (the gateway, a
 * subgraph started apart, `npm run token`) reads the same file; no secret is ever a literal in the
 * repository, and a start with these secrets listens on loopback only (server/settings.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const SECRETS_FILE = 'secrets.json';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export interface DevelopmentSecrets {
  file: string;
  jwtSecret: string;
  identitySecret: string;
  /** True when this call wrote the file. */
  created: boolean;
}

/**
 * The per-install development secrets in `<dataDir>/secrets.json`, created with fresh random
 * values (256 bits each) on first use and readable by the owner only.
 */
export function ensureDevelopmentSecrets(dataDir: string): DevelopmentSecrets {
  const file = join(resolve(dataDir), SECRETS_FILE);
  const read = (): DevelopmentSecrets | undefined => {
    if (!existsSync(file)) return undefined;
    const parsed = z
      .object({ jwtSecret: z.string().min(32), identitySecret: z.string().min(32) })
      .safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new SettingsError(
        `${file}: not a Madoguchi secrets file (jwtSecret, identitySecret); remove it to make new development secrets`,
      );
    return { file, ...parsed.data, created: false };
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(resolve(dataDir), { recursive: true });
  const secrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    identitySecret: randomBytes(32).toString('base64url'),
  };
  try {
    // 'wx': of two first starts at once, one writes and the other reads what it wrote.
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return read()!;
  }
  return { file, ...secrets, created: true };
}

/** Whether a host name or address only ever reaches this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
