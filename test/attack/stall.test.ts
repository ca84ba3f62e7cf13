/**
 * Attack: aliased statistics that stall everyone. One analyst's request of 20–30 aliases of a
 * consultationStats that no rollup covers, selecting only `total`, was cheap by the cost estimate
 * and ran ~0.35 s per alias one after another on the store's thread: anonymous searches waited
 * 7–10 s and one failed. Now such aggregates are weighed by the rows they read (so the request is
 * refused: COST_LIMIT_EXCEEDED), identical aliases are computed once, and each analyst's
 * statistics run two at a time. Measured here: anonymous search latency (p99) and errors while two
 * analysts send 30-alias statistics requests, first the refused kind, then the most the limits
 * let through, again and again; and aliased columns of a table refused as aliased cells are.
 */
import { signDevelopmentToken } from '../../gateway/auth';
import { codeOf, gql, JWT_SECRET, post, startApp, type App } from './support';

let app: App;

const MONTHS = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 3 + i, 1)).toISOString().slice(0, 7));
const last = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 0)).toISOString().slice(0, 10);
const RANGES: Array<{ from: string; to: string }> = [];
for (let a = 0; a < 12; a++) for (let b = a; b < 12; b++) RANGES.push({ from: `${MONTHS[a]}-01`, to: last(MONTHS[b]) });

/** A request of `n` aliases of consultationStats over distinct month ranges, selecting `total` (or `selection`). */
function aliased(groupBy: string, n: number, offset: number, selection = 'total'): string {
  const aliases = Array.from({ length: n }, (_, i) => {
    const r = RANGES[(offset + i) % RANGES.length];
    return `s${i}: consultationStats(groupBy: [${groupBy}], filter: { from: "${r.from}", to: "${r.to}" }) { ${selection} }`;
  });
  return `{ ${aliases.join(' ')} }`;
}

const SEARCH = 'query($t: String, $n: Int) { search(text: $t, first: $n) { totalCount edges { node { id title } } } }';
const TERMS = ['創業', '補助金', '融資', '販路開拓', '事業承継', 'IT導入', '雇用', '設備', '海外展開', '専門家派遣'];

let searches = 0;

