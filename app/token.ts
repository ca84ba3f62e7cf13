/**
 * `npm run token -- --role staff --agency hyogo-iac`: prints a development JWT for the explorer's
 * Authorization header, signed with the same secret the gateway verifies: MADOGUCHI_JWT_SECRET,
 * or this install's development secret in the data directory (created if the first start has not
 * made it yet). Issuer, audience and claim paths follow the gateway's settings.
 */
import { parseArgs } from 'node:util';
import { signDevelopmentToken } from '../gateway/auth';
import { loadSettings, SettingsError } from '../server/settings';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      agency: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const role = values.role;
  if (role !== 'staff' && role !== 'coordinator' && role !== 'analyst') {
    console.error(
      'usage: npm run token -- --role <staff|coordinator|analyst> [--agency <agencyId>] [--sub <user>] [--expires 8h]',
    );
    process.exit(2);
  }
  if (role === 'staff' && !values.agency) {
    console.error('a staff token needs --agency <agencyId>');
    process.exit(2);
  }
  const { jwt } = loadSettings();
  if (!jwt.secret) {
    console.error(
      'tokens can only be minted with a shared secret (HS256), not with MADOGUCHI_JWKS_URL: ask the identity provider',
    );
    process.exit(2);
  }
  console.log(
    await signDevelopmentToken(
      { role, agency: values.agency, sub: values.sub },
      new TextEncoder().encode(jwt.secret),
      values.expires,
      jwt,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof SettingsError ? e.message : e);
  process.exit(1);
});
