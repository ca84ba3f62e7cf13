/**
 * Consultation counts for `consultationStats`, computed in the store. Whole months are read from
 * the cheapest rollup grouping that covers the query (../domain/statsPlan.ts); partial months
 * at the edges of a date filter, and queries no grouping covers, are counted from the records.
 * Both paths give the same counts: the integration tests compare them on random queries. Each
 * cell, and the total, also carries the sum of its records' keys, for the cell-key method
 * (../domain/disclosure.ts).
 */
import type { Queryable } from './engine/store';
import { chooseGrouping, type Grouping, type StatsDimension, type StatsFilter } from '../domain/statsPlan';
import { MONTH_SQL } from './rollups';
import { Conditions } from './conditions';
import { raw, sql } from './sql';

export type { StatsDimension, StatsFilter } from '../domain/statsPlan';

export interface RawCell {
  keys: string[];
  count: number;
  /** Sum of the record keys of the consultations counted. */
  keySum: number;
}

export interface Counts {
  cells: RawCell[];
  total: number;
  /** Sum of the record keys of the consultations in the total (each once). */
  totalKeySum: number;
  /** Which rollup grouping answered the whole months, or 'records' when none could. */
  plan: string;
}

const RECORD_SQL: Record<StatsDimension, string> = {
  ORGANIZATION: 'c.organization_id',
  TOPIC: 't.topic',
  MONTH: MONTH_SQL,
  MUNICIPALITY: `coalesce(c.municipality_code, '')`,
  INDUSTRY: `coalesce(c.industry, '')`,
  CHANNEL: 'c.channel',
};

const ROLLUP_SQL: Record<Exclude<StatsDimension, 'TOPIC'>, string> = {
  ORGANIZATION: 'r.organization_id',
  MONTH: 'r.month',
  MUNICIPALITY: 'r.municipality_code',
  INDUSTRY: 'r.industry',
  CHANNEL: 'r.channel',
};

interface DateRange {
  from?: string;
  to?: string;
}