/** Anonymous searches, two at a time, until `until` settles; their latencies and errors. */
async function searchWhile(until: Promise<unknown>): Promise<{ latencies: number[]; errors: string[] }> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = Date.now();
  const worker = async () => {
    // At least three seconds of searches, whatever the statistics do.
    while (!done || Date.now() - started < 3_000) {
      const n = searches++;
      const t0 = performance.now();
      // Distinct variables (trailing spaces the search ignores): the response cache never answers.
      const variables = { t: `${TERMS[n % TERMS.length]}${' '.repeat(Math.floor(n / 10) % 100)}`, n: 5 + (n % 16) };
      const r = await post(app.url, { query: SEARCH, variables });
      latencies.push(performance.now() - t0);
      if (r.status !== 200 || r.errors) errors.push(`${r.status} ${codeOf(r) ?? ''}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return { latencies, errors };
}

/**
 * The bound a p99 under attack must meet: 300 ms, or on a shared machine so loaded that searches
 * alone are slower, three times their p99 measured alone in the same run (timings are only
 * comparable within one run, and three seconds of searches on a loaded machine vary by that much
 * with no attack at all; the stall this defends against was 7–10 s). The figures are printed.
 */
let baseline = 0;
const bound = () => Math.max(300, 3 * baseline);

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

beforeAll(async () => {
  app = await startApp();
  // Warm: the search index and the statistics path; then searches alone, for the baseline.
  await post(app.url, { query: SEARCH, variables: { t: '創業', n: 1 } });
  const alone = await searchWhile(Promise.resolve());
  baseline = p99(alone.latencies);
  console.log(`searches alone: ${alone.latencies.length}, p99 ${baseline.toFixed(0)} ms`);
}, 60_000);
afterAll(() => app.close());

test('2 × 30 aliases of statistics nothing covers: refused by their cost, and public search p99 within its bound with no error', async () => {
  const analysts = await Promise.all(
    ['stall-a', 'stall-b'].map((sub) => signDevelopmentToken({ role: 'analyst', sub }, JWT_SECRET)),
  );
  const attack = Promise.all(
    analysts.map(async (token, k) => {
      const r = await gql(app, aliased('MUNICIPALITY, INDUSTRY, CHANNEL', 30, k * 30), {}, token);
      return codeOf(r);
    }),
  );
  const { latencies, errors } = await searchWhile(attack);
  expect(await attack).toEqual(['COST_LIMIT_EXCEEDED', 'COST_LIMIT_EXCEEDED']);
  console.log(`refused attack: ${latencies.length} searches, p99 ${p99(latencies).toFixed(0)} ms`);
  expect(errors).toEqual([]);
  expect(p99(latencies)).toBeLessThanOrEqual(bound());
});

test('2 × 30 aliases as heavy as the limits allow, sent again and again: public search p99 within its bound with no error', async () => {
  const analysts = await Promise.all(
    ['heavy-a', 'heavy-b'].map((sub) => signDevelopmentToken({ role: 'analyst', sub }, JWT_SECRET)),
  );
  // Each request: one three-dimension aggregate nothing covers and 29 covered ones, distinct.
  const request = (k: number, round: number) => {
    const r = RANGES[(k * 37 + round) % RANGES.length];
    const heavy = `h: consultationStats(groupBy: [MUNICIPALITY, INDUSTRY, CHANNEL], filter: { from: "${r.from}", to: "${r.to}" }) { total }`;
    return aliased('ORGANIZATION, MONTH', 29, k * 29 + round * 7).replace(/^\{ /, `{ ${heavy} `);
  };
  let answered = 0;
  const codes = new Set<string>();
  const attack = Promise.all(
    analysts.map(async (token, k) => {
      for (let round = 0; round < 4; round++) {
        const r = await gql(app, request(k, round), {}, token);
        // The attacker's own tables may be told to wait (RATE_LIMITED); nothing may time out
        // at the gateway, which would count against the subgraph's health for everyone.
        for (const e of r.errors ?? []) codes.add(String(e.extensions?.code));
        if (!r.errors) answered += 1;
      }
    }),
  );
  const { latencies, errors } = await searchWhile(attack);
  await attack;
  console.log(
    `allowed attack: ${answered} of 8 requests of 30 aliases answered whole (others: ${[...codes].join(', ') || 'none'}); ${latencies.length} searches, p99 ${p99(latencies).toFixed(0)} ms`,
  );
  expect([...codes].filter((c) => c !== 'RATE_LIMITED')).toEqual([]);
  expect(answered).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  expect(p99(latencies)).toBeLessThanOrEqual(bound());
});

test('identical aliases are computed and charged once', async () => {
  const token = await signDevelopmentToken({ role: 'analyst', sub: 'identical' }, JWT_SECRET);
  const one =
    'consultationStats(groupBy: [ORGANIZATION], filter: { from: "2025-04-01", to: "2025-04-30" }) { total cells { count } }';
  const r = await gql(app, `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: ${one}`).join(' ')} }`, {}, token);
  expect(r.errors).toBeUndefined();
  const values = Object.values(r.data!).map((v) => JSON.stringify(v));
  expect(new Set(values).size).toBe(1);
  // Charged as one table: its cells and total, once.
  const [{ cells }] = await app.app.store.query<{ cells: number }>(
    `select coalesce(sum(cells), 0)::int as cells from analyst_charges where subject = 'identical'`,
  );
  expect(cells).toBe((r.data!.a0.cells as unknown[]).length + 1);
});

test('aliased columns are refused and charged as aliased cells are', async () => {
  const token = await signDevelopmentToken({ role: 'analyst', sub: 'aliased-columns' }, JWT_SECRET);
  // Covered tables, cheap by their work: what bounds these requests is the lists they return.
  const request = (n: number, selection: string) => aliased('ORGANIZATION, MONTH', n, 3, selection);
  const refused = [
    // 30 aliases: refused whatever they select of each table.
    ...['cells { count }', 'columns { counts }', 'columns { suppressed }'].map((s) => request(30, s)),
    // 10 aliases: refused once each table's keys are asked, as cells or as columns.
    request(10, 'cells { keys { value } count }'),
    request(10, 'columns { keys { dimension } counts }'),
    request(10, 'columns { keys { values codes } }'),
  ];
  for (const query of refused) {
    const r = await gql(app, query, {}, token);
    expect({ query, code: codeOf(r), status: r.status }).toEqual({ query, code: 'COST_LIMIT_EXCEEDED', status: 400 });
  }
  // Nothing was counted or charged for the refused requests.
  const charged = () =>
    app.app.store.query<{ cells: number }>(
      `select coalesce(sum(cells), 0)::int as cells from analyst_charges where subject = 'aliased-columns'`,
    );
  expect((await charged())[0].cells).toBe(0);
  // What the limit lets through as columns, the same tables' cells may be asked too; identical
  // aliases of columns are computed and charged once, like cells.
  const one =
    'consultationStats(groupBy: [ORGANIZATION], filter: { from: "2025-04-01", to: "2025-04-30" }) { total columns { counts } }';
  const r = await gql(app, `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: ${one}`).join(' ')} }`, {}, token);
  expect(r.errors).toBeUndefined();
  expect(new Set(Object.values(r.data!).map((v) => JSON.stringify(v))).size).toBe(1);
  expect((await charged())[0].cells).toBe((r.data!.a0.columns.counts as unknown[]).length + 1);
});
