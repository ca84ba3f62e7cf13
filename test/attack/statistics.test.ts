/**
 * Attack: differencing the suppressed statistics. As an analyst, `consultationStats` over all
 * agencies minus the same over all but one recovered every suppressed cell exactly; overlapping
 * filters pinned one firm's industry, topic, channel and month; `from: d` minus `from: d+1`
 * isolated single consultations. Per-query suppression cannot stop this. Analysts now get counts
 * perturbed by the cell-key method: each cell's small noise is fixed by the records in it, so the
 * same cell always reads the same and two answers' difference keeps both cells' noise; 1–4 is
 * never shown; dates are whole months. Coordinators, who may read the records, get exact counts.
 */
import { codeOf, gql, JWT_SECRET, startApp, type App } from './support';
import { signDevelopmentToken } from '../../gateway/auth';
import { DEFAULT_ANALYST_TABLES_PER_DAY } from '../../subgraphs/consultations/disclosure';

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

test('totals minus complements over organizationIds no longer recover the suppressed cells', async () => {
  const fine = await stats(['ORGANIZATION', 'MUNICIPALITY']);
  const hidden = [...fine.cells].filter(([, n]) => n === null).map(([k]) => k.split('|'));
  expect(hidden.length).toBeGreaterThan(20);
  const actual = await truth(
    `select organization_id || '|' || coalesce(municipality_code, '') as k, count(*)::int as n from consultations group by 1`,
  );
  const all = await stats(['MUNICIPALITY']);
  const pairs: Array<{ diff: number | null; actual: number }> = [];
  for (const org of [...new Set(hidden.map(([o]) => o))]) {
    const rest = await stats(['MUNICIPALITY'], { organizationIds: organizations.filter((o) => o !== org) });
    for (const [o, m] of hidden.filter(([o]) => o === org)) {
      const a = all.cells.get(m);
      const b = rest.cells.get(m) ?? 0;
      pairs.push({ diff: a == null || b == null ? null : a - b, actual: actual.get(`${o}|${m}`)! });
    }
  }
  // Before: every one exact. Now only as often as two cells' noise happens to cancel.
  expect(exactShare(pairs)).toBeLessThan(0.45);
});

test('overlapping filters no longer pin one agency’s firms by industry, topic, channel or month', async () => {
  const pairs: Array<{ diff: number | null; actual: number }> = [];
  const [x, ...others] = organizations;
  for (const y of others.slice(0, 4)) {
    for (const [dim, sql] of [
      ['INDUSTRY', `coalesce(industry, '')`],
      ['CHANNEL', 'channel'],
      ['MONTH', `to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`],
    ] as const) {
      const both = await stats([dim], { organizationIds: [x, y] });
      const one = await stats([dim], { organizationIds: [y] });
      const actual = await truth(
        `select ${sql} as k, count(*)::int as n from consultations where organization_id = $1 group by 1`,
        [x],
      );
      for (const [k, n] of actual) {
        const a = both.cells.get(k);
        const b = one.cells.get(k) ?? 0;
        pairs.push({ diff: a == null || b == null ? null : a - b, actual: n });
      }
    }
    const both = await stats(['TOPIC'], { organizationIds: [x, y] });
    const one = await stats(['TOPIC'], { organizationIds: [y] });
    const actual = await truth(
      `select t as k, count(*)::int as n from consultations, unnest(topics) t where organization_id = $1 group by 1`,
      [x],
    );
    for (const [k, n] of actual) {
      const a = both.cells.get(k);
      const b = one.cells.get(k) ?? 0;
      pairs.push({ diff: a == null || b == null ? null : a - b, actual: n });
    }
  }
  expect(pairs.length).toBeGreaterThan(40);
  expect(exactShare(pairs)).toBeLessThan(0.45);
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
  const some = await stats(['ORGANIZATION'], { organizationIds: [x, y, z] });
  const alone = await stats(['ORGANIZATION'], { organizationIds: [x] });
  for (const o of [x, y, z]) expect(some.cells.get(o)).toBe(all.cells.get(o));
  expect(alone.total).toBe(all.cells.get(x));
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

test('averaging many different tables is bounded: an analyst gets so many distinct tables a day, then RATE_LIMITED', async () => {
  // Its own subject, so the budget spent here is this test's alone.
  const token = await signDevelopmentToken({ role: 'analyst', sub: 'analyst-averaging' }, JWT_SECRET);
  const months = Array.from({ length: 12 }, (_, i) => `2025-${String(((i + 3) % 12) + 1).padStart(2, '0')}`).map(
    (m, i) => ({ m, y: i < 9 ? 2025 : 2026 }),
  );
  const first = (i: number) => `${months[i].y}-${months[i].m.slice(5)}-01`;
  const last = (i: number) =>
    new Date(Date.UTC(months[i].y, Number(months[i].m.slice(5)), 0)).toISOString().slice(0, 10);
  const tables: Array<{ groupBy: string[]; filter: Record<string, string> }> = [];
  for (const groupBy of [['CHANNEL'], ['INDUSTRY'], ['TOPIC'], ['MONTH'], ['ORGANIZATION']]) {
    for (let a = 0; a < 12; a++)
      for (let b = a; b < 12; b++) tables.push({ groupBy, filter: { from: first(a), to: last(b) } });
  }
  const asked = tables.slice(0, DEFAULT_ANALYST_TABLES_PER_DAY);
  for (let i = 0; i < asked.length; i += 25) {
    const answers = await Promise.all(asked.slice(i, i + 25).map((t) => gql(app, STATS, t, token)));
    for (const r of answers) expect(r.errors).toBeUndefined();
  }
  const over = await gql(app, STATS, tables[DEFAULT_ANALYST_TABLES_PER_DAY], token);
  expect(codeOf(over)).toBe('RATE_LIMITED');
  // A table already asked reads the same values again, so it is still answered.
  const again = await gql(app, STATS, asked[7], token);
  expect(again.errors).toBeUndefined();
});
