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
import { cellsOf, countTable, type CountTable } from '../countTable';
import type { Param } from './engine';
import { CODED, type ConsultationMirror } from './mirror';

/** Each dimension's code column and the dictionary that gives its value back (./mirror.ts's CODED). */
const DIMENSION = Object.fromEntries(CODED.map((c) => [c.dimension, c])) as Record<
  StatsDimension,
  (typeof CODED)[number]
>;

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

/** Exact counts as a table of columns (what the subgraph is handed): one pass of DuckDB, no object per cell. */
export async function countTableOnMirror(
  mirror: ConsultationMirror,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
): Promise<CountTable> {
  await mirror.fresh();
  const cond = where(mirror, filter);
  const byTopic = dims.includes('TOPIC');
  // consultation_topics: a row per consultation and topic, with the consultation's columns.
  const from = byTopic ? 'consultation_topics c' : 'consultations c';
  // Grouped by the dimensions' integer codes; each group's codes then joined to their values
  // (one dictionary row each), ordered by value. Ordered here; countTable checks the order is
  // compareKeys' and sorts only where it is not.
  const codes = dims.map((d, i) => `c.${DIMENSION[d].column} as c${i}`).join(', ');
  const keys = dims.map((_, i) => `d${i}.value as k${i}`).join(', ');
  const joins = dims.map((d, i) => `join ${DIMENSION[d].dictionary} d${i} on d${i}.code = g.c${i}`).join(' ');
  const order = dims.map((_, i) => `k${i}`).join(', ');
  const [columns, totals] = await Promise.all([
    mirror.engine.columns(
      `select ${keys}, g.n, g.ks
       from (select ${codes}, count(*) as n, coalesce(sum(c.record_key), 0)::double as ks from ${from} ${cond.sql} group by all) g
       ${joins}
       order by ${order}`,
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
  // An answer without rows comes back without columns.
  const column = (i: number) => columns[i] ?? [];
  const counts = column(dims.length) as number[];
  const keySums = column(dims.length + 1) as number[];
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  return countTable(
    dims.map((_, i) => column(i).map(String)),
    counts,
    keySums,
    {
      total: totals ? totals[0].n : sum(counts),
      totalKeySum: totals ? totals[0].ks : sum(keySums),
      plan: 'columnar',
    },
  );
}

/** Exact counts cell by cell, as the store's path gives them (../stats.ts). */
export async function countOnMirror(
  mirror: ConsultationMirror,
  dims: readonly StatsDimension[],
  filter: StatsFilter | null | undefined,
): Promise<Counts> {
  return cellsOf(await countTableOnMirror(mirror, dims, filter));
}
