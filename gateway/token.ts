/**
 * `npm run token -- --role staff --agency hyogo-iac`: prints a development JWT signed with
 * MADOGUCHI_JWT_SECRET (or the development default), for the explorer's Authorization header.
 */
import { parseArgs } from 'node:util';
import { authConfigFromEnv, signDevelopmentToken } from './auth';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' }, agency: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string', default: '8h' } } });
  const role = values.role;
  if (role !== 'staff' && role !== 'coordinator' && role !== 'analyst') {
    console.error('usage: npm run token -- --role <staff|coordinator|analyst> [--agency <agencyId>] [--sub <user>] [--expires 8h]');
    process.exit(2);
  }
  if (role === 'staff' && !values.agency) {
    console.error('a staff token needs --agency <agencyId>');
    process.exit(2);
  }
  const config = authConfigFromEnv();
  if (!config.secret) {
    console.error('tokens can only be minted with MADOGUCHI_JWT_SECRET (HS256), not with a JWKS URL');
    process.exit(2);
  }
  console.log(await signDevelopmentToken({ role, agency: values.agency, sub: values.sub }, config.secret, values.expires));
}

void main();
