/**
 * Attack: solving many statistics tables together. Per-table noise that is fresh for each record
 * subset averages out: an analyst who asks `consultationStats` about many random subsets of
 * agencies, or about many overlapping whole-month ranges, and solves the answers by least squares
 * (./leastSquares.ts) recovered most hidden 1–4 cells exactly — 79 of 81 on the demo year at one
 * dimension, single firms' agency × municipality × industry at two. Each attack here runs against
 * the gateway as shipped, with an analyst of its own, and reports what it recovered.
 */
import { codeOf, gql, JWT_SECRET, startApp, type App } from './support';
import { signDevelopmentToken } from '../../gateway/auth';
import { monthRangeAttack, share, subsetAttack, type Answer, type Ask, type Recovery } from './leastSquares';

let app: App;
let agencies: string[];

const STATS = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { cells { keys { value } count } } }`;

const MONTHS = Array.from({ length: 12 }, (_, i) => {
  const d = new Date(Date.UTC(2025, 3 + i, 1));
  return d.toISOString().slice(0, 7);
});

async function analyst(subject: string): Promise<Ask> {
  const token = await signDevelopmentToken({ role: 'analyst', sub: subject }, JWT_SECRET);
  return async (groupBy, filter): Promise<Answer> => {
    const r = await gql(app, STATS, { groupBy, filter }, token);
    if (r.errors) {
      const code = codeOf(r);
      // Refusals an attacker meets: the filter's rules and the budget. Anything else is a failure.
      if (code === 'BAD_USER_INPUT' || code === 'RATE_LIMITED') return 'refused';
      throw new Error(JSON.stringify(r.errors));
    }
    const cells = new Map<string, number | null>();
    for (const c of r.data!.consultationStats.cells)
      cells.set(c.keys.map((k: { value: string }) => k.value).join('|'), c.count);
    return cells;
  };
}

/** Exact counts by the given SQL key expression. */
async function truth(keySql: string): Promise<Map<string, number>> {
  const rows = await app.app.store.query<{ k: string; n: number }>(
    `select ${keySql} as k, count(*)::int as n from consultations group by 1`,
  );
  return new Map(rows.map((r) => [r.k, r.n]));
}

const MONTH_SQL = `to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`;
const report = (name: string, r: Recovery) =>
  console.log(
    `${name}: ${r.recovered} of ${r.hidden} hidden cells recovered (${(100 * share(r)).toFixed(1)} %), ${r.exact} rounded right; ${r.answered} tables answered, ${r.refused} refused`,
  );

beforeAll(async () => {
  app = await startApp();
  agencies = (
    await app.app.store.query<{ id: string }>('select distinct organization_id as id from consultations order by 1')
  ).map((r) => r.id);
});
afterAll(() => app.close());

test('random agency subsets + least squares, one dimension (MUNICIPALITY): at most 5 % of hidden cells recovered', async () => {
  const r = await subsetAttack({
    ask: await analyst('solver-1d'),
    agencies,
    groupBy: ['MUNICIPALITY'],
    tables: 120,
    truth: await truth(`organization_id || '|' || coalesce(municipality_code, '')`),
  });
  report('subsets, 1-D', r);
  expect(r.hidden).toBeGreaterThan(50);
  // Refused: a set of agencies is not an analyst's filter (one agency's table is its row of a grouped one).
  expect(r.answered).toBe(0);
  expect(share(r)).toBeLessThanOrEqual(0.05);
});

test('random agency subsets + least squares, two dimensions (MUNICIPALITY × INDUSTRY): at most 5 % recovered', async () => {
  const r = await subsetAttack({
    ask: await analyst('solver-2d'),
    agencies,
    groupBy: ['MUNICIPALITY', 'INDUSTRY'],
    tables: 290,
    truth: await truth(`organization_id || '|' || coalesce(municipality_code, '') || '|' || coalesce(industry, '')`),
  });
  report('subsets, 2-D', r);
  expect(r.hidden).toBeGreaterThan(200);
  expect(r.answered).toBe(0);
  expect(share(r)).toBeLessThanOrEqual(0.05);
});

test('overlapping whole-month ranges + least squares (ORGANIZATION × MUNICIPALITY by month): at most 5 % recovered', async () => {
  const r = await monthRangeAttack({
    ask: await analyst('solver-months'),
    months: MONTHS,
    groupBy: ['ORGANIZATION', 'MUNICIPALITY'],
    truth: await truth(`organization_id || '|' || coalesce(municipality_code, '') || '|' || ${MONTH_SQL}`),
  });
  report('month ranges, 2-D', r);
  expect(r.hidden).toBeGreaterThan(200);
  // Answered: whole-month ranges stay an analyst's filter; fixed ±2 noise leaves no month pinned.
  expect(r.answered).toBe(78);
  expect(share(r)).toBeLessThanOrEqual(0.05);
});

test('overlapping whole-month ranges + least squares (MUNICIPALITY by month): at most 5 % recovered', async () => {
  const r = await monthRangeAttack({
    ask: await analyst('solver-months-1d'),
    months: MONTHS,
    groupBy: ['MUNICIPALITY'],
    truth: await truth(`coalesce(municipality_code, '') || '|' || ${MONTH_SQL}`),
  });
  report('month ranges, 1-D', r);
  expect(r.hidden).toBeGreaterThan(20);
  expect(share(r)).toBeLessThanOrEqual(0.05);
});
