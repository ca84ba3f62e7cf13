/**
 * Attack: linked growth tables. `growthCounts` suppressed each table on its own (small cells and a
 * second cell per line); an analyst asked every 1–3-dimension grouping of year, agency, industry
 * and status (14 tables) and an integer linear program over the 4-D table of plans pinned most
 * withheld cells exactly — single firms' support outcomes. Now every cell of every linked table is
 * perturbed by the cell-key method with plan keys: a published value says only that the count lies
 * within ±2 of it, a withheld one that it is 1–4. The same ILP (HiGHS, the solver an attacker would
 * reach for) is run here against the tables as the gateway ships them, and against the same
 * tables published the old way (suppression, the peer in subgraphs/shared/suppression.ts) to show
 * the attack is real: a withheld cell is pinned when its minimum and maximum over every integer
 * table consistent with what was shown are equal.
 */
import highsLoader from 'highs';
import { codeOf, gql, startApp, type App } from './support';
import { countPlans, type GrowthDimension } from '../../store/growth';
import { MIN_CELL, suppress } from '../../subgraphs/shared/suppression';

let app: App;

const DIMS: GrowthDimension[] = ['YEAR', 'AGENCY', 'INDUSTRY', 'STATUS'];
const COUNTS = `query($groupBy: [GrowthDimension!]!) {
  growthCounts(groupBy: $groupBy) { total cells { keys { value } count } } }`;

/** Every grouping an analyst may ask: each non-empty subset of up to three dimensions. */
const GROUPINGS: GrowthDimension[][] = [];
for (let mask = 1; mask < 16; mask++) {
  const dims = DIMS.filter((_, i) => mask & (1 << i));
  if (dims.length <= 3) GROUPINGS.push(dims);
}

/** One published table: cells by key (values joined by '|'), null when withheld; and the total. */
interface Shown {
  dims: GrowthDimension[];
  total: number | null;
  cells: Map<string, number | null>;
}

/**
 * What a table tells an attacker about a cell's true count, given the method: bounds for a listed
 * value (a number, or null when withheld) and for a cell not listed.
 */
interface Reading {
  listed(shown: number | null): [number, number];
  absent: [number, number];
  /** Cells not listed may still hold plans (the method leaves small cells out). */
  absentMayHoldPlans: boolean;
}
/** Exact publication with suppression: shown values exact, suppressed ones at least 1, absent 0. */
const SUPPRESSED: Reading = {
  listed: (v) => (v === null ? [1, Number.POSITIVE_INFINITY] : [v, v]),
  absent: [0, 0],
  absentMayHoldPlans: false,
};
/**
 * The cell-key method as shipped to analysts: ±2 of the shown value, never under 5; absent 0–4.
 * (Against it the integer program over every cell of the domain is too large to run per target
 * in a test; `unpinnable` bounds what it could pin instead.)
 */
const PERTURBED: Reading = {
  listed: (v) => (v === null ? [0, 4] : [Math.max(5, v - 2), v + 2]),
  absent: [0, 4],
  absentMayHoldPlans: true,
};

/** Slack for the solvers' floating point: an LP bound within it of an integer counts as that integer. */
const EPS = 1e-6;

/**
 * How many of the `targets` (cells of the linked tables, by table and key) an integer program
 * over the 4-D table of plans pins to one value. `domain` gives each dimension's values; `truth`
 * is the true 4-D table (counts by the cell's values joined by '|'), one table consistent with
 * what was shown.
 *
 * A target is decided by the cheapest sufficient proof. Not pinned: two integer tables known to
 * satisfy every shown bound (the true one, and every solution found on the way, each checked here
 * against the bounds) give it different values. Pinned: the LP relaxation's minimum and maximum
 * round to one integer — the integer program's range lies within the relaxation's, and holds the
 * true value. What neither settles gets the integer program's minimum and maximum (`programs`
 * counts those targets).
 */
