/**
 * Attack: differencing the suppressed statistics. As an analyst, `consultationStats` over all
 * agencies minus the same over all but one recovered every suppressed cell exactly; overlapping
 * filters pinned one firm's industry, topic, channel and month; `from: d` minus `from: d+1`
 * isolated single consultations. Per-query suppression cannot stop this. Analysts now get counts
 * perturbed by the cell-key method: each cell's small noise is fixed by the records in it, so the
 * same cell always reads the same and two answers' difference keeps both cells' noise; 1–4 is
 * never shown; dates are whole months; a filter names one agency or none, one topic or none (a set
 * of them cut fresh record subsets: test/attack/solving.test.ts). Coordinators, who may read the
 * records, get exact counts.
 */
import { codeOf, gql, JWT_SECRET, startApp, type App } from './support';
import { signDevelopmentToken } from '../../gateway/auth';
import { DEFAULT_ANALYST_CELLS_PER_DAY } from '../../subgraphs/shared/analysts';

let app: App;
let organizations: string[];

const STATS = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { total cells { keys { value } count suppressed } } }`;

type Cells = Map<string, number | null>;

async function stats(
  groupBy: string[],
  filter: Record<string, unknown> = {},
  token = app.tokens.analyst,
): Promise<{ total: number | null; cells: Cells }> {
  const r = await gql(app, STATS, { groupBy, filter }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const cells: Cells = new Map();
  for (const c of r.data!.consultationStats.cells)
    cells.set(c.keys.map((k: { value: string }) => k.value).join('|'), c.count);
  return { total: r.data!.consultationStats.total, cells };
}

async function truth(sql: string, params: unknown[] = []): Promise<Map<string, number>> {
  const rows = await app.app.store.query<{ k: string; n: number }>(sql, params);
  return new Map(rows.map((r) => [r.k, r.n]));
}

/** How many of the hidden values a difference of two published answers gives exactly. */
function exactShare(pairs: Array<{ diff: number | null; actual: number }>): number {
  return pairs.filter((p) => p.diff === p.actual).length / pairs.length;
}

beforeAll(async () => {
  app = await startApp();
  organizations = (
    await app.app.store.query<{ id: string }>('select distinct organization_id as id from consultations order by 1')
  ).map((r) => r.id);
});
afterAll(() => app.close());

test('totals minus complements over organizationIds: a set of agencies is refused, and one agency reads its own cells', async () => {
  const [x, ...rest] = organizations;
  for (const organizationIds of [rest, [x, rest[0]]]) {
    const r = await gql(app, STATS, { groupBy: ['MUNICIPALITY'], filter: { organizationIds } }, app.tokens.analyst);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/one agency or by none/);
  }
  const r = await gql(
    app,
    STATS,
    { groupBy: ['MUNICIPALITY'], filter: { topics: ['FINANCE', 'IP'] } },
    app.tokens.analyst,
  );
  expect(codeOf(r)).toBe('BAD_USER_INPUT');
  // One agency's table is the agency's row of the grouped table: the same records, the same values.
  const fine = await stats(['ORGANIZATION', 'MUNICIPALITY']);
  const alone = await stats(['MUNICIPALITY'], { organizationIds: [x] });
  for (const [m, n] of alone.cells) expect(fine.cells.get(`${x}|${m}`)).toBe(n);
});

test('overlapping filters no longer pin one agency’s firms: [x, y] is refused, and y alone is y’s row of the grouped table', async () => {
  const [x, ...others] = organizations;
  let compared = 0;
  for (const y of others.slice(0, 4)) {
    const r = await gql(app, STATS, { groupBy: ['INDUSTRY'], filter: { organizationIds: [x, y] } }, app.tokens.analyst);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    for (const dim of ['INDUSTRY', 'CHANNEL', 'MONTH', 'TOPIC']) {
      const grouped = await stats([dim, 'ORGANIZATION']);
      const one = await stats([dim], { organizationIds: [y] });
      // The same records, so the same published values: nothing new to subtract or average.
      for (const [k, n] of one.cells) {
        expect(grouped.cells.get(`${k}|${y}`)).toBe(n);
        compared += 1;
      }
    }
  }
  expect(compared).toBeGreaterThan(40);
});

test('shifted date ranges no longer isolate single days: analysts count whole months', async () => {
  for (const filter of [{ from: '2025-06-10' }, { to: '2025-06-10' }, { from: '2025-06-11', to: '2025-06-30' }]) {
    const r = await gql(app, STATS, { groupBy: ['ORGANIZATION'], filter }, app.tokens.analyst);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/whole months/);
  }
  // Month-aligned shifts: the difference keeps both answers' noise.
  const june = await stats(['ORGANIZATION', 'CHANNEL'], { from: '2025-06-01' });
  const july = await stats(['ORGANIZATION', 'CHANNEL'], { from: '2025-07-01' });
  const actual = await truth(
    `select organization_id || '|' || channel as k, count(*)::int as n from consultations
     where received_at >= '2025-06-01T00:00:00+09:00' and received_at < '2025-07-01T00:00:00+09:00' group by 1`,
  );
  const pairs = [...actual].map(([k, n]) => {
    const a = june.cells.get(k);
    const b = july.cells.get(k) ?? 0;
    return { diff: a == null || b == null ? null : a - b, actual: n };
  });
  expect(exactShare(pairs)).toBeLessThan(0.45);
});

test('the same cell reads the same whichever query produced it, so repeating or reshaping a query averages nothing away', async () => {
  const [x, y, z] = organizations;
  const all = await stats(['ORGANIZATION']);
  for (const o of [x, y, z]) {
    const alone = await stats(['ORGANIZATION'], { organizationIds: [o] });
    expect(alone.cells.get(o)).toBe(all.cells.get(o));
    expect(alone.total).toBe(all.cells.get(o));
  }
  expect((await stats(['ORGANIZATION'])).cells).toEqual(all.cells);
});

test('analysts: 1–4 is never shown, other cells are off by at most 2; coordinators get the exact counts', async () => {
  const actual = await truth(
    `select organization_id || '|' || coalesce(municipality_code, '') as k, count(*)::int as n from consultations group by 1`,
  );
  const analyst = await stats(['ORGANIZATION', 'MUNICIPALITY']);
  let changed = 0;
  for (const [k, n] of actual) {
    const shown = analyst.cells.get(k);
    if (n < 5) expect(shown).toBeNull();
    else {
      expect(shown).not.toBeNull();
      expect(Math.abs(shown! - n)).toBeLessThanOrEqual(2);
      expect(shown!).toBeGreaterThanOrEqual(5);
      if (shown !== n) changed += 1;
    }
  }
  expect(changed).toBeGreaterThan(0);
  const coordinator = await stats(['ORGANIZATION', 'MUNICIPALITY'], {}, app.tokens.coordinator);
  expect(coordinator.cells).toEqual(actual);
  const [{ n }] = await app.app.store.query<{ n: number }>('select count(*)::int as n from consultations');
  expect(coordinator.total).toBe(n);
});

test('averaging many different tables is bounded: each new table is charged the cells it reveals, and past the budget RATE_LIMITED', async () => {
  // Its own subject, so the budget spent here is this test's alone.
  const token = await signDevelopmentToken({ role: 'analyst', sub: 'analyst-averaging' }, JWT_SECRET);
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 3 + i, 1)).toISOString().slice(0, 7));
  const last = (m: string) =>
    new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 0)).toISOString().slice(0, 10);
  const tables: Array<{ groupBy: string[]; filter: Record<string, string> }> = [];
  for (const groupBy of [
    ['MUNICIPALITY', 'INDUSTRY', 'CHANNEL'],
    ['ORGANIZATION', 'MUNICIPALITY', 'INDUSTRY'],
    ['ORGANIZATION', 'MUNICIPALITY', 'TOPIC'],
  ]) {
    for (let a = 0; a < 12; a++)
      for (let b = a; b < 12; b++) tables.push({ groupBy, filter: { from: `${months[a]}-01`, to: last(months[b]) } });
  }
  let shown = 0;
  let refused: (typeof tables)[number] | undefined;
  const asked: typeof tables = [];
  for (const t of tables) {
    const r = await gql(app, STATS, t, token);
    if (codeOf(r) === 'RATE_LIMITED') {
      refused = t;
      expect(r.errors?.[0].message).toMatch(/cells/);
      break;
    }
    expect(r.errors).toBeUndefined();
    shown += r.data!.consultationStats.cells.length + 1;
    asked.push(t);
  }
  expect(refused).toBeDefined();
  expect(shown).toBeLessThanOrEqual(DEFAULT_ANALYST_CELLS_PER_DAY);
  expect(shown).toBeGreaterThan(DEFAULT_ANALYST_CELLS_PER_DAY / 2);
  // A table already asked reads the same values again, so it is still answered, and the same.
  const again = await gql(app, STATS, asked[3], token);
  expect(again.errors).toBeUndefined();
  // Another analyst has a budget of their own.
  expect((await gql(app, STATS, refused!, app.tokens.analyst)).errors).toBeUndefined();
});

test('public counts are what analysts see: an anonymous consultationCount is the agency’s perturbed cell, never the exact count', async () => {
  const r = await gql(app, '{ organizations { id consultationCount(fiscalYear: 2025) } }');
  expect(r.errors).toBeUndefined();
  const fy = await stats(['ORGANIZATION'], { from: '2025-04-01', to: '2026-03-31' });
  const exact = await truth(`select organization_id as k, count(*)::int as n from consultations group by 1`);
  let differs = 0;
  for (const o of r.data!.organizations as Array<{ id: string; consultationCount: number | null }>) {
    if (!exact.has(o.id)) continue;
    expect(o.consultationCount).toBe(fy.cells.get(o.id));
    if (o.consultationCount !== exact.get(o.id)) differs += 1;
  }
  // Were they exact, an anonymous caller would learn the noise of every analyst's agency cell.
  expect(differs).toBeGreaterThan(0);
  // Coordinators still read exact counts.
  const c = await gql(app, '{ organizations { id consultationCount } }', {}, app.tokens.coordinator);
  for (const o of c.data!.organizations as Array<{ id: string; consultationCount: number | null }>)
    if (exact.has(o.id)) expect(o.consultationCount).toBe(exact.get(o.id));
});
