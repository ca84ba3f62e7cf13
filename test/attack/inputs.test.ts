/**
 * Smaller attacks found from outside. (1) A NUL byte in any string argument (`program(id:)`,
 * `organizationIds`, a search text) reached the store and came back as INTERNAL_SERVER_ERROR: now
 * any control character in variables or literals is BAD_USER_INPUT, at the gateway and again at
 * each subgraph. (2) Errors named the subgraph behind them (`serviceName`) to anonymous callers.
 * (3) /metrics (runtime version, subgraph names, circuit states, per-operation counts) was public:
 * in production it needs MADOGUCHI_METRICS_TOKEN. (4) A committee-pack cell starting with a
 * full-width ＝ (or after a space) passed the formula escape.
 */
import { fetch } from 'undici';
import { codeOf, gql, startApp, type App } from './support';
import { metricsAccessOf } from '../../gateway/gateway';
import { parseSettings } from '../../server/settings';

const metricsAccessFromEnv = (env: Record<string, string>) => metricsAccessOf(parseSettings(env, { envFile: false }));
import { safeCell } from '../../gateway/exports/committeePack';

let app: App;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

test('NUL and other control characters in any argument are BAD_USER_INPUT, never an internal error', async () => {
  const cases: Array<[string, Record<string, unknown>, string | null]> = [
    ['query($id: ID!) { program(id: $id) { id } }', { id: 'jgrants:\u0000' }, null],
    ['{ program(id: "a\\u0000b") { id } }', {}, null],
    ['query($t: String) { search(text: $t) { totalCount } }', { t: '創業\u0001' }, null],
    ['query($t: String) { search(text: $t) { totalCount } }', { t: 'x\u007f' }, null],
    [
      'query($f: StatsFilter) { consultationStats(groupBy: [ORGANIZATION], filter: $f) { total } }',
      { f: { organizationIds: ['hyogo-iac\u0000'] } },
      app.tokens.analyst,
    ],
  ];
  for (const [query, variables, token] of cases) {
    const r = await gql(app, query, variables, token);
    expect([query, r.status, codeOf(r)]).toEqual([query, 400, 'BAD_USER_INPUT']);
    expect(r.errors?.[0].message).toMatch(/control characters/);
  }
  // Tabs and line breaks are ordinary text.
  const ok = await gql(app, 'query($t: String) { search(text: $t) { totalCount } }', { t: '創業\t補助\n' });
  expect(ok.errors).toBeUndefined();
});

test('anonymous callers are not told which subgraph an error came from; signed-in roles are', async () => {
  const query = '{ organizations { id consultationCount(fiscalYear: 1800) } }';
  const anonymous = await gql(app, query);
  expect(codeOf(anonymous)).toBe('BAD_USER_INPUT');
  for (const e of anonymous.errors ?? []) expect(e.extensions?.serviceName).toBeUndefined();
  expect(anonymous.text).not.toMatch(/consultations/);
  const coordinator = await gql(app, query, {}, app.tokens.coordinator);
  expect(coordinator.errors?.[0].extensions?.serviceName).toBe('consultations');
});

test('/metrics in production: closed without MADOGUCHI_METRICS_TOKEN, and only for its holder with one', async () => {
  // As shipped for development (this app): readable on loopback.
  expect((await fetch(`${app.base}/metrics`)).status).toBe(200);
  expect(metricsAccessFromEnv({ NODE_ENV: 'production' })).toEqual({ token: undefined, open: false });
  expect(() => metricsAccessFromEnv({ MADOGUCHI_METRICS_TOKEN: 'short' })).toThrow(/16 characters/);
  const token = 'metrics-token-of-enough-length';
  for (const [access, status] of [
    [metricsAccessFromEnv({ NODE_ENV: 'production' }), 403],
    [metricsAccessFromEnv({ NODE_ENV: 'production', MADOGUCHI_METRICS_TOKEN: token }), 401],
  ] as const) {
    const prod = await startApp({ gateway: { metrics: access } });
    try {
      // /readyz answers an orchestrator's probe by its status code; its checks (subgraph names,
      // replica addresses, sources' errors) only for whoever may read /metrics.
      const probe = await fetch(`${prod.base}/readyz`);
      expect(probe.status).toBe(200);
      expect(await probe.json()).toEqual({ status: 'ready' });
      const bare = await fetch(`${prod.base}/metrics`);
      expect(bare.status).toBe(status);
      expect(await bare.text()).not.toMatch(/madoguchi_/);
      const wrong = await fetch(`${prod.base}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
      expect(wrong.status).toBe(status);
      if (access.token) {
        const right = await fetch(`${prod.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        expect(right.status).toBe(200);
        expect(await right.text()).toMatch(/madoguchi_graphql_requests_total/);
        const detailed = await fetch(`${prod.base}/readyz`, { headers: { authorization: `Bearer ${token}` } });
        expect(((await detailed.json()) as { checks: unknown }).checks).toMatchObject({ 'subgraph:programs': 'ok' });
      }
    } finally {
      await prod.close();
    }
  }
}, 120_000);

test('the committee pack’s formula escape covers full-width ＝＋－＠, a minus sign and leading whitespace', () => {
  for (const v of [
    '=1+1',
    '+1',
    '-1',
    '@SUM(A1)',
    '＝1+1',
    '＋1',
    '－1',
    '＠A1',
    '−1',
    ' =1',
    '\u3000＝1',
    '\t1',
    '\r1',
  ])
    expect(safeCell(v)).toBe(`'${v}`);
  for (const v of ['株式会社＝', 'ABC', '100', '', ' A=1']) expect(safeCell(v)).toBe(v);
});