async function pinned(
  tables: Shown[],
  read: Reading,
  domain: string[][],
  truth: Map<string, number>,
  targets: Array<{ table: number; key: string }>,
): Promise<{ pins: number; programs: number }> {
  const highs = await highsLoader();
  const cells: string[][] = [];
  const walk = (prefix: string[]) => {
    if (prefix.length === DIMS.length) return void cells.push(prefix);
    for (const v of domain[prefix.length]) walk([...prefix, v]);
  };
  walk([]);
  const project = (cell: string[], dims: GrowthDimension[]) => dims.map((d) => cell[DIMS.indexOf(d)]).join('|');
  // Where an absent cell means none, the 4-D cells with an absent projection are zero.
  const possible = read.absentMayHoldPlans
    ? cells
    : cells.filter((c) => tables.every((t) => t.cells.has(project(c, t.dims))));
  const vars = possible.map((_, i) => `x${i}`);
  /** Each shown bound: the 4-D cells (indices into `possible`) it sums, and its range. */
  const limits: Array<{ name: string; members: number[]; lo: number; hi: number }> = [];
  const bound = (name: string, members: number[], [lo, hi]: [number, number]) => {
    if (members.length) limits.push({ name, members, lo, hi });
  };
  const membersOf = tables.map((t) => {
    const byKey = new Map<string, number[]>();
    possible.forEach((c, i) => {
      const k = project(c, t.dims);
      if (!byKey.has(k)) byKey.set(k, []);
      byKey.get(k)!.push(i);
    });
    return byKey;
  });
  const everyCell = possible.map((_, i) => i);
  tables.forEach((t, ti) => {
    let ci = 0;
    for (const [key, members] of membersOf[ti])
      bound(`t${ti}c${ci++}`, members, t.cells.has(key) ? read.listed(t.cells.get(key)!) : read.absent);
    bound(`t${ti}total`, everyCell, t.total === null ? read.absent : read.listed(t.total));
  });
  const rows: string[] = [];
  for (const { name, members, lo, hi } of limits) {
    const sum = members.map((i) => vars[i]).join(' + ');
    if (lo > 0) rows.push(` ${name}lo: ${sum} >= ${lo}`);
    if (Number.isFinite(hi)) rows.push(` ${name}hi: ${sum} <= ${hi}`);
  }
  const model = (sense: 'Minimize' | 'Maximize', objective: string[], integer: boolean) =>
    `${sense}\n obj: ${objective.join(' + ')}\nSubject To\n${rows.join('\n')}\nBounds\n${vars
      .map((v) => ` 0 <= ${v} <= 1000`)
      .join('\n')}\n${integer ? `General\n ${vars.join(' ')}\n` : ''}End\n`;
  const sumOf = (table: number[], members: number[]) => members.reduce((s, i) => s + table[i], 0);
  /** Integer tables checked against every shown bound. */
  const known: number[][] = [];
  const admit = (table: number[]) => {
    const fits =
      table.every((n) => Number.isInteger(n) && n >= 0 && n <= 1000) &&
      limits.every(({ members, lo, hi }) => {
        const n = sumOf(table, members);
        return n >= lo && n <= hi;
      });
    if (fits) known.push(table);
  };
  /** Column values (in the order of `vars`), when each is an integer up to float noise, as a table to admit. */
  const admitValues = (values: number[]) => {
    if (values.every((x) => Math.abs(x - Math.round(x)) <= EPS)) admit(values.map(Math.round));
  };
  const admitSolution = (solution: ReturnType<typeof highs.solve>) => {
    if (solution.Status === 'Optimal') admitValues(vars.map((v) => solution.Columns[v]?.Primal ?? Number.NaN));
  };
  // The true table, when every cell holding plans is among the possible ones.
  const truthAt = possible.map((c) => truth.get(c.join('|')) ?? 0);
  if (sumOf(truthAt, everyCell) === [...truth.values()].reduce((s, n) => s + n, 0)) admit(truthAt);
  const varies = (members: number[]) => known.some((t) => sumOf(t, members) !== sumOf(known[0], members));
  // One relaxation kept in memory: a target only changes its objective, and the simplex starts
  // from the last optimal basis.
  const relaxation = highs.createModel({ format: 'lp', data: model('Minimize', [vars[0]], false) });
  relaxation.options.set({ output_flag: false, time_limit: 20 });
  const columns = vars.map((v) => relaxation.getColByName(v));
  /** The relaxation's optimum of the target's count, or null when not proved optimal. */
  const relaxed = (sense: 'minimize' | 'maximize', members: number[]) => {
    const costs = new Float64Array(vars.length);
    for (const i of members) costs[columns[i]] = 1;
    relaxation.changeColsCost({ kind: 'range', from: 0, to: vars.length - 1 }, costs);
    relaxation.changeObjectiveSense(highs.constants.objectiveSense[sense]);
    relaxation.zeroAllClocks();
    relaxation.run();
    const status = relaxation.getModelStatus();
    if (status === highs.constants.modelStatus.infeasible) throw new Error('the shown tables admit no table');
    if (status !== highs.constants.modelStatus.optimal) return null;
    const { colValue } = relaxation.getSolution();
    admitValues(columns.map((c) => colValue[c]));
    return relaxation.getObjectiveValue();
  };
  let pins = 0;
  let programs = 0;
  try {
    for (const { table, key } of targets) {
      const members = membersOf[table].get(key) ?? [];
      if (!members.length) {
        pins += 1;
        continue;
      }
      if (varies(members)) continue;
      const terms = members.map((i) => vars[i]);
      // The relaxation: a bound it proves holds for every integer table.
      const lpLo = relaxed('minimize', members);
      const lpHi = relaxed('maximize', members);
      if (lpLo !== null && lpHi !== null) {
        const least = Math.ceil(lpLo - EPS);
        const most = Math.floor(lpHi + EPS);
        const value = known.length ? sumOf(known[0], members) : least;
        if (value < least || value > most) throw new Error(`the relaxation excludes a known table (${key})`);
        if (least === most) {
          pins += 1;
          continue;
        }
      }
      if (varies(members)) continue;
      programs += 1;
      const lo = highs.solve(model('Minimize', terms, true), { time_limit: 20 });
      admitSolution(lo);
      if (varies(members)) continue;
      const hi = highs.solve(model('Maximize', terms, true), { time_limit: 20 });
      if (lo.Status === 'Infeasible' || hi.Status === 'Infeasible') throw new Error('the shown tables admit no table');
      admitSolution(hi);
      if (varies(members)) continue;
      if (lo.Status !== 'Optimal' || hi.Status !== 'Optimal') pins += 1;
      else if (Math.round(lo.ObjectiveValue) === Math.round(hi.ObjectiveValue)) pins += 1;
    }
  } finally {
    relaxation.dispose();
  }
  return { pins, programs };
}

