/**
 * consultationStats as columns (列形式), through the gateway on the demo store: on random shapes
 * — one to three dimensions, date ranges, one agency, one topic — row i of `columns` must be cell
 * i of `cells` (value, label, count, suppressed), for analysts (perturbed, 1–4 withheld as null)
 * and coordinators (exact); columns asked alone must read the same; a table asked as cells and
 * columns is charged once; anonymous callers and staff are refused as for cells; the explorer's
 * big-table example runs.
 */
import { signDevelopmentToken } from '../../gateway/auth';
import { mulberry32 } from '../../demo/consultations';
import { EXAMPLE_OPERATIONS } from '../../gateway/explorer/examples';
import { codeOf, gql, JWT_SECRET, startApp, type App } from '../attack/support';
import { analystShape, statsVocabulary, randomShape } from '../support/stats-shapes';

let app: App;
let organizations: string[];
let topics: string[];
let months: string[];

const CELLS = 'cells { keys { dimension value label } count suppressed }';
const COLUMNS = 'columns { keys { dimension values labels codes } counts suppressed }';
const query = (selection: string) => `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { groupBy total suppressedCells ${selection} } }`;

interface Key {
  dimension: string;
  value: string;
  label: string | null;
}
interface Cell {
  keys: Key[];
  count: number | null;
  suppressed: boolean;
}
interface Columns {
  keys: Array<{ dimension: string; values: string[]; labels: Array<string | null>; codes: number[] }>;
  counts: Array<number | null>;
  suppressed: boolean[];
}

/** The cells the columns describe, row by row. */
function rowsOf(columns: Columns): Cell[] {
  const n = columns.counts.length;
  for (const k of columns.keys) {
    expect(k.codes).toHaveLength(n);
    expect(k.labels).toHaveLength(k.values.length);
    // A dictionary: each code once, every entry used.
    expect(new Set(k.values).size).toBe(k.values.length);
    expect(new Set(k.codes).size).toBe(k.values.length);
  }
  expect(columns.suppressed).toHaveLength(n);
  return columns.counts.map((count, i) => ({
    keys: columns.keys.map((k) => ({
      dimension: k.dimension,
      value: k.values[k.codes[i]],
      label: k.labels[k.codes[i]],
    })),
    count,
    suppressed: columns.suppressed[i],
  }));
}

const charged = async (subject: string) =>
  (
    await app.app.store.query<{ cells: number }>(
      'select coalesce(sum(cells), 0)::int as cells from analyst_charges where subject = $1',
      [subject],
    )
  )[0].cells;

beforeAll(async () => {
  app = await startApp();
  const store = app.app.store;
  ({ organizations, topics, months } = await statsVocabulary(store));
});
afterAll(() => app.close());

let together = 0;

/**
 * Asks a shape as cells and columns in one request, then as columns alone; checks they agree. The
 * heaviest analyst tables (three dimensions no rollup covers) cost more than one request may as
 * both forms (the estimate counts each form's lists): those are asked as cells, then as columns.
 */
async function askBoth(shape: { groupBy: string[]; filter: unknown }, token: string) {
  let both = await gql(app, query(`${CELLS} ${COLUMNS}`), shape, token);
  if (codeOf(both) === 'COST_LIMIT_EXCEEDED') {
    const cells = await gql(app, query(CELLS), shape, token);
    const columns = await gql(app, query(COLUMNS), shape, token);
    both = {
      ...cells,
      data: { consultationStats: { ...cells.data!.consultationStats, ...columns.data!.consultationStats } },
    };
  } else together += 1;
  expect(both.errors).toBeUndefined();
  const stats = both.data!.consultationStats as { cells: Cell[]; columns: Columns; suppressedCells: number };
  expect(rowsOf(stats.columns)).toEqual(stats.cells);
  expect(stats.columns.suppressed.filter(Boolean)).toHaveLength(stats.suppressedCells);
  const alone = await gql(app, query(COLUMNS), shape, token);
  expect(alone.errors).toBeUndefined();
  expect(rowsOf(alone.data!.consultationStats.columns)).toEqual(stats.cells);
  return stats;
}

