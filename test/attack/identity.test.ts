/**
 * Attacks on identity. (1) Published default secrets: tokens and forwarded identity signed with the
 * secrets once written in the repository were accepted, and `npm start` listened on every
 * interface; now development secrets are random per install, and the start refuses to listen
 * beyond loopback with them. (2) A signed identity captured on one hop was accepted by another
 * subgraph: it is now bound to its target subgraph and to a hash of the body. (3) Tokens without
 * `exp` or from the future were accepted, and a real identity provider could not be used: `exp` is
 * required, lifetimes are bounded, and issuer, audience and claim paths are configurable, here
 * against RS256 keys served from a JWKS endpoint as Keycloak serves them.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type KeyLike } from 'jose';
import { createHmac, randomBytes } from 'node:crypto';
import { authConfigFromSettings } from '../../gateway/auth';
import { ensureDevelopmentSecrets, parseSettings } from '../../server/settings';
import { codeOf, JWT_SECRET, post, startApp, type App } from './support';
import { startProxy, startSubgraphs, startTestGateway, urlsOf, type SubgraphProxy } from '../e2e/gateway-helpers';
import { openTestStore } from '../support/store';
import { runToEnd } from '../support/run';
import type { Store } from '../../store/store';
import type { RunningServer } from '../../server/http';
import type { RunningGateway } from '../../gateway/gateway';

const ALL = '{ consultations(first: 1) { totalCount } }';
// The literals an attacker read in the repository before this fix.
const OLD_JWT_SECRET = new TextEncoder().encode('madoguchi-development-jwt-secret-change-me');
const OLD_IDENTITY_SECRET = 'madoguchi-development-identity-secret';

function oldStyleIdentity(secret: string): Record<string, string> {
  const payload = Buffer.from(
    JSON.stringify({
      role: 'coordinator',
      sub: 'x',
      agency: null,
      ts: Date.now(),
      nonce: randomBytes(12).toString('base64url'),
    }),
  ).toString('base64url');
  return {
    'x-madoguchi-identity': payload,
    'x-madoguchi-signature': createHmac('sha256', secret).update(payload).digest('base64url'),
  };
}

describe('published default secrets', () => {
  let app: App;
  beforeAll(async () => {
    // As shipped: no secret given, none in the environment.
    app = await startApp({ auth: undefined });
  });
  afterAll(() => app.close());

  test('a coordinator token signed with the old repository secret is refused', async () => {
    const forged = await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('madoguchi')
      .setAudience('madoguchi')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(OLD_JWT_SECRET);
    const r = await post(app.url, { query: ALL }, forged);
    expect(r.status).toBe(401);
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
  });

  test('a subgraph refuses identity signed with the old repository secret', async () => {
    const r = await post(
      app.app.subgraphs.consultations.url,
      { query: ALL },
      null,
      oldStyleIdentity(OLD_IDENTITY_SECRET),
    );
    expect(r.status).toBe(401);
    expect(r.data?.consultations ?? null).toBeNull();
  });

  test('development secrets are random per install, kept under the data directory, private to its owner', () => {
    const a = mkdtempSync(join(tmpdir(), 'madoguchi-secrets-'));
    const b = mkdtempSync(join(tmpdir(), 'madoguchi-secrets-'));
    try {
      const first = ensureDevelopmentSecrets(a);
      expect(first.created).toBe(true);
      expect(ensureDevelopmentSecrets(a)).toEqual({ ...first, created: false });
      const other = ensureDevelopmentSecrets(b);
      expect(other.jwtSecret).not.toBe(first.jwtSecret);
      expect(other.identitySecret).not.toBe(first.identitySecret);
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(43);
      expect(statSync(first.file).mode & 0o077).toBe(0);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  test('npm run token signs with the data directory’s own secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-token-'));
    try {
      const out = await run(['bin/madoguchi.js', 'token', '--role', 'coordinator'], {
        MADOGUCHI_DATA_DIR: dir,
      });
      expect(out.code).toBe(0);
      const { jwtSecret } = ensureDevelopmentSecrets(dir);
      const { payload } = await jwtVerify(out.stdout.trim(), new TextEncoder().encode(jwtSecret));
      expect(payload.role).toBe('coordinator');
      await expect(jwtVerify(out.stdout.trim(), OLD_JWT_SECRET)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('npm start refuses to listen beyond loopback with development secrets, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bind-'));
    try {
      const out = await run(
        ['bin/madoguchi.js', 'start'],
        { HOST: '0.0.0.0', PORT: '0', MADOGUCHI_DATA_DIR: dir },
        60_000,
      );
      expect(out.code).not.toBe(0);
      expect(out.stderr + out.stdout).toMatch(/HOST=0\.0\.0\.0/);
      expect(out.stderr + out.stdout).toMatch(/development secrets/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function run(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  for (const k of Object.keys(clean))
    if (k.startsWith('MADOGUCHI_') || k === 'HOST' || k === 'NODE_ENV') delete clean[k];
  return runToEnd([process.execPath, ...args], { ...clean, ...env }, timeoutMs);
}

describe('signed identity is bound to its target subgraph and body', () => {
  let store: Store;
  let subgraphs: Record<string, RunningServer>;
  let proxy: SubgraphProxy;
  let gateway: RunningGateway;

  beforeAll(async () => {
    store = await openTestStore('demo');
    subgraphs = await startSubgraphs(store);
    proxy = await startProxy(subgraphs.programs.url);
    gateway = await startTestGateway({ ...urlsOf(subgraphs), programs: proxy.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await proxy?.close();
    await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
    await store?.close();
  });

  test('a coordinator’s identity captured on the programs hop reads nothing from the consultations subgraph', async () => {
    const token = await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('madoguchi')
      .setAudience('madoguchi')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('gateway-test-jwt-secret-of-enough-length'));
    const r = await post(gateway.url, { query: '{ programs(first: 1) { totalCount } }' }, token);
    expect(r.errors).toBeUndefined();
    const captured = proxy.requests.at(-1)!;
    const identity = {
      'x-madoguchi-identity': String(captured.headers['x-madoguchi-identity']),
      'x-madoguchi-signature': String(captured.headers['x-madoguchi-signature']),
    };
    const replayed = await post(subgraphs.consultations.url, { query: ALL }, null, identity);
    expect(replayed.status).toBe(401);
    expect(replayed.data?.consultations ?? null).toBeNull();
    // Within its window, on its own subgraph, but with another body: refused as well.
    const rebodied = await post(
      subgraphs.programs.url,
      { query: '{ programs(first: 2) { totalCount } }' },
      null,
      identity,
    );
    expect(rebodied.status).toBe(401);
  });
});

describe('tokens', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  const now = () => Math.floor(Date.now() / 1000);
  const base = () =>
    new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('madoguchi')
      .setAudience('madoguchi');

  test('a token without exp is refused', async () => {
    const r = await post(app.url, { query: ALL }, await base().setIssuedAt().sign(JWT_SECRET));
    expect(r.status).toBe(401);
  });

  test('a token issued in the future is refused', async () => {
    const r = await post(
      app.url,
      { query: ALL },
      await base()
        .setIssuedAt(now() + 3600)
        .setExpirationTime(now() + 7200)
        .sign(JWT_SECRET),
    );
    expect(r.status).toBe(401);
  });

  test('a token valid for a month is refused: lifetimes are bounded', async () => {
    const r = await post(app.url, { query: ALL }, await base().setIssuedAt().setExpirationTime('30d').sign(JWT_SECRET));
    expect(r.status).toBe(401);
    expect(r.errors?.[0].message).toMatch(/lifetime/);
  });

  test('a little clock skew is tolerated, more is not', async () => {
    const justExpired = await post(
      app.url,
      { query: ALL },
      await base()
        .setIssuedAt(now() - 600)
        .setExpirationTime(now() - 10)
        .sign(JWT_SECRET),
    );
    expect(justExpired.errors).toBeUndefined();
    const expired = await post(
      app.url,
      { query: ALL },
      await base()
        .setIssuedAt(now() - 600)
        .setExpirationTime(now() - 300)
        .sign(JWT_SECRET),
    );
    expect(expired.status).toBe(401);
  });
});

describe('a real identity provider: RS256 keys from a JWKS endpoint, issuer, audience and claim paths configured', () => {
  let jwks: Server;
  let issuer: string;
  let key: KeyLike;
  let app: App;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      if (req.url === '/realms/madoguchi/protocol/openid-connect/certs') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/realms/madoguchi`;
    const auth = authConfigFromSettings(
      parseSettings(
        {
          MADOGUCHI_JWKS_URL: `${issuer}/protocol/openid-connect/certs`,
          MADOGUCHI_JWT_ISSUER: issuer,
          MADOGUCHI_JWT_AUDIENCE: 'madoguchi-gateway',
          MADOGUCHI_JWT_ROLE_CLAIM: 'realm_access.roles',
          MADOGUCHI_JWT_AGENCY_CLAIM: 'madoguchi.agency',
        },
        { envFile: false },
      ),
    );
    app = await startApp({ auth });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const keycloak = (claims: Record<string, unknown>, signWith: KeyLike | Uint8Array = key, alg = 'RS256') =>
    new SignJWT({ azp: 'madoguchi-web', ...claims })
      .setProtectedHeader({ alg, kid: 'k1', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience('madoguchi-gateway')
      .setSubject('3f1c7a9e-keycloak-user')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signWith);

  test('a staff token with its role among the realm roles and its agency in a nested claim sees that agency’s consultations', async () => {
    const token = await keycloak({
      realm_access: { roles: ['offline_access', 'uma_authorization', 'staff'] },
      madoguchi: { agency: 'hyogo-cgc' },
    });
    const r = await post(
      app.url,
      { query: '{ consultations(first: 100) { totalCount edges { node { organization { id } } } } }' },
      token,
    );
    expect(r.errors).toBeUndefined();
    const [{ n }] = await app.app.store.query<{ n: number }>(
      `select count(*)::int as n from consultations where organization_id = 'hyogo-cgc' or referred_to_id = 'hyogo-cgc'`,
    );
    expect(r.data!.consultations.totalCount).toBe(n);
  });

  test('a coordinator token sees every consultation', async () => {
    const r = await post(app.url, { query: ALL }, await keycloak({ realm_access: { roles: ['coordinator'] } }));
    const [{ n }] = await app.app.store.query<{ n: number }>('select count(*)::int as n from consultations');
    expect(r.data!.consultations.totalCount).toBe(n);
  });

  test('wrong issuer, wrong audience, another key, HS256 with the public key, no known role: 401', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const roles = { realm_access: { roles: ['coordinator'] } };
    const forged = [
      await new SignJWT(roles)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('http://evil.example/realms/madoguchi')
        .setAudience('madoguchi-gateway')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key),
      await new SignJWT(roles)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience('account')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key),
      await keycloak(roles, other),
      await keycloak(roles, new TextEncoder().encode(JSON.stringify(await exportJWK(key))), 'HS256'),
      await keycloak({ realm_access: { roles: ['offline_access'] } }),
    ];
    for (const token of forged) {
      const r = await post(app.url, { query: ALL }, token);
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
    }
  });
});
