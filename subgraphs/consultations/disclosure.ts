/**
 * What each role is shown of consultation counts. Analysts get the cell-key method
 * (../../domain/disclosure.ts): every cell and the total perturbed by the fixed noise of their
 * records, 1–4 withheld; and dates in whole months only, so that shifting a date range by a day
 * cannot isolate one day's consultations. Coordinators, who may read every record anyway, get
 * exact counts.
 */
import type { AnalystBudget } from '../../store/analystTables';
import { perturb } from '../../domain/disclosure';
import { lastDayOf, type Counts, type StatsFilter } from '../../store/stats';

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

/** Why an analyst's filter is refused, or null: dates must be whole months. */
export function checkAnalystFilter(filter: StatsFilter | null | undefined): string | null {
  const from = filter?.from;
  const to = filter?.to;
  if ((from && !from.endsWith('-01')) || (to && to !== lastDayOf(to.slice(0, 7)))) {
    return 'analysts count whole months: from must be the first day of a month and to the last day of one (e.g. from: "2025-06-01", to: "2025-08-31")';
  }
  return null;
}

/** Distinct tables one analyst may ask per day by default (MADOGUCHI_ANALYST_TABLES_PER_DAY). */
export const DEFAULT_ANALYST_TABLES_PER_DAY = 300;

/** Analysts whose day is tracked at once; the oldest day is forgotten beyond this. */
const MAX_ANALYSTS_TRACKED = 10_000;

/**
 * The per-analyst budget the cell-key method needs: averaging many *different* cells whose
 * differences isolate the same records narrows an estimate, so each analyst (the token's subject)
 * may ask at most `limit` distinct tables — grouping and filter — in a rolling day. Asking a table
 * again is free: it reads the same perturbed values. Kept in this process's memory, for the
 * embedded store, which one process serves; on a shared store every replica counts in the store
 * instead (store/analystTables.ts).
 */
export class AnalystTableBudget implements AnalystBudget {
  private readonly days = new Map<string, { start: number; tables: Set<string> }>();

  constructor(
    readonly limit: number,
    private readonly dayMs = 86_400_000,
  ) {}

  /** Records that `subject` asks `table`; false when that would go over the day's limit. */
  charge(subject: string, table: string, now = Date.now()): boolean {
    let day = this.days.get(subject);
    if (!day || now - day.start >= this.dayMs) {
      this.days.delete(subject);
      day = { start: now, tables: new Set() };
    } else this.days.delete(subject);
    // Re-inserted: the map's order is the order of last use, and the least recent goes first.
    this.days.set(subject, day);
    if (this.days.size > MAX_ANALYSTS_TRACKED) this.days.delete(this.days.keys().next().value!);
    if (day.tables.has(table)) return true;
    if (day.tables.size >= this.limit) return false;
    day.tables.add(table);
    return true;
  }
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
