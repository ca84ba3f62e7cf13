/**
 * Random statistics shapes for the property tests that hold two counting paths to one answer
 * (rollups against records, the columnar mirror against the store): one to three dimensions,
 * date ranges with whole and partial months (some outside the data), agencies and topics.
 */
import type { StatsDimension, StatsFilter } from '../../subgraphs/consultations/resolvers.generated';

export const DIMENSIONS: StatsDimension[] = ['ORGANIZATION', 'TOPIC', 'MONTH', 'MUNICIPALITY', 'INDUSTRY', 'CHANNEL'];

export function pick<T>(rand: () => number, xs: readonly T[], k: number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < k && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

/** Dates around the demo fiscal year: month starts and ends, mid-month days, and out of range. */
export function randomDate(rand: () => number): string {
  const month = new Date(Date.UTC(2025, 2 + Math.floor(rand() * 14), 1));
  const kind = rand();
  if (kind < 0.4) return month.toISOString().slice(0, 10);
  if (kind < 0.7)
    return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 2 + Math.floor(rand() * 26)))
    .toISOString()
    .slice(0, 10);
}

/**
 * A random shape over these agencies and topics. `wider` adds what the rollups' test leaves out:
 * no filter at all, agencies the store does not know, up to three topics.
 */
export function randomShape(
  rand: () => number,
  vocabulary: { organizations: readonly string[]; topics: readonly string[] },
  { wider = false }: { wider?: boolean } = {},
): { dims: StatsDimension[]; filter: StatsFilter | null } {
  const dims = pick(rand, DIMENSIONS, 1 + Math.floor(rand() * 3));
  if (wider && rand() < 0.15) return { dims, filter: null };
  const filter: StatsFilter = {};
  if (rand() < 0.5) filter.from = randomDate(rand);
  if (rand() < 0.5) filter.to = randomDate(rand);
  if (rand() < 0.3) {
    filter.organizationIds = pick(rand, vocabulary.organizations, 1 + Math.floor(rand() * 4));
    if (wider && rand() < 0.2) filter.organizationIds.push('no-such-agency');
  }
  if (rand() < 0.3)
    filter.topics = pick(rand, vocabulary.topics, 1 + Math.floor(rand() * (wider ? 3 : 2))) as StatsFilter['topics'];
  return { dims, filter };
}

const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/**
 * A table analysts may ask: whole months of these (YYYY-MM), one agency or none, one topic or
 * none.
 */
export function analystShape(
  rand: () => number,
  vocabulary: { organizations: readonly string[]; topics: readonly string[]; months: readonly string[] },
): { groupBy: string[]; filter: Record<string, unknown> } {
  const { organizations, topics, months } = vocabulary;
  const groupBy = pick(rand, DIMENSIONS, 1 + Math.floor(rand() * 3));
  const filter: Record<string, unknown> = {};
  const [a, b] = [months[Math.floor(rand() * months.length)], months[Math.floor(rand() * months.length)]].sort();
  if (rand() < 0.5) filter.from = `${a}-01`;
  if (rand() < 0.5) filter.to = lastDayOf(b);
  if (rand() < 0.3) filter.organizationIds = pick(rand, organizations, 1);
  if (rand() < 0.3) filter.topics = pick(rand, topics, 1);
  return { groupBy, filter };
}

/** What the shapes draw from: the store's agencies, topics and months (YYYY-MM, Japan time). */
export interface StatsVocabulary {
  organizations: string[];
  topics: string[];
  months: string[];
}

export async function statsVocabulary(store: {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}): Promise<StatsVocabulary> {
  const column = async (sql: string) => (await store.query<{ v: string }>(sql)).map((r) => r.v);
  return {
    organizations: await column('select distinct organization_id as v from consultations order by 1'),
    topics: await column('select distinct unnest(topics) as v from consultations order by 1'),
    months: await column(
      `select distinct to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM') as v from consultations order by 1`,
    ),
  };
}
