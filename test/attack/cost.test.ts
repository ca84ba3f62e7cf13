/**
 * Attack: one anonymous query that fans out. `organizations → programs → provider → programs …`
 * at depth 12 passed the depth limit and a cost limit that ignored list sizes, produced about
 * 750,000 objects, ran for a minute and took gigabytes that the process never gave back; nested
 * `alternatives` did the same. The cost estimate now counts list sizes and refuses these before
 * any subgraph is asked; and when an estimate is wrong (data larger than assumed, limits raised),
 * the execution budget — objects, bytes, time — stops the work with a coded error.
 */
import { fetch } from 'undici';
import { codeOf, gql, startApp, type App } from './support';

const chain = (levels: number) => {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `programs { provider { ${inner} } }`;
  return inner;
};
/** Depth 12: organizations, then five programs → provider pairs, then id. */
const FAN_OUT = `{ organizations { ${chain(5)} } }`;
const ALTERNATIVES = `{ programs(first: 20) { edges { node { ${'alternatives { '.repeat(8)} id ${'} '.repeat(8)} } } } }`;

describe('refused up front', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test.each([
    ['organizations → programs → provider … at depth 12', FAN_OUT],
    ['alternatives nested 8 levels', ALTERNATIVES],
    [
      'a wide page of wide pages',
      `{ programs(first: 100) { edges { node { alternatives(first: 100) { provider { programs { id } } } } } } }`,
    ],
    [
      'the fan-out behind an alias and a fragment',
      `query { a: organizations { ...F } } fragment F on Organization { ${chain(4)} }`,
    ],
  ])('%s: 400 COST_LIMIT_EXCEEDED within 2 s, no subgraph asked', async (_, query) => {
    const before = await app.subgraphRequests();
    const started = Date.now();
    const r = await gql(app, query);
    expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 400, code: 'COST_LIMIT_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.errors?.[0].message).toMatch(/cost/);
    expect(await app.subgraphRequests()).toEqual(before);
  });

  test('a variable page size counts as the size it asks for', async () => {
    const query =
      'query($n: Int) { programs(first: $n) { edges { node { alternatives(first: $n) { alternatives(first: $n) { id } } } } } }';
    expect(codeOf(await gql(app, query, { n: 100 }))).toBe('COST_LIMIT_EXCEEDED');
    const small = await gql(app, query, { n: 2 });
    expect(small.errors).toBeUndefined();
    expect(small.data!.programs.edges).toHaveLength(2);
  });

  test('the directory with programmes, the README example, still runs for anyone', async () => {
    const r = await gql(app, '{ organizations { name programs { title } consultationCount } }');
    expect(r.errors).toBeUndefined();
    expect(r.data!.organizations.length).toBeGreaterThanOrEqual(20);
  });
});

describe('the execution budget when the estimate lets a query through', () => {
  let app: App;
  beforeAll(async () => {
    // An operator who raised the cost limit far too high: the budget at execution still holds.
    app = await startApp({ gateway: { limits: { maxCost: 1e12, requestTimeoutMs: 5_000 } } });
  });
  afterAll(() => app.close());

  test('the depth-12 fan-out is aborted with a coded error in seconds, and memory comes back', async () => {
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const r = await gql(app, FAN_OUT);
    const seconds = (Date.now() - started) / 1000;
    expect(['BUDGET_EXCEEDED', 'REQUEST_TIMEOUT']).toContain(codeOf(r));
    expect(r.data ?? null).toBeNull();
    expect(seconds).toBeLessThan(8);
    // The gateway answers others at once afterwards; the work behind the aborted request stopped.
    const t = Date.now();
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
    expect(Date.now() - t).toBeLessThan(2_000);
    global.gc?.();
    // Bounded by the budget. (Not yet shown: that a second identical attack keeps nothing more —
    // measured here, RSS grew by about as much again; see the issue 14 report.)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(800 * 1024 * 1024);
  });

  test('nested alternatives too', async () => {
    const started = Date.now();
    const r = await gql(app, ALTERNATIVES);
    expect(['BUDGET_EXCEEDED', 'REQUEST_TIMEOUT']).toContain(codeOf(r));
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
