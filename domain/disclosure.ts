/**
 * Statistical disclosure control for consultation counts: the cell-key method, as flexible table
 * builders use it (the Australian Bureau of Statistics' TableBuilder; the ONS and ABS 2021 census
 * tools), so that analysts may ask any table without differencing two answers into one firm.
 *
 * - Every consultation has a fixed record key, 0–65535, derived from its id with a secret of the
 *   install (`recordKey`): the same record always has the same key, across re-syncs and row order,
 *   and without the secret nobody can compute it.
 * - A cell's key is the sum of its records' keys modulo 65536: the same set of records gives the
 *   same cell key, whichever query, grouping or filter produced the cell.
 * - A fixed perturbation table, indexed by the cell's count and its cell key, gives the small
 *   noise added (`perturb`). Same records → same count and key → same published value: repeating
 *   a query, or reaching the same cell another way, averages nothing away, and the difference of
 *   two published cells keeps both cells' noise instead of cancelling it.
 * - Counts 1–4 are never published (null); a published value is never below 5.
 *
 * What it costs (measured by `npm run bench:stats` on the demo year): see README › Security.
 * What it does not guarantee: averaging many *different* cells whose differences all isolate the
 * same records narrows an estimate, and least squares over many fresh record subsets recovers
 * hidden cells outright (test/attack/solving.test.ts). The analysts' restrictions (whole months,
 * one agency or all, one topic or all: ../subgraphs/consultations/disclosure.ts) leave no fresh
 * subsets to cut, and their budget of cells revealed (../subgraphs/shared/analysts.ts) bounds what
 * one analyst sees in a window.
 */
import { createHash } from 'node:crypto';

/** Record and cell keys lie in [0, KEY_SPACE). */
export const KEY_SPACE = 65_536;

/** Counts under this are never published. */
export const MIN_PUBLISHED = 5;

/** A record's key: the first 16 bits of SHA-256(secret ‖ id). The SQL twin is RECORD_KEY_SQL. */
export function recordKey(secret: string, id: string): number {
  return createHash('sha256')
    .update(secret + id)
    .digest()
    .readUInt16BE(0);
}

/**
 * The same key in SQL, for rebuilding keys of stored records: `secret` and `id` are SQL
 * expressions (text). Must agree with `recordKey` (the store's tests check it does).
 */
export function recordKeySql(secret: string, id: string): string {
  return `('x' || substr(encode(sha256(convert_to(${secret} || ${id}, 'UTF8')), 'hex'), 1, 4))::bit(16)::int`;
}

/** A cell's key from the sum of its records' keys. */
export function cellKey(keySum: number): number {
  return ((keySum % KEY_SPACE) + KEY_SPACE) % KEY_SPACE;
}

/**
 * The perturbation table: for a count, the noise values and their probabilities. Counts of 7 and
 * more get −2…+2 with mean 0 (probabilities 0.1, 0.2, 0.4, 0.2, 0.1: variance 1.2); 5 and 6 may
 * not go below 5, so they lean upwards (mean +0.7 and +0.25).
 */
export const PERTURBATION_TABLE: ReadonlyArray<{ count: number; noise: number[]; p: number[] }> = [
  { count: 5, noise: [0, 1, 2], p: [0.5, 0.3, 0.2] },
  { count: 6, noise: [-1, 0, 1, 2], p: [0.2, 0.45, 0.25, 0.1] },
  { count: 7, noise: [-2, -1, 0, 1, 2], p: [0.1, 0.2, 0.4, 0.2, 0.1] },
];

// Each row as cumulative thresholds in key units: the cell key picks the noise.
const ROWS = PERTURBATION_TABLE.map((row) => {
  let acc = 0;
  return { ...row, upTo: row.p.map((p) => (acc += p) * KEY_SPACE) };
});

/** The noise the table gives a count with this cell key. */
export function noiseFor(count: number, key: number): number {
  const row = ROWS[Math.min(Math.max(count, 5), 7) - 5];
  const k = cellKey(key);
  const i = row.upTo.findIndex((t) => k < t);
  return row.noise[i === -1 ? row.noise.length - 1 : i];
}

/** What an analyst is shown for a cell of `count` records whose keys sum to `keySum`: null for 1–4. */
export function perturb(count: number, keySum: number): number | null {
  if (count === 0) return 0;
  if (count < MIN_PUBLISHED) return null;
  return count + noiseFor(count, keySum);
}

/** A withheld value in a column of perturbed counts (`perturbColumn`). */
export const WITHHELD = -1;

/**
 * `perturb` over a table's columns at once: what an analyst is shown of each cell of `counts`
 * records whose keys sum to `keySums`, WITHHELD for 1–4. No object per cell.
 */
export function perturbColumn(counts: ArrayLike<number>, keySums: ArrayLike<number>): Int32Array {
  const shown = new Int32Array(counts.length);
  for (let i = 0; i < counts.length; i++) shown[i] = perturb(counts[i], keySums[i]) ?? WITHHELD;
  return shown;
}

/** Exact counts of a table, each cell and the total with its records' key sum. */
export interface KeyedCounts {
  cells: ReadonlyArray<{ keys: string[]; count: number; keySum: number }>;
  total: number;
  totalKeySum: number;
}

/**
 * A table as analysts are shown it: every cell and the total perturbed, 1–4 withheld (null).
 * `hideSmall`: cells of 0–4 are left out altogether and a total of 0–4 is null, for populations
 * so small that a listed-but-withheld cell (a firm exists there) or a listed zero (none does)
 * would let linked tables be solved: an absent cell then says only "fewer than 5".
 */
export function perturbTable(
  counts: KeyedCounts,
  { hideSmall = false }: { hideSmall?: boolean } = {},
): {
  total: number | null;
  cells: Array<{ keys: string[]; count: number | null }>;
} {
  const shown = (count: number, keySum: number) => (hideSmall && count < MIN_PUBLISHED ? null : perturb(count, keySum));
  const cells = counts.cells.map((c) => ({ keys: c.keys, count: shown(c.count, c.keySum) }));
  return {
    total: shown(counts.total, counts.totalKeySum),
    cells: hideSmall ? cells.filter((c) => c.count !== null) : cells,
  };
}
