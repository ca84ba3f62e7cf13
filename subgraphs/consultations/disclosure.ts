/**
 * What each role is shown of consultation counts: the protection layer over exact counts.
 *
 * The seam: everything here works on a `CountTable` (../../store/countTable.ts) — exact counts
 * per cell as columns, each cell keyed by its dimension values in the order asked, with the sum
 * of its records' keys, and the same for the total. Whichever engine computed them (the store's SQL over
 * rollups and records, or a columnar path) must give the same cell keys, counts and key sums;
 * nothing here depends on where they came from.
 *
 * Analysts get the cell-key method (../../domain/disclosure.ts): every cell and the total
 * perturbed by the fixed noise of their records, 1–4 withheld. Fixed noise only holds against
 * solving many tables when the tables cannot cut fresh record subsets at will — each fresh subset
 * brings fresh noise, and least squares over enough of them averages it away (measured:
 * test/attack/solving.test.ts). So analysts' filters are restricted to subsets that grouping
 * already reaches: one agency or all (never a set of agencies), one topic or all, dates in whole
 * months (overlapping ranges measured: 0 % recovered with confidence). And each analyst's budget
 * is charged by the cells every new table reveals (../shared/analysts.ts). Coordinators, who may
 * read every record, get exact counts.
 */
import { perturb, perturbColumn, WITHHELD } from '../../domain/disclosure';
import { lastDayOf, type StatsFilter } from '../../store/stats';
import type { CountTable } from '../../store/countTable';

export interface PublishedCell {
  keys: string[];
  /** Null when withheld. */
  count: number | null;
}

/** A table as its caller is shown it, as columns: the counted table's keys, and the values shown. */
export interface PublishedStats {
  total: number | null;
  /** The exact table (its keys name the cells; its counts are not for analysts' eyes). */
  table: CountTable;
  /** Per cell, the value shown: exact for coordinators, perturbed for analysts, WITHHELD for 1–4. */
  shown: Int32Array;
  /** Cells withheld. */
  withheld: number;
}

export function publishedStats(table: CountTable, exact: boolean): PublishedStats {
  const shown = exact ? Int32Array.from(table.counts) : perturbColumn(table.counts, table.keySums);
  let withheld = 0;
  for (const v of shown) if (v === WITHHELD) withheld += 1;
  return { total: exact ? table.total : perturb(table.total, table.totalKeySum), table, shown, withheld };
}

/** The published table cell by cell, keys as values (for benches and tests that read cells). */
export function publishedCells(published: PublishedStats): PublishedCell[] {
  const { table, shown } = published;
  return Array.from(shown, (v, i) => ({
    keys: table.keys.map((k) => k.values[k.codes[i]]),
    count: v === WITHHELD ? null : v,
  }));
}

/** Why an analyst's filter is refused, or null. */
export function checkAnalystFilter(filter: StatsFilter | null | undefined): string | null {
  const from = filter?.from;
  const to = filter?.to;
  if ((from && !from.endsWith('-01')) || (to && to !== lastDayOf(to.slice(0, 7)))) {
    return 'analysts count whole months: from must be the first day of a month and to the last day of one (e.g. from: "2025-06-01", to: "2025-08-31")';
  }
  if (new Set(filter?.organizationIds ?? []).size > 1) {
    return 'analysts filter by one agency or by none: a set of agencies cuts a fresh subset of records, whose noise many such tables would average away; group by ORGANIZATION instead';
  }
  if (new Set(filter?.topics ?? []).size > 1) {
    return 'analysts filter by one topic or by none: a set of topics cuts a fresh subset of records, whose noise many such tables would average away; group by TOPIC instead';
  }
  return null;
}

/** The table a statistics request names, the same however its arguments are ordered. */
export function tableKey(groupBy: readonly string[], filter: StatsFilter | null | undefined): string {
  const sorted = (xs: readonly string[] | null | undefined) => (xs?.length ? [...new Set(xs)].sort() : null);
  return JSON.stringify([
    [...groupBy].sort(),
    filter?.from ?? null,
    filter?.to ?? null,
    sorted(filter?.organizationIds),
    sorted(filter?.topics),
  ]);
}

/** The cells a published table reveals, for the budget: its cells and its total. */
export const revealedCells = (published: PublishedStats) => published.shown.length + 1;