/** Inclusive month bounds (YYYY-MM) read from rollups, and the partial-month date ranges left. */
export interface MonthSplit {
  months: { first?: string; last?: string } | null;
  edges: Array<{ from: string; to: string }>;
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
/** The last day (YYYY-MM-DD) of a month (YYYY-MM). */
export const lastDayOf = (month: string): string => {
  const d = day(`${month}-01`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return isoDay(d);
};
const shiftMonth = (month: string, by: number) => {
  const d = day(`${month}-01`);
  d.setUTCMonth(d.getUTCMonth() + by);
  return isoDay(d).slice(0, 7);
};

/** Splits a date filter into whole months (rollups) and partial months at either end (records). */
export function splitMonths({ from, to }: DateRange): MonthSplit {
  if (from && to && from > to) return { months: null, edges: [] };
  const first = from ? (from.endsWith('-01') ? from.slice(0, 7) : shiftMonth(from.slice(0, 7), 1)) : undefined;
  const last = to ? (to === lastDayOf(to.slice(0, 7)) ? to.slice(0, 7) : shiftMonth(to.slice(0, 7), -1)) : undefined;
  if (from && to && first! > last!) return { months: null, edges: [{ from, to }] };
  const edges: MonthSplit['edges'] = [];
  if (from && !from.endsWith('-01')) edges.push({ from, to: lastDayOf(from.slice(0, 7)) });
  if (to && to !== lastDayOf(to.slice(0, 7))) edges.push({ from: `${to.slice(0, 7)}-01`, to });
  return { months: { first, last }, edges };
}

function mergeInto(target: Map<string, RawCell>, cells: RawCell[]): void {
  for (const c of cells) {
    const key = c.keys.join('\u0000');
    const found = target.get(key);
    if (found) {
      found.count += c.count;
      found.keySum += c.keySum;
    } else target.set(key, { keys: c.keys, count: c.count, keySum: c.keySum });
  }
}

function compareKeys(a: RawCell, b: RawCell): number {
  for (let i = 0; i < a.keys.length; i++) {
    if (a.keys[i] !== b.keys[i]) return a.keys[i] < b.keys[i] ? -1 : 1;
  }
  return 0;
}

function recordConditions(filter: StatsFilter | null | undefined, range: DateRange): Conditions {
  const c = new Conditions().receivedWithin(range.from, range.to);
  if (filter?.organizationIds?.length) c.add(sql`c.organization_id = any(${filter.organizationIds}::text[])`);
  return c.aboutAny(filter?.topics);
}

async function countRecords(
  store: Queryable,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
  range: DateRange,
): Promise<RawCell[]> {
  const cond = recordConditions(filter, range);
  const from = dims.includes('TOPIC')
    ? 'consultations c cross join lateral unnest(c.topics) as t(topic)'
    : 'consultations c';
  const keys = dims.map((d, i) => `${RECORD_SQL[d]} as k${i}`).join(', ');
  const q = sql`select ${raw(keys)}, count(*)::int as n, sum(c.record_key)::float8 as ks from ${raw(from)} ${cond.sql} group by ${raw(dims.map((_, i) => i + 1).join(', '))}`;
  const rows = await store.query<Record<string, string | number>>(q.text, q.values);
  return rows.map((r) => ({ keys: dims.map((_, i) => String(r[`k${i}`])), count: Number(r.n), keySum: Number(r.ks) }));
}

async function totalOfRecords(
  store: Queryable,
  filter: StatsFilter | null | undefined,
  range: DateRange,
): Promise<{ n: number; ks: number }> {
  const cond = recordConditions(filter, range);
  const q = sql`select count(*)::int as n, sum(c.record_key)::float8 as ks from consultations c ${cond.sql}`;
  const [row] = await store.query<{ n: number; ks: number | null }>(q.text, q.values);
  return { n: row.n, ks: Number(row.ks ?? 0) };
}

async function countRollup(
  store: Queryable,
  grouping: Grouping,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
  months: NonNullable<MonthSplit['months']>,
): Promise<RawCell[]> {
  const cond = new Conditions().add(sql`r.grouping = ${grouping.name}`);
  if (months.first) cond.add(sql`r.month >= ${months.first}`);
  if (months.last) cond.add(sql`r.month <= ${months.last}`);
  if (filter?.organizationIds?.length) cond.add(sql`r.organization_id = any(${filter.organizationIds}::text[])`);
  if (filter?.topics?.length) {
    if (grouping.dims.includes('TOPIC')) cond.add(sql`r.topic = ${filter.topics[0]}`);
    else cond.add(sql`r.topics && ${filter.topics}::text[]`);
  }
  const unnest = dims.includes('TOPIC') && !grouping.dims.includes('TOPIC');
  const exprs = dims.map((d) => (d === 'TOPIC' ? (unnest ? 't.topic' : 'r.topic') : ROLLUP_SQL[d]));
  const from = unnest
    ? 'consultation_rollups r cross join lateral unnest(r.topics) as t(topic)'
    : 'consultation_rollups r';
  const select = exprs.length ? `${exprs.map((e, i) => `${e} as k${i}`).join(', ')}, ` : '';
  const group = exprs.length ? `group by ${exprs.map((_, i) => i + 1).join(', ')}` : '';
  const q = sql`select ${raw(select)}coalesce(sum(r.n), 0)::int as n, coalesce(sum(r.key_sum), 0)::float8 as ks from ${raw(from)} ${cond.sql} ${raw(group)}`;
  const rows = await store.query<Record<string, string | number>>(q.text, q.values);
  return rows
    .map((r) => ({ keys: dims.map((_, i) => String(r[`k${i}`])), count: Number(r.n), keySum: Number(r.ks) }))
    .filter((c) => c.count > 0);
}

/**
 * Counts consultations by the given dimensions (one cell per combination present) and the
 * number of consultations matching the filter. `useRollups: false` forces the record path.
 */
export async function countConsultations(
  store: Queryable,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
  { useRollups = true }: { useRollups?: boolean } = {},
): Promise<Counts> {
  const range: DateRange = { from: filter?.from ?? undefined, to: filter?.to ?? undefined };
  const grouping = useRollups ? chooseGrouping(dims, filter) : undefined;
  const split = grouping ? splitMonths(range) : null;
  if (!grouping || !split) {
    const [cells, total] = await Promise.all([
      countRecords(store, dims, filter, range),
      dims.includes('TOPIC') ? totalOfRecords(store, filter, range) : null,
    ]);
    return {
      cells: cells.sort(compareKeys),
      total: total?.n ?? cells.reduce((s, c) => s + c.count, 0),
      totalKeySum: total?.ks ?? cells.reduce((s, c) => s + c.keySum, 0),
      plan: 'records',
    };
  }
  const merged = new Map<string, RawCell>();
  let total = 0;
  let totalKeySum = 0;
  const totalGrouping = dims.includes('TOPIC') ? chooseGrouping([], filter) : undefined;
  if (split.months) {
    mergeInto(merged, await countRollup(store, grouping, dims, filter, split.months));
    if (totalGrouping) {
      for (const c of await countRollup(store, totalGrouping, [], filter, split.months)) {
        total += c.count;
        totalKeySum += c.keySum;
      }
    }
  }
  for (const edge of split.edges) {
    mergeInto(merged, await countRecords(store, dims, filter, edge));
    if (totalGrouping) {
      const t = await totalOfRecords(store, filter, edge);
      total += t.n;
      totalKeySum += t.ks;
    }
  }
  const cells = [...merged.values()].sort(compareKeys);
  if (!dims.includes('TOPIC')) {
    total = cells.reduce((s, c) => s + c.count, 0);
    totalKeySum = cells.reduce((s, c) => s + c.keySum, 0);
  }
  return { cells, total, totalKeySum, plan: grouping.name };
}