test('analysts: on random tables, row i of columns is cell i, withheld alike, charged once', async () => {
  const rand = mulberry32(4011);
  let withheld = 0;
  let cells = 0;
  for (let i = 0; i < 24; i++) {
    const shape = analystShape(rand, { organizations, topics, months });
    // A subject per table: each table's charge is read alone, and no budget runs out.
    const subject = `columns-analyst-${i}`;
    const token = await signDevelopmentToken({ role: 'analyst', sub: subject }, JWT_SECRET);
    const stats = await askBoth(shape, token);
    for (let c = 0; c < stats.cells.length; c++) {
      const count = stats.columns.counts[c];
      // Never a withheld count, never a value under 5.
      expect(count === null).toBe(stats.columns.suppressed[c]);
      if (count !== null) expect(count).toBeGreaterThanOrEqual(5);
    }
    withheld += stats.suppressedCells;
    cells += stats.cells.length;
    // Cells and columns (in one request or two), then columns again: one table, charged once.
    expect(await charged(subject)).toBe(stats.cells.length + 1);
  }
  // The shapes reach withheld cells and big enough tables to mean something, most in one request.
  expect(together).toBeGreaterThan(12);
  expect(withheld).toBeGreaterThan(0);
  expect(cells).toBeGreaterThan(500);
});

test('coordinators: on random tables (any filter), row i of columns is cell i, exact', async () => {
  const rand = mulberry32(4012);
  const token = app.tokens.coordinator!;
  let counted = 0;
  for (let i = 0; i < 24; i++) {
    const { dims, filter } = randomShape(rand, { organizations, topics });
    const stats = await askBoth({ groupBy: dims, filter }, token);
    expect(stats.suppressedCells).toBe(0);
    expect(stats.columns.counts.every((n) => typeof n === 'number' && n > 0)).toBe(true);
    counted += stats.cells.length;
  }
  expect(counted).toBeGreaterThan(500);
  // Exact: one agency's month column against its records.
  const [org] = organizations;
  const r = await gql(app, query(COLUMNS), { groupBy: ['MONTH'], filter: { organizationIds: [org] } }, token);
  const columns = r.data!.consultationStats.columns as Columns;
  const truth = await app.app.store.query<{ m: string; n: number }>(
    `select to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM') as m, count(*)::int as n
       from consultations where organization_id = $1 group by 1`,
    [org],
  );
  expect(Object.fromEntries(rowsOf(columns).map((c) => [c.keys[0].value, c.count]))).toEqual(
    Object.fromEntries(truth.map((t) => [t.m, t.n])),
  );
});

test('anonymous callers and staff are refused columns as they are cells', async () => {
  const shape = { groupBy: ['MONTH'], filter: null };
  for (const [token, code] of [
    [app.tokens.anonymous, 'UNAUTHENTICATED'],
    [app.tokens.staffIac, 'FORBIDDEN'],
  ] as const) {
    for (const selection of ['cells { count }', 'columns { counts keys { values } }']) {
      const r = await gql(app, query(selection), shape, token);
      expect(codeOf(r)).toBe(code);
      expect(r.data?.consultationStats ?? null).toBeNull();
      expect(r.text).not.toMatch(/"counts"\s*:\s*\[\s*\d/);
    }
  }
});

test('the explorer’s big-table example runs for an analyst, and its columns are the cells of that table', async () => {
  const example = EXAMPLE_OPERATIONS.find((e) => e.name === 'BigTableAsColumns')!;
  const token = await signDevelopmentToken({ role: 'analyst', sub: 'columns-example' }, JWT_SECRET);
  const r = await gql(app, example.query, example.variables, token);
  expect(r.errors).toBeUndefined();
  const { columns } = r.data!.consultationStats as { columns: Columns };
  expect(columns.keys.map((k) => k.dimension)).toEqual(['MONTH', 'MUNICIPALITY', 'INDUSTRY']);
  const cells = await gql(
    app,
    query(CELLS),
    { groupBy: ['MONTH', 'MUNICIPALITY', 'INDUSTRY'], filter: example.variables },
    token,
  );
  expect(rowsOf(columns)).toEqual(cells.data!.consultationStats.cells);
  expect(columns.counts.length).toBeGreaterThan(1000);
});