/**
 * An upper bound on the targets an integer program could pin, found without solving one: a target
 * is not pinned when moving a single plan of the true table to a neighbouring cell (one or two
 * values changed) changes the target's count and keeps every table within what it showed — two integer
 * tables consistent with everything published, the target different in each. Targets without such
 * a move are returned, for the integer program itself.
 */
function unpinnable(
  tables: Shown[],
  read: Reading,
  domain: string[][],
  truth: Map<string, number>,
  targets: Array<{ table: number; key: string }>,
): Array<{ table: number; key: string }> {
  const project = (cell: string[], dims: GrowthDimension[]) => dims.map((d) => cell[DIMS.indexOf(d)]).join('|');
  const counts = new Map<string, number>();
  const valueOf = (t: number, key: string) => counts.get(`${t}#${key}`) ?? 0;
  for (const [k, n] of truth) {
    const cell = k.split('|');
    tables.forEach((t, ti) => counts.set(`${ti}#${project(cell, t.dims)}`, valueOf(ti, project(cell, t.dims)) + n));
  }
  const allowed = (t: number, key: string, value: number) => {
    const shown = tables[t].cells;
    const [lo, hi] = shown.has(key) ? read.listed(shown.get(key)!) : read.absent;
    return value >= lo && value <= hi;
  };
  /** Whether moving one plan from `from` to `to` keeps every table within its bounds. */
  const movable = (from: string[], to: string[]) =>
    tables.every((t, ti) => {
      const a = project(from, t.dims);
      const b = project(to, t.dims);
      return a === b || (allowed(ti, a, valueOf(ti, a) - 1) && allowed(ti, b, valueOf(ti, b) + 1));
    });
  const occupied = [...truth].filter(([, n]) => n > 0).map(([k]) => k.split('|'));
  const left: Array<{ table: number; key: string }> = [];
  for (const { table, key } of targets) {
    const dims = tables[table].dims;
    const found = occupied.some((from) => {
      const inside = project(from, dims) === key;
      // Out of the target (its count falls) or into it (its count rises): one of the target's
      // values changed, and perhaps one other value with it.
      return dims.some((d) => {
        const i = DIMS.indexOf(d);
        return domain[i].some((v) => {
          if (v === from[i]) return false;
          const to = [...from];
          to[i] = v;
          if (inside === (project(to, dims) === key)) return false;
          if (movable(from, to)) return true;
          return DIMS.some(
            (_, j) =>
              j !== i &&
              domain[j].some((w) => {
                if (w === from[j]) return false;
                const further = [...to];
                further[j] = w;
                return inside !== (project(further, dims) === key) && movable(from, further);
              }),
          );
        });
      });
    });
    if (!found) left.push({ table, key });
  }
  return left;
}

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

