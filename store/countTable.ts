/**
 * Exact counts as columns (`CountTable`): what the counting thread hands the consultations
 * subgraph and what the protection layer works on. A table of thousands of cells as one object
 * per cell (and an array of keys per cell) costs allocations, a structured clone of every object
 * across the thread boundary and garbage collection on both sides; as columns it is a few arrays.
 *
 * The cells are in `compareKeys` order (./stats.ts), whichever engine counted them, and each
 * dimension's values are numbered in the order they first appear in that order: the same counts
 * give the same table, field for field.
 */
import { compareKeys, type Counts, type RawCell } from './stats';

export interface CountTable {
  /** Per dimension asked, in order: its distinct values, and each cell's index into them. */
  keys: Array<{ values: string[]; codes: Uint32Array }>;
  /** Per cell: its exact count and the sum of its records' keys. */
  counts: Float64Array;
  keySums: Float64Array;
  total: number;
  /** Sum of the record keys of the consultations in the total (each once). */
  totalKeySum: number;
  /** Which engine or rollup grouping answered (as `Counts.plan`). */
  plan: string;
}

/** Whether cell `a` sorts after cell `b` (by keys, dimension by dimension, as `compareKeys`). */
function after(columns: readonly (readonly string[])[], a: number, b: number): boolean {
  for (const column of columns) {
    if (column[a] !== column[b]) return column[a] > column[b];
  }
  return false;
}

/**
 * A table from key columns (one array of values per dimension) and per-cell counts and key sums,
 * in any order: cells already in `compareKeys` order (a query's ORDER BY) are checked, not sorted.
 */
export function countTable(
  keyColumns: readonly (readonly string[])[],
  counts: ArrayLike<number>,
  keySums: ArrayLike<number>,
  totals: Pick<CountTable, 'total' | 'totalKeySum' | 'plan'>,
): CountTable {
  const n = counts.length;
  let order: ArrayLike<number> | null = null;
  for (let i = 1; i < n; i++) {
    if (!after(keyColumns, i - 1, i)) continue;
    // Out of order: sort positions by the same comparison the store's cells are sorted with.
    const rows: RawCell[] = Array.from({ length: n }, (_, r) => ({
      keys: keyColumns.map((c) => c[r]),
      count: r,
      keySum: 0,
    }));
    order = rows.sort(compareKeys).map((r) => r.count);
    break;
  }
  const at = (i: number) => (order ? order[i] : i);
  const keys = keyColumns.map((column) => {
    const index = new Map<string, number>();
    const values: string[] = [];
    const codes = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const value = column[at(i)];
      let code = index.get(value);
      if (code === undefined) {
        code = values.length;
        values.push(value);
        index.set(value, code);
      }
      codes[i] = code;
    }
    return { values, codes };
  });
  const countColumn = new Float64Array(n);
  const keySumColumn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    countColumn[i] = counts[at(i)];
    keySumColumn[i] = keySums[at(i)];
  }
  return {
    keys,
    counts: countColumn,
    keySums: keySumColumn,
    total: totals.total,
    totalKeySum: totals.totalKeySum,
    plan: totals.plan,
  };
}

/** The table of counts given as cells of `dimensions` keys each (the store's path). */
export function tableOf(counts: Counts, dimensions: number): CountTable {
  const { cells, total, totalKeySum, plan } = counts;
  return countTable(
    Array.from({ length: dimensions }, (_, d) => cells.map((c) => c.keys[d])),
    cells.map((c) => c.count),
    cells.map((c) => c.keySum),
    { total, totalKeySum, plan },
  );
}

/** The table as cells, one object each (for callers that compare or print cells). */
export function cellsOf(table: CountTable): Counts {
  return {
    cells: Array.from(table.counts, (count, i) => ({
      keys: table.keys.map((k) => k.values[k.codes[i]]),
      count,
      keySum: table.keySums[i],
    })),
    total: table.total,
    totalKeySum: table.totalKeySum,
    plan: table.plan,
  };
}
