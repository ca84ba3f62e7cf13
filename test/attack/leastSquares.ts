/**
 * The solving attacks on published statistics, written as an outside analyst would write them,
 * for the attack suite and bench:disclosure. Each asks many tables whose record subsets differ,
 * writes every published cell as one noisy equation over unknown finer cells, and solves them by
 * least squares: fresh noise per record subset averages out, and hidden (1–4) cells come back.
 *
 * - `subsetAttack`: random subsets of agencies as `organizationIds`, grouped by one or two
 *   dimensions; unknowns are the per-agency cells.
 * - `monthRangeAttack`: every whole-month range as `from`/`to`; unknowns are the per-month cells.
 *
 * A hidden cell counts as recovered when the attacker could state its value with confidence:
 * its estimate is identifiable (not in the null space of what was asked), rounds to the true
 * count, and its standard error — from the published noise variance, which the README states —
 * is at most 0.25, so that rounding is right at least 95 % of the time. `exact` counts estimates
 * that round to the truth whatever their error (what a lucky guess also gets).
 */

import { mulberry32 } from '../../demo/random';
import { lastDayOf } from '../../store/stats';

/** What one table answers: cell keys (dimension values joined by '|') to counts, null when withheld; or refused. */
export type Answer = Map<string, number | null> | 'refused';
export type Ask = (groupBy: string[], filter: Record<string, unknown>) => Promise<Answer>;

/** Variance of the cell-key noise for counts of 7 and more (domain/disclosure.ts, stated in the README). */
export const NOISE_VARIANCE = 1.2;
/** Largest standard error at which a rounded estimate is taken as known. */
export const CONFIDENT_SE = 0.25;

export interface Recovery {
  /** Hidden (1–4) cells attacked. */
  hidden: number;
  /** Recovered with confidence (see the header). */
  recovered: number;
  /** Estimates that round to the truth, confident or not. */
  exact: number;
  /** Tables answered and refused. */
  answered: number;
  refused: number;
}

export const share = (r: Recovery) => (r.hidden ? r.recovered / r.hidden : 0);

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): values and column vectors. */
function eigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-15) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}

export interface Solution {
  estimate: number[];
  /** Standard error of each estimate; Infinity where the equations do not determine it. */
  se: number[];
}

/**
 * Least squares over equations Σ x[vars] = value (each with noise of `noiseVariance`), with the
 * unknowns in `zeros` known to be 0. Minimum-norm where the system is rank-deficient.
 */
export function leastSquares(
  n: number,
  equations: Array<{ vars: number[]; value: number }>,
  zeros: ReadonlySet<number> = new Set(),
  noiseVariance = NOISE_VARIANCE,
): Solution {
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => !zeros.has(i));
  const index = new Map(free.map((v, i) => [v, i]));
  const k = free.length;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const atb = new Array<number>(k).fill(0);
  for (const e of equations) {
    const cols = e.vars.filter((v) => index.has(v)).map((v) => index.get(v)!);
    for (const i of cols) {
      atb[i] += e.value;
      for (const j of cols) ata[i][j] += 1;
    }
  }
  const estimate = new Array<number>(n).fill(0);
  const se = new Array<number>(n).fill(0);
  if (k === 0) return { estimate, se };
  const { values, vectors } = eigen(ata);
  const tol = 1e-9 * Math.max(1, ...values.map(Math.abs));
  for (let i = 0; i < k; i++) {
    let x = 0;
    let variance = 0;
    let inRowSpace = 0;
    for (let c = 0; c < k; c++) {
      if (values[c] <= tol) continue;
      let proj = 0;
      for (let j = 0; j < k; j++) proj += vectors[j][c] * atb[j];
      x += (vectors[i][c] * proj) / values[c];
      variance += (vectors[i][c] * vectors[i][c]) / values[c];
      inRowSpace += vectors[i][c] * vectors[i][c];
    }
    estimate[free[i]] = x;
    se[free[i]] = inRowSpace < 1 - 1e-6 ? Infinity : Math.sqrt(noiseVariance * variance);
  }
  return { estimate, se };
}

/** Scores estimates against the hidden cells' true counts. */
function score(
  targets: Array<{ truth: number; estimate: number; se: number }>,
  answered: number,
  refused: number,
): Recovery {
  let recovered = 0;
  let exact = 0;
  for (const t of targets) {
    if (!Number.isFinite(t.se)) continue;
    if (Math.round(t.estimate) !== t.truth) continue;
    exact += 1;
    if (t.se <= CONFIDENT_SE) recovered += 1;
  }
  return { hidden: targets.length, recovered, exact, answered, refused };
}

/** Equations of one group of unknowns (one cell key of the coarse table across every table asked). */
class Group {
  readonly equations: Array<{ vars: number[]; value: number }> = [];
  readonly zeros = new Set<number>();
}

