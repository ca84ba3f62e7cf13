/**
 * What statistics (and other whole-catalogue reads, such as a programme feed) cost in the gateway's
 * estimate beyond the objects they return: the rows they read. A consultationStats that a rollup covers reads its grouping's rows; one that nothing covers
 * reads every consultation, and once cost what its few returned objects did — 20–30 aliases of it
 * selecting only `total` were cheap by the estimate and held the store for seconds. Weighed by
 * rows (../../domain/statsPlan.ts countingWork, at the demo year's scale), an analyst's request holds at
 * most one three-dimension aggregate nothing covers, or a few two-dimension ones; covered ones stay
 * cheap. Identical aliases are computed once by the subgraph, but counted here each time.
 */
import { countingWork, type StatsDimension, type StatsFilter } from '../../domain/statsPlan';
import type { CostOptions } from '../../server/cost';

/** Rows read per unit of cost. */
export const ROWS_PER_COST = 40;
/** Growth counts read every plan (hundreds): a fixed weight. */
const GROWTH_COUNTS_WORK = 25;
/**
 * A programme feed runs a whole search and then reads the change log of every programme it
 * matches (80–470 ms each): 29 aliases of it in one anonymous request took 1.5 s of the desk's
 * work. Weighed so that an anonymous request holds at most three, and the feed route's one fits.
 */
export const PROGRAM_FEED_WORK = 6_000;

/**
 * A table's columns are lists of scalars, which the estimate counts as nothing: charged instead
 * as its cells are, one unit per row (the schema assumes 1,000 cells: ConsultationStats.cells)
 * and one per row of each key column (as each cell's key objects), so that no selection of
 * `columns`, nor any number of aliases of it, costs less than the same selection of `cells`.
 */
export const STATS_ROWS_ASSUMED = 1_000;

export const STATISTICS_WORK: NonNullable<CostOptions['fieldWork']> = {
  'Query.consultationStats': (argument) => {
    const groupBy = argument('groupBy');
    const dims = Array.isArray(groupBy) ? [...new Set(groupBy as StatsDimension[])] : [];
    return Math.ceil(countingWork(dims, (argument('filter') ?? null) as StatsFilter | null) / ROWS_PER_COST);
  },
  'ConsultationStats.columns': () => STATS_ROWS_ASSUMED,
  'StatsColumns.keys': () => STATS_ROWS_ASSUMED,
  'Query.growthCounts': () => GROWTH_COUNTS_WORK,
  'Query.programFeed': () => PROGRAM_FEED_WORK,
};
