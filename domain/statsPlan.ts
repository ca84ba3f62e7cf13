/**
 * Which rows a consultation count reads, decided without the store: the rollup groupings
 * (集計表) the store keeps beside the records, the cheapest one that answers a query, and roughly
 * how many rows answering it reads. The store counts through the chosen grouping
 * (store/stats.ts, store/rollups.ts); the gateway weighs statistics by the same estimate in its
 * cost limit (gateway/plugins/statisticsWork.ts), so both read one declaration.
 */

/** A dimension consultations are counted by (the schema's StatsDimension). */
export type StatsDimension = 'ORGANIZATION' | 'TOPIC' | 'MONTH' | 'MUNICIPALITY' | 'INDUSTRY' | 'CHANNEL';

/** Which consultations are counted (the schema's StatsFilter). */
export interface StatsFilter {
  from?: string | null;
  to?: string | null;
  organizationIds?: readonly string[] | null;
  topics?: readonly string[] | null;
}

export type RollupDimension = 'MONTH' | 'CHANNEL' | 'MUNICIPALITY' | 'INDUSTRY' | 'TOPIC' | 'TOPICS';

export interface Grouping {
  name: string;
  dims: RollupDimension[];
  /** Rows it holds for the demo year of 100,000 consultations: what reading it costs, roughly. */
  rows: number;
}

/**
 * Ordered smallest first (rows measured on the demo year of 100,000 consultations), so the first
 * grouping that covers a query is also the cheapest to read.
 */
export const GROUPINGS: Grouping[] = [
  { name: 'topic_channel', dims: ['TOPIC', 'CHANNEL'], rows: 416 },
  { name: 'month_channel', dims: ['MONTH', 'CHANNEL'], rows: 912 },
  { name: 'channel_industry', dims: ['CHANNEL', 'INDUSTRY'], rows: 1_191 },
  { name: 'month_topic', dims: ['MONTH', 'TOPIC'], rows: 1_247 },
  { name: 'topic_industry', dims: ['TOPIC', 'INDUSTRY'], rows: 1_611 },
  { name: 'channel_municipality', dims: ['CHANNEL', 'MUNICIPALITY'], rows: 2_924 },
  { name: 'month_industry', dims: ['MONTH', 'INDUSTRY'], rows: 3_323 },
  { name: 'topic_municipality', dims: ['TOPIC', 'MUNICIPALITY'], rows: 3_670 },
  { name: 'municipality_industry', dims: ['MUNICIPALITY', 'INDUSTRY'], rows: 5_548 },
  { name: 'month_municipality', dims: ['MONTH', 'MUNICIPALITY'], rows: 7_698 },
  { name: 'month_channel_industry', dims: ['MONTH', 'CHANNEL', 'INDUSTRY'], rows: 10_075 },
  { name: 'month_topic_industry', dims: ['MONTH', 'TOPIC', 'INDUSTRY'], rows: 13_692 },
  { name: 'month_channel_topics', dims: ['MONTH', 'CHANNEL', 'TOPICS'], rows: 14_661 },
  { name: 'month_channel_municipality', dims: ['MONTH', 'CHANNEL', 'MUNICIPALITY'], rows: 19_334 },
  { name: 'month_topic_municipality', dims: ['MONTH', 'TOPIC', 'MUNICIPALITY'], rows: 24_414 },
];

/**
 * The first (cheapest) grouping that can answer these dimensions under this filter. A grouping
 * keeping one topic per row serves a TOPIC breakdown without a topic filter, or a filter on one
 * topic without a TOPIC breakdown (a consultation's topics are a set, so it has that topic once);
 * any other topic filter needs the whole topic set.
 */
export function chooseGrouping(
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
): Grouping | undefined {
  const topicFilter = Boolean(filter?.topics?.length);
  const wantsTopic = dims.includes('TOPIC');
  const oneTopic = filter?.topics?.length === 1 && !wantsTopic;
  const needs = new Set<string>(dims.filter((d) => d !== 'ORGANIZATION' && d !== 'TOPIC'));
  if (filter?.from || filter?.to) needs.add('MONTH');
  if (topicFilter && !oneTopic) needs.add('TOPICS');
  return GROUPINGS.find((g) => {
    const has = new Set<string>(g.dims);
    if ([...needs].some((d) => !has.has(d))) return false;
    if (has.has('TOPIC')) return (wantsTopic && !topicFilter) || oneTopic;
    if (oneTopic) return has.has('TOPICS');
    return !wantsTopic || has.has('TOPICS');
  });
}

/** Consultations of the demo year, the scale the work estimates below are measured at. */
const DEMO_YEAR_RECORDS = 100_000;

/**
 * Roughly how many rows counting these dimensions under this filter reads, at the demo year's
 * scale: the covering grouping's rows, or every consultation (twice over with TOPIC, whose
 * topics are unnested) when no grouping covers the query. The gateway's cost estimate weighs
 * statistics by it, so that aggregates nothing covers cost what they do.
 */
export function countingWork(dims: readonly StatsDimension[], filter: StatsFilter | null | undefined): number {
  const grouping = chooseGrouping(dims, filter);
  if (grouping) return grouping.rows;
  return DEMO_YEAR_RECORDS * (dims.includes('TOPIC') ? 2 : 1) * (1 + dims.length / 2);
}
