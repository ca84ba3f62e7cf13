/**
 * Read API over the sources table: each configured source's sync state and freshness, and the
 * rows its last good read refused.
 */
import type { Queryable } from './engine/store';
import type { RowRejection, SourceRecord } from '../domain/records';

/** One source's state, or undefined when it was never registered. */
export async function get(store: Queryable, id: string): Promise<SourceRecord | undefined> {
  const rows = await list(store, { ids: [id] });
  return rows[0];
}

export async function list(
  store: Queryable,
  filter: { agencyId?: string | null; ids?: string[] } = {},
): Promise<SourceRecord[]> {
  return store.query<SourceRecord>(
    `select id, agency_id as "agencyId", name, kind, entity, location, status, stale,
       to_char(last_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastAttemptAt",
       to_char(last_success_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastSuccessAt",
       to_char(last_changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastChangedAt",
       last_error as "lastError", content_hash as "contentHash", etag, last_modified as "lastModified",
       accepted_count as "acceptedCount", rejected_count as "rejectedCount", live
     from sources
     where ($1::text is null or agency_id = $1) and ($2::text[] is null or id = any($2::text[]))
     order by agency_id, name`,
    [filter.agencyId ?? null, filter.ids ?? null],
  );
}

/** Up to `limit` refused rows per source, in row order. */
export async function rejections(
  store: Queryable,
  sourceIds: string[],
  limit: number,
): Promise<Array<RowRejection & { sourceId: string }>> {
  return store.query(
    `select source_id as "sourceId", row_number as row, field, value, reason from (
       select r.*, row_number() over (partition by source_id order by ordinal) as n from ingest_rejections r
       where source_id = any($1::text[])) ranked
     where n <= $2 order by source_id, ordinal`,
    [sourceIds, limit],
  );
}
