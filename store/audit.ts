/**
 * The growth audit log (閲覧記録): who read which part of which firm's growth file, when, in what
 * role. Rows are only ever added — the table refuses updates, deletes and truncation by trigger —
 * and the graph offers no way to write them but reading.
 */
import type { Viewer } from '../domain/viewer';
import type { Queryable } from './engine/store';

export interface FileRead {
  firmId: string;
  fields: string[];
}

/** Writes one row per firm read, in one statement. */
export async function recordReads(
  db: Queryable,
  viewer: Viewer,
  at: string,
  reads: readonly FileRead[],
): Promise<void> {
  if (reads.length === 0) return;
  await db.query(
    `insert into growth_audit (at, subject, role, agency_id, firm_id, fields)
     select $1, $2, $3, $4, x.firm_id, string_to_array(x.fields, chr(31))
     from unnest($5::text[], $6::text[]) as x(firm_id, fields)`,
    [
      at,
      viewer.subject,
      viewer.role,
      viewer.agencyId,
      reads.map((r) => r.firmId),
      reads.map((r) => r.fields.join('\u001f')),
    ],
  );
}

export interface AuditRow {
  id: string;
  at: string;
  subject: string | null;
  role: string;
  agencyId: string | null;
  firmId: string;
  fields: string[];
}

/** Audit rows, newest first, optionally of one firm and within a time range. */
export async function auditEntries(
  db: Queryable,
  filter: { firmId?: string | null; from?: string | null; to?: string | null },
  page: { limit: number; offset: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const params = [filter.firmId ?? null, filter.from ?? null, filter.to ?? null];
  const where = `($1::text is null or firm_id = $1) and ($2::timestamptz is null or at >= $2) and ($3::timestamptz is null or at <= $3)`;
  const rows = await db.query<AuditRow & { total: number }>(
    `select id::text as id, to_char(at at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+09:00"') as at, subject, role, agency_id as "agencyId",
            firm_id as "firmId", fields, count(*) over ()::int as total
     from growth_audit where ${where} order by growth_audit.at desc, growth_audit.id desc limit $4 offset $5`,
    [...params, page.limit, page.offset],
  );
  if (rows.length || page.offset === 0) return { rows, total: rows[0]?.total ?? 0 };
  const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from growth_audit where ${where}`, params);
  return { rows, total: n };
}