test('the linked-tables ILP pins at most 5 % of withheld growth cells (it pinned most under suppression)', async () => {
  // As an analyst: every linked table, through the gateway as shipped.
  const shipped: Shown[] = [];
  for (const dims of GROUPINGS) {
    const r = await gql(app, COUNTS, { groupBy: dims }, app.tokens.analyst);
    expect(codeOf(r)).toBeUndefined();
    shipped.push({
      dims,
      total: r.data!.growthCounts.total,
      cells: new Map(
        r.data!.growthCounts.cells.map((c: { keys: Array<{ value: string }>; count: number | null }) => [
          c.keys.map((k) => k.value).join('|'),
          c.count,
        ]),
      ),
    });
  }
  expect(shipped).toHaveLength(14);
  // The same tables published the old way, from the exact counts coordinators get.
  const old: Shown[] = [];
  for (const dims of GROUPINGS) {
    const exact = await countPlans(app.app.store, dims, null);
    const shown = suppress(exact.cells, MIN_CELL);
    old.push({
      dims,
      total: exact.total,
      cells: new Map(shown.map((c) => [c.keys.join('|'), c.suppressed ? null : c.count])),
    });
  }
  // The targets: every cell of 1–4 plans in the linked tables (a single firm's outcome, or a few).
  const targets: Array<{ table: number; key: string }> = [];
  const domain: string[][] = DIMS.map(() => []);
  for (const [ti, dims] of GROUPINGS.entries()) {
    const exact = await countPlans(app.app.store, dims, null);
    for (const c of exact.cells) {
      if (c.count >= 1 && c.count <= 4) targets.push({ table: ti, key: c.keys.join('|') });
      // The attacker is granted every value that occurs (more than the tables show).
      c.keys.forEach((v, i) => {
        const d = DIMS.indexOf(dims[i]);
        if (!domain[d].includes(v)) domain[d].push(v);
      });
    }
  }
  const started = Date.now();
  const exact4d = await countPlans(app.app.store, DIMS, null);
  const truth = new Map(exact4d.cells.map((c) => [c.keys.join('|'), c.count]));
  const before = await pinned(old, SUPPRESSED, domain, truth, targets);
  const uncertain = unpinnable(shipped, PERTURBED, domain, truth, targets);
  // What no single move settles, the integer program decides (a solve that runs out of time
  // counts as pinned: the figure errs towards the attacker), `pinned` answering for it where a
  // known table or the relaxation suffices.
  const after = await pinned(shipped, PERTURBED, domain, truth, uncertain);
  console.log(
    `linked growth tables (${targets.length} cells of 1–4 plans): suppression pinned ${before.pins}, the cell-key method as shipped ${after.pins} (${uncertain.length} left by single moves; integer programs solved for ${before.programs} + ${after.programs} targets; ${Date.now() - started} ms)`,
  );
  expect(targets.length).toBeGreaterThan(50);
  expect(before.pins / targets.length).toBeGreaterThan(0.3);
  expect(after.pins / targets.length).toBeLessThanOrEqual(0.05);
}, 600_000);
