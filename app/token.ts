/**
 * `madoguchi token --role staff --agency hyogo-iac` (`npm run token`): prints a development JWT
 * for the explorer's Authorization header, signed with the same secret the gateway verifies:
 * MADOGUCHI_JWT_SECRET, or this install's development secret in the data directory (created if
 * the first start has not made it yet). Issuer, audience and claim paths follow the settings.
 */
import { signDevelopmentToken } from '../gateway/auth';
import { jwtSettingsOf } from '../server/settings';
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
      args.expires,
      jwt,
    ),
  );
  return 0;
}