/** One table to ask, and which unknowns of its cells' groups its records cover. */
interface Question {
  filter: Record<string, unknown>;
  vars: number[];
}

/**
 * Asks every question (grouped by `groupBy`) and writes each answer's cells as equations of their
 * group: a published cell is a noisy sum of the question's unknowns, an absent one an exact zero,
 * a withheld one nothing.
 */
async function ask(
  askTable: Ask,
  groupBy: string[],
  questions: Question[],
  concurrency: number,
): Promise<{ groups: Map<string, Group>; answered: number; refused: number }> {
  const groups = new Map<string, Group>();
  let answered = 0;
  let refused = 0;
  for (let i = 0; i < questions.length; i += concurrency) {
    const batch = questions.slice(i, i + concurrency);
    const answers = await Promise.all(batch.map((q) => askTable(groupBy, q.filter)));
    answers.forEach((answer, b) => {
      if (answer === 'refused') return void (refused += 1);
      answered += 1;
      const { vars } = batch[b];
      for (const key of answer.keys()) if (!groups.has(key)) groups.set(key, new Group());
      // Keys first seen in a later table miss the zeros of earlier ones: fewer facts, no wrong ones.
      for (const [key, g] of groups) {
        const value = answer.get(key);
        if (value === undefined) for (const v of vars) g.zeros.add(v);
        else if (value !== null) g.equations.push({ vars, value });
      }
    });
  }
  return { groups, answered, refused };
}

/** Solves each group the targets need and scores the hidden (1–4) cells of `truth`. */
function solve(
  asked: Awaited<ReturnType<typeof ask>>,
  unknowns: number,
  truth: Map<string, number>,
  locate: (key: string) => { group: string; index: number },
): Recovery {
  const targets: Array<{ truth: number; estimate: number; se: number }> = [];
  const solved = new Map<string, Solution>();
  for (const [key, n] of truth) {
    if (n < 1 || n > 4) continue;
    const { group, index } = locate(key);
    const g = asked.groups.get(group);
    if (!g || index < 0) {
      targets.push({ truth: n, estimate: 0, se: Infinity });
      continue;
    }
    let s = solved.get(group);
    if (!s) solved.set(group, (s = leastSquares(unknowns, g.equations, g.zeros)));
    targets.push({ truth: n, estimate: s.estimate[index], se: s.se[index] });
  }
  return score(targets, asked.answered, asked.refused);
}

/**
 * Random subsets of agencies + least squares. `truth` holds the exact counts by
 * [agency, ...groupBy] (key `agency|v1|v2`); its 1–4 cells are the targets.
 */
export async function subsetAttack(options: {
  ask: Ask;
  agencies: string[];
  groupBy: string[];
  tables: number;
  truth: Map<string, number>;
  seed?: number;
  /** Asked in parallel, this many at a time (two: one analyst's statistics run two at a time). */
  concurrency?: number;
}): Promise<Recovery> {
  const { agencies } = options;
  const rng = mulberry32(options.seed ?? 24);
  const questions = Array.from({ length: options.tables }, () => {
    const picked = agencies.map((_, i) => i).filter(() => rng() < 0.5);
    const vars = picked.length ? picked : [0];
    return { filter: { organizationIds: vars.map((a) => agencies[a]) }, vars };
  });
  const asked = await ask(options.ask, options.groupBy, questions, options.concurrency ?? 2);
  return solve(asked, agencies.length, options.truth, (key) => {
    const [agency, ...rest] = key.split('|');
    return { group: rest.join('|'), index: agencies.indexOf(agency) };
  });
}

/**
 * Overlapping whole-month ranges + least squares. `months` are YYYY-MM in order; `truth` holds the
 * exact counts by [...groupBy, MONTH] (key `v1|…|YYYY-MM`); its 1–4 cells are the targets.
 */
export async function monthRangeAttack(options: {
  ask: Ask;
  months: string[];
  groupBy: string[];
  truth: Map<string, number>;
  concurrency?: number;
}): Promise<Recovery> {
  const { months } = options;
  const questions: Question[] = [];
  for (let a = 0; a < months.length; a++) {
    for (let b = a; b < months.length; b++) {
      questions.push({
        filter: { from: `${months[a]}-01`, to: lastDayOf(months[b]) },
        vars: Array.from({ length: b - a + 1 }, (_, j) => a + j),
      });
    }
  }
  const asked = await ask(options.ask, options.groupBy, questions, options.concurrency ?? 2);
  return solve(asked, months.length, options.truth, (key) => {
    const parts = key.split('|');
    const index = months.indexOf(parts.pop()!);
    return { group: parts.join('|'), index };
  });
}
