/**
 * `madoguchi token --role staff --agency hyogo-iac` (`npm run token`): prints a development JWT
 * for the explorer's Authorization header, signed with the same secret the gateway verifies:
 * MADOGUCHI_JWT_SECRET, or this install's development secret in the data directory (created if
 * the first start has not made it yet). Issuer, audience and claim paths follow the settings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { signDevelopmentToken } from '../gateway/auth';
import { jwtSettingsOf } from '../server/settings';
import { durationSeconds } from '../server/settingKinds';
import { begin } from './process';

export interface TokenArgs {
  role: 'staff' | 'coordinator' | 'analyst';
  agency?: string;
  sub?: string;
  expires: string;
}

export async function runToken(args: TokenArgs): Promise<number> {
  if (args.role === 'staff' && !args.agency) {
    console.error('a staff token needs --agency <agencyId>');
    return 2;
  }
  const { settings } = begin({ service: 'token', secrets: 'gateway', quiet: true, stderr: true });
  const jwt = jwtSettingsOf(settings);
  // The CLI's parser has checked the duration; the gateway refuses a lifetime above its maximum.
  const seconds = durationSeconds(args.expires)!;
  if (seconds > jwt.maxLifetimeSeconds) {
    console.error(
      `--expires ${args.expires} is ${seconds} s: the gateway refuses a token whose lifetime exceeds MADOGUCHI_JWT_MAX_LIFETIME (${jwt.maxLifetimeSeconds} s); mint a shorter one or raise that setting`,
    );
    return 2;
  }
  if (args.agency !== undefined) {
    const dir = resolve(settings.agenciesDir);
    const known = agencyIdsIn(dir);
    if (!known.includes(args.agency)) {
      console.error(
        `no agency "${args.agency}" in ${dir} (MADOGUCHI_AGENCIES_DIR): ${known.length ? `it has ${known.join(', ')}` : 'it has no agency files'}`,
      );
      return 2;
    }
  }
  if (!jwt.secret) {
    console.error(
      'tokens can only be minted with a shared secret (HS256), not with MADOGUCHI_JWKS_URL: ask the identity provider',
    );
    return 2;
  }
  console.log(
    await signDevelopmentToken(
      { role: args.role, agency: args.agency, sub: args.sub },
      new TextEncoder().encode(jwt.secret),
      `${seconds}s`,
      jwt,
    ),
  );
  return 0;
}

/** The ids the agency files of a folder declare (a file without a readable id is left out). */
function agencyIdsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const f of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    try {
      const id = (parseYaml(readFileSync(join(dir, f), 'utf8')) as { id?: unknown } | null)?.id;
      if (typeof id === 'string') ids.push(id);
    } catch {
      // Not this command's to report: `npm run agency:check` and the start name a broken file.
    }
  }
  return ids;
}
