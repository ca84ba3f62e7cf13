/**
 * What each role is shown of consultation counts. Analysts get the cell-key method
 * (../../domain/disclosure.ts): every cell and the total perturbed by the fixed noise of their
 * records, 1–4 withheld; and dates in whole months only, so that shifting a date range by a day
 * cannot isolate one day's consultations. Coordinators, who may read every record anyway, get
 * exact counts.
 */
import { perturb } from '../../domain/disclosure';
import type { Counts, StatsFilter } from '../../store/stats';

export interface PublishedCell {
  keys: string[];
  /** Null when withheld. */
  count: number | null;
}

export function publishedStats(counts: Counts, exact: boolean): { total: number | null; cells: PublishedCell[] } {
  if (exact) return { total: counts.total, cells: counts.cells.map((c) => ({ keys: c.keys, count: c.count })) };
  return {
    total: perturb(counts.total, counts.totalKeySum),
    cells: counts.cells.map((c) => ({ keys: c.keys, count: perturb(c.count, c.keySum) })),
  };
}

const lastDayOf = (day: string): string => {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
};

/** Why an analyst's filter is refused, or null: dates must be whole months. */
export function checkAnalystFilter(filter: StatsFilter | null | undefined): string | null {
  const from = filter?.from;
  const to = filter?.to;
  if ((from && !from.endsWith('-01')) || (to && to !== lastDayOf(to))) {
    return 'analysts count whole months: from must be the first day of a month and to the last day of one (e.g. from: "2025-06-01", to: "2025-08-31")';
  }
  return null;
}
