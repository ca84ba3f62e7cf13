/**
 * `consultationStats` counted on the columnar mirror: any grouping of up to three dimensions
 * under any filter, from the consultations themselves (no rollup needed), in milliseconds at a
 * million records. Counts, totals and key sums are exactly the store's record path's
 * (../stats.ts, `useRollups: false`): the same dimensions' values, the same Japan-time days, the
 * same topic semantics (a consultation counts once under each of its topics, once in the total),
 * the same order of cells. What analysts are then shown (perturbation, withheld cells) is decided
 * above, from these exact counts, as it is for the store's.
 */
import type { Counts, StatsDimension, StatsFilter } from '../stats';
import { compareKeys } from '../stats';
import type { Param } from './engine';
import type { ConsultationMirror } from './mirror';

const DIMENSION_SQL: Record<StatsDimension, string> = {
  ORGANIZATION: 'c.organization_id',
  TOPIC: 'c.topic',
  MONTH: 'c.month',
  MUNICIPALITY: `coalesce(c.municipality_code, '')`,
  INDUSTRY: `coalesce(c.industry, '')`,
  CHANNEL: 'c.channel',
};

function where(mirror: ConsultationMirror, filter: StatsFilter | null | undefined): { sql: string; params: Param[] } {
  const params: Param[] = [];
  const terms: string[] = [];
  const add = (term: (p: string) => string, value: Param) => {
    params.push(value);
    terms.push(term(`$${params.length}`));
  };
  if (filter?.from) add((p) => `c.day >= ${p}::date`, filter.from);
  if (filter?.to) add((p) => `c.day <= ${p}::date`, filter.to);
  if (filter?.organizationIds?.length) add((p) => `list_contains(${p}, c.organization_id)`, filter.organizationIds);
  if (filter?.topics?.length) add((p) => `(c.topic_mask & ${p}) != 0`, mirror.topicMask(filter.topics));
  return { sql: terms.length ? `where ${terms.join(' and ')}` : '', params };
}

export async function countOnMirror(
  mirror: ConsultationMirror,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
): Promise<Counts> {
  await mirror.fresh();
  const cond = where(mirror, filter);
  const byTopic = dims.includes('TOPIC');
  // consultation_topics: a row per consultation and topic, with the consultation's columns.
  const from = byTopic ? 'consultation_topics c' : 'consultations c';
  const keys = dims.map((d, i) => `${DIMENSION_SQL[d]} as k${i}`).join(', ');
  const [rows, totals] = await Promise.all([
    mirror.engine.rows(
      `select ${keys}, count(*) as n, coalesce(sum(c.record_key), 0)::double as ks from ${from} ${cond.sql} group by all`,
      cond.params,
    ),
    // With topics a consultation is in several cells: the total counts it once.
    byTopic
      ? mirror.engine.rows<{ n: number; ks: number }>(
          `select count(*) as n, coalesce(sum(c.record_key), 0)::double as ks from consultations c ${cond.sql}`,
          cond.params,
        )
      : null,
  ]);
  const cells = rows
    .map((r) => ({ keys: dims.map((_, i) => String(r[`k${i}`])), count: Number(r.n), keySum: Number(r.ks) }))
    .sort(compareKeys);
  return {
    cells,
    total: totals ? totals[0].n : cells.reduce((s, c) => s + c.count, 0),
    totalKeySum: totals ? totals[0].ks : cells.reduce((s, c) => s + c.keySum, 0),
    plan: 'columnar',
  };
}
