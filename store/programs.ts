/**
 * Read API over programmes: by id and by provider for entity references (one query per batch),
 * the filtered and paged list, and what the search index loads (its columns, per source, and the
 * per-source versions that tell it what a sync changed).
 */
import type { ProgramRecord } from '../domain/records';
import type { ProgramStatusValue } from '../domain/programStatus';
import type { Queryable } from './engine/store';
import { Conditions } from './conditions';
import { join, raw, type Sql, sql } from './sql';
import { selectList, TABLES } from './tables';

/** The programmes with these ids, in the order asked; null where none has the id. */
export async function byIds(db: Queryable, ids: readonly string[]): Promise<Array<ProgramRecord | null>> {
  const rows = await db.query<ProgramRecord>(
    `select ${selectList('program')} from programs where id = any($1::text[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Each provider's programmes by title, in the order of the providers asked. */
export async function byProviders(db: Queryable, providerIds: readonly string[]): Promise<ProgramRecord[][]> {
  const rows = await db.query<ProgramRecord>(
    `select ${selectList('program')} from programs where provider_id = any($1::text[]) order by provider_id, title, id`,
    [providerIds],
  );
  return providerIds.map((id) => rows.filter((r) => r.providerId === id));
}

/**
 * The programme status rule (domain/programStatus) as SQL over the programs table on the date
 * `today` (an SQL date): a published CLOSED wins; the application period decides where it gives
 * days; the published status (else ONGOING) where it gives none.
 */
export function statusSql(status: ProgramStatusValue, today: Sql): Sql {
  const notClosedByPage = raw(`published_status is distinct from 'CLOSED'`);
  const undated = raw('(opens_on is null and closes_on is null)');
  switch (status) {
    case 'ONGOING':
      return sql`(${undated} and coalesce(published_status, 'ONGOING') = 'ONGOING')`;
    case 'UPCOMING':
      return sql`(${notClosedByPage} and (opens_on > ${today} or (${undated} and published_status = 'UPCOMING')))`;
    case 'CLOSED':
      return sql`(published_status = 'CLOSED' or (closes_on < ${today} and not coalesce(opens_on > ${today}, false)))`;
    case 'OPEN':
      return sql`(${notClosedByPage} and ((not ${undated} and coalesce(opens_on <= ${today}, true) and coalesce(closes_on >= ${today}, true)) or (${undated} and published_status = 'OPEN')))`;
  }
}

export interface ProgramListFilter {
  providerIds?: readonly string[] | null;
  kinds?: readonly string[] | null;
  supportFields?: readonly string[] | null;
  /** Programmes open to firms in an area: no area at all, or one of these (a municipality and the areas enclosing it). */
  areaCodes?: readonly string[] | null;
  /** Any of these statuses on `today` (YYYY-MM-DD). */
  status?: { values: readonly ProgramStatusValue[]; today: string } | null;
}

/** One page of programmes by provider and title, and how many match in all. */
export async function list(
  db: Queryable,
  filter: ProgramListFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ProgramRecord[]; total: number }> {
  const cond = new Conditions();
  if (filter.providerIds) cond.add(sql`provider_id = any(${filter.providerIds}::text[])`);
  if (filter.kinds) cond.add(sql`kind = any(${filter.kinds}::text[])`);
  if (filter.supportFields) cond.add(sql`support_fields && ${filter.supportFields}::text[]`);
  if (filter.areaCodes) cond.add(sql`(cardinality(area_codes) = 0 or area_codes && ${filter.areaCodes}::text[])`);
  const status = filter.status;
  if (status?.values.length) {
    const today = sql`${status.today}::date`;
    cond.add(
      sql`(${join(
        status.values.map((s) => statusSql(s, today)),
        ' or ',
      )})`,
    );
  }
  const q = sql`select ${raw(selectList('program'))}, count(*) over ()::int as total from programs ${cond.sql}
     order by provider_id, title, id limit ${page.limit} offset ${page.offset}`;
  const rows = await db.query<ProgramRecord & { total: number }>(q.text, q.values);
  if (rows.length > 0) return { rows, total: rows[0].total };
  // Past the last page the window is empty; count separately so the total stays true.
  const count = sql`select count(*)::int as n from programs ${cond.sql}`;
  const [c] = await db.query<{ n: number }>(count.text, count.values);
  return { rows, total: c.n };
}

/** The fields the search index reads (no contact, amounts or provenance), optionally of some sources only. */
export type IndexableProgramRow = Pick<
  ProgramRecord,
  | 'id'
  | 'providerId'
  | 'sourceId'
  | 'title'
  | 'titleKana'
  | 'summary'
  | 'body'
  | 'kind'
  | 'supportFields'
  | 'purposes'
  | 'areaCodes'
  | 'areaText'
  | 'industries'
  | 'employeeCeiling'
  | 'eligibilityText'
  | 'opensOn'
  | 'closesOn'
  | 'publishedStatus'
>;

// The keys of IndexableProgramRow, checked against it by the compiler.
const INDEXED_KEYS = new Set<string>(
  Object.keys({
    id: 1,
    providerId: 1,
    sourceId: 1,
    title: 1,
    titleKana: 1,
    summary: 1,
    body: 1,
    kind: 1,
    supportFields: 1,
    purposes: 1,
    areaCodes: 1,
    areaText: 1,
    industries: 1,
    employeeCeiling: 1,
    eligibilityText: 1,
    opensOn: 1,
    closesOn: 1,
    publishedStatus: 1,
  } satisfies Record<keyof IndexableProgramRow, 1>),
);

// Only the columns the index reads, so a large catalogue loads quickly and is not kept twice.
const INDEXED_COLUMNS = TABLES.program.columns
  .filter((c) => INDEXED_KEYS.has(c.key))
  .map((c) => (c.type === 'date' ? `${c.column}::text as "${c.key}"` : `${c.column} as "${c.key}"`))
  .join(', ');

export function indexable(db: Queryable, sourceIds?: readonly string[]): Promise<IndexableProgramRow[]> {
  return sourceIds
    ? db.query<IndexableProgramRow>(`select ${INDEXED_COLUMNS} from programs where source_id = any($1::text[])`, [
        sourceIds,
      ])
    : db.query<IndexableProgramRow>(`select ${INDEXED_COLUMNS} from programs`);
}

/**
 * A version per programme and directory source that changes whenever a sync replaces its rows
 * (written in the same transaction), so a reader can tell which sources to reload; and how many
 * records its last snapshot landed, so a reader can tell how large a first load will be.
 */
export function sourceVersions(
  db: Queryable,
): Promise<Array<{ id: string; entity: 'program' | 'organization'; version: string; accepted: number }>> {
  return db.query(
    `select id, entity, coalesce(content_hash, '') || '|' || coalesce(last_changed_at::text, '') || '|' || accepted_count as version,
       accepted_count as accepted
     from sources where entity in ('program', 'organization')`,
  );
}
