/**
 * Attack: the subgraphs' ports without the gateway. A request with no identity header was served
 * as anonymous, with introspection, no depth, alias or token limits and a cost limit of 500,000:
 * 2,000 aliased searches sent straight to the programs subgraph took 4 s and stalled the
 * gateway's public queries. Now the gateway signs every request it sends, anonymous callers'
 * too, and a subgraph refuses one without that identity (MADOGUCHI_SUBGRAPH_ALLOW_UNSIGNED=true
 * takes it as anonymous, for local development only); a request the gateway did sign still meets
 * the gateway's own limits there.
 */
import { codeOf, gql, post, startApp, type App } from './support';
import { ANONYMOUS, signIdentity } from '../../server/identity';
import { parseSettings } from '../../server/settings';

const allowUnsignedFromEnv = (env: Record<string, string>) =>
  parseSettings(env, { envFile: false }).subgraphAllowUnsigned;

const SECRET = 'subgraph-attack-identity-secret-of-enough-length';
let app: App;

beforeAll(async () => {
  app = await startApp({ gateway: { identitySecret: SECRET } });
});
afterAll(() => app.close());

const SEARCH = '{ search(text: "創業", first: 5) { totalCount } }';

test('every subgraph refuses a request without the gateway’s identity, public queries and introspection too', async () => {
  const queries: Record<string, string> = {
    programs: SEARCH,
    organizations: '{ organizations { id } }',
    consultations: '{ __schema { queryType { name } } }',
    growth: '{ __typename }',
  };
  for (const [name, query] of Object.entries(queries)) {
    const r = await post(app.app.subgraphs[name].url, { query });
    expect([name, r.status, codeOf(r)]).toEqual([name, 401, 'UNAUTHENTICATED']);
    expect(r.errors?.[0].message).toMatch(/no identity/);
    expect(r.data ?? null).toBeNull();
  }
  // Through the gateway, the same public query is answered (signed as an anonymous caller), and
  // the gateway's readiness probes, signed too, find every subgraph up.
  const viaGateway = await gql(app, SEARCH);
  expect(viaGateway.errors).toBeUndefined();
  expect(viaGateway.data!.search.totalCount).toBeGreaterThan(0);
  const ready = await fetch(`${app.base}/readyz`);
  expect(ready.status).toBe(200);
});

test('2,000 aliased searches sent straight to the programs subgraph: refused before any work, with the gateway’s identity or without', async () => {
  const query = `{ ${Array.from({ length: 2_000 }, (_, i) => `s${i}: search(text: "創業", first: 20) { totalCount }`).join(' ')} }`;
  const started = Date.now();
  // Refused before any work: by its size (the token limit, checked before anything else), and
  // without identity anyway.
  const bare = await post(app.app.subgraphs.programs.url, { query });
  expect([400, 401]).toContain(bare.status);
  expect(bare.data ?? null).toBeNull();
  const small = await post(app.app.subgraphs.programs.url, { query: `{ a: ${SEARCH.slice(2)}` });
  expect(small.status).toBe(401);
  // Even a request the gateway signed may not ask what the gateway would refuse.
  const body = JSON.stringify({ query });
  const signed = await post(
    app.app.subgraphs.programs.url,
    body,
    null,
    signIdentity(ANONYMOUS, SECRET, { subgraph: 'programs', body }),
  );
  expect(signed.status).toBe(400);
  expect(signed.errors?.[0].message).toMatch(/aliases|tokens/i);
  expect(Date.now() - started).toBeLessThan(3_000);
});

test('taking unsigned requests as anonymous is for local development only', () => {
  expect(allowUnsignedFromEnv({})).toBe(false);
  expect(allowUnsignedFromEnv({ MADOGUCHI_SUBGRAPH_ALLOW_UNSIGNED: 'true' })).toBe(true);
  expect(() => allowUnsignedFromEnv({ MADOGUCHI_SUBGRAPH_ALLOW_UNSIGNED: 'true', NODE_ENV: 'production' })).toThrow(
    /local development only/,
  );
});
