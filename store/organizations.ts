/**
 * Read API over the directory (organizations): by id for entity references, and the filtered
 * directory list.
 */
import type { OrganizationRecord } from '../domain/records';
import type { Queryable } from './engine/store';
import { selectList } from './tables';

/** The organizations with these ids, in the order asked; null where none has the id. */
export async function byIds(db: Queryable, ids: readonly string[]): Promise<Array<OrganizationRecord | null>> {
  const rows = await db.query<OrganizationRecord>(
    `select ${selectList('organization')} from organizations where id = any($1::text[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export interface OrganizationListFilter {
  ids?: readonly string[] | null;
  kinds?: readonly string[] | null;
  supportFields?: readonly string[] | null;
  network?: string | null;
}

/** The directory, by id, under every condition given. */
export function list(db: Queryable, filter: OrganizationListFilter = {}): Promise<OrganizationRecord[]> {
  return db.query<OrganizationRecord>(
    `select ${selectList('organization')} from organizations
     where ($1::text[] is null or id = any($1::text[]))
       and ($2::text[] is null or kind = any($2::text[]))
       and ($3::text[] is null or support_fields && $3::text[])
       and ($4::text is null or $4 = any(networks))
     order by id`,
    [filter.ids ?? null, filter.kinds ?? null, filter.supportFields ?? null, filter.network ?? null],
  );
}

/** Whether an organization with this id is in the directory. */
export async function exists(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('select id from organizations where id = $1', [id]);
  return rows.length > 0;
}

/** Where each provider's counter is, for distances: municipality and coordinates. */
export function locations(
  db: Queryable,
): Promise<Array<{ id: string; municipalityCode: string | null; lat: number | null; lng: number | null }>> {
  return db.query(`select id, municipality_code as "municipalityCode", lat, lng from organizations`);
}
