/**
 * Writing a source's snapshot: registration, atomic replacement of its records with its
 * rejections, the unchanged shortcut, and failure marking that never touches the last good data.
 */
import type { Queryable, Store } from './store';
import { agencyScope, type ConsultationRecord, type EntityKind, type EntityRecord, type RowRejection, type SourceKind } from '../domain/records';
import { TABLES, bulkInsert, bulkInsertInto } from './tables';
import { ROLLUP_TABLE, computeRollups, rollupRebuildSql } from './rollups';
import { committeeHistorySql } from './growth';
import { fence } from './leases';
import { announceSnapshot } from './notifications';

export interface SourceRegistration {
  id: string;
  agencyId: string;
  name: string;
  kind: SourceKind;
  entity: EntityKind;
  location: string;
}

export async function registerSource(store: Queryable, s: SourceRegistration): Promise<void> {
  await store.query(
    `insert into sources (id, agency_id, name, kind, entity, location) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do update set agency_id = excluded.agency_id, name = excluded.name, kind = excluded.kind,
       entity = excluded.entity, location = excluded.location`,
    [s.id, s.agencyId, s.name, s.kind, s.entity, s.location],
  );
}

/**
 * A snapshot's records already rendered for COPY, one line per record (a worker thread does the
 * mapping and rendering), with what the store still has to check: ids and their rows.
 */
export interface EncodedRecords {
  ids: string[];
  rows: Array<number | null>;
  /** COPY csv lines of the entity's table, in the order of `ids`. */
  lines: string[];
  /** COPY csv of the consultation rollups of exactly these records; null for other entities. */
  rollupCsv: string | null;
}

export interface Snapshot {
  sourceId: string;
  entity: EntityKind;
  /** The records, or (`encoded`) their rendered form; duplicates within the snapshot already dropped there. */
  records: EntityRecord[];
  encoded?: EncodedRecords;
  rejections: RowRejection[];
  contentHash: string;
  etag: string | null;
  lastModified: string | null;
  at: string;
  /** On a shared store: the lease this write must still hold (checked in its transaction). */
  lease?: { name: string; holder: string };
}

export interface ReplaceResult {
  accepted: number;
  rejected: RowRejection[];
}

/**
 * Replaces everything a source contributed with a new snapshot, in one transaction: readers see
 * the old snapshot or the new one, never a mix, and a failure leaves the old one in place.
 * Organization ids already provided by another source are rejected row by row, not overwritten.
 * Every process sharing the store is notified when the transaction commits.
 */
export async function replaceSource(store: Store, snap: Snapshot): Promise<ReplaceResult> {
  return store.transaction(async (tx) => {
    if (snap.lease) await fence(tx, snap.lease.name, snap.lease.holder);
    const rejections = [...snap.rejections];
    const { table, columns } = TABLES[snap.entity];
    // Only a successful replacement writes records, so a source that never had one has none to
    // remove; its deletes would each scan the whole table (records are not indexed by source),
    // once for every source of a first start.
    const [stored] = await tx.query<{ some: boolean }>('select last_success_at is not null as some from sources where id = $1', [snap.sourceId]);
    if (stored?.some !== false) {
      await tx.query(`delete from ${table} where source_id = $1`, [snap.sourceId]);
      if (snap.entity === 'consultation') await tx.query('delete from consultation_rollups where source_id = $1', [snap.sourceId]);
    }
    let accepted: number;
    if (snap.encoded) {
      const { ids, rows, lines, rollupCsv } = snap.encoded;
      const owners = await foreignOwners(tx, snap.entity, snap.sourceId, ids);
      const keep: string[] = [];
      ids.forEach((id, i) => {
        const other = owners.get(id);
        if (other) rejections.push(clash(rows[i], id, other));
        else keep.push(lines[i]);
      });
      accepted = keep.length;
      if (!tx.copyFromCsv) throw new Error('encoded snapshots need a store that takes COPY');
      for (let start = 0; start < keep.length; start += COPY_CHUNK) {
        await tx.copyFromCsv(table, columns.map((c) => c.column), keep.slice(start, start + COPY_CHUNK).join('\n'));
      }
      if (snap.entity === 'consultation') {
        // Rollups rendered beside the records count them all; after a clash they are recounted here.
        if (owners.size === 0 && rollupCsv) await tx.copyFromCsv('consultation_rollups', ROLLUP_TABLE.columns.map((c) => c.column), rollupCsv);
        else if (accepted > 0) for (const sql of rollupRebuildSql({ sourceId: true })) await tx.query(sql, [snap.sourceId]);
      }
    } else {
      let records = snap.records;
      if (snap.entity === 'organization' || snap.entity === 'program' || snap.entity === 'consultation' || snap.entity === 'committee') {
        const { accepted: own, clashes } = await dropForeignIds(tx, snap.entity, snap.sourceId, records);
        records = own;
        rejections.push(...clashes);
      }
      accepted = records.length;
      await bulkInsert(tx, snap.entity, records as unknown as Record<string, unknown>[]);
      if (snap.entity === 'consultation') {
        // Aggregates read these, so they change in the same transaction as the records.
        const rollups = computeRollups(snap.sourceId, records as ConsultationRecord[]);
        await bulkInsertInto(tx, ROLLUP_TABLE, rollups as unknown as Record<string, unknown>[]);
      }
    }
    // The growth programme's history follows its minutes in the same transaction.
    if (snap.entity === 'committee') for (const sql of committeeHistorySql()) await tx.query(sql, [snap.sourceId]);
    await tx.query('delete from ingest_rejections where source_id = $1', [snap.sourceId]);
    if (rejections.length > 0) {
      rejections.sort((a, b) => a.row - b.row);
      await tx.query(
        `insert into ingest_rejections (source_id, ordinal, row_number, field, value, reason)
         select $1, x.ordinal, x.row_number, x.field, x.value, x.reason
         from unnest($2::integer[], $3::integer[], $4::text[], $5::text[], $6::text[]) as x(ordinal, row_number, field, value, reason)`,
        [
          snap.sourceId,
          rejections.map((_, i) => i + 1),
          rejections.map((r) => r.row),
          rejections.map((r) => r.field),
          rejections.map((r) => (r.value === null ? null : r.value.slice(0, 200))),
          rejections.map((r) => r.reason),
        ],
      );
    }
    await tx.query(
      `update sources set status = 'OK', stale = false, last_attempt_at = $2, last_success_at = $2,
         last_changed_at = $2, last_error = null, content_hash = $3, etag = $4, last_modified = $5,
         accepted_count = $6, rejected_count = $7
       where id = $1`,
      [snap.sourceId, snap.at, snap.contentHash, snap.etag, snap.lastModified, accepted, rejections.length],
    );
    await announceSnapshot(tx, snap.sourceId, snap.entity);
    return { accepted, rejected: rejections };
  });
}

const COPY_CHUNK = 20_000;

async function foreignOwners(tx: Queryable, entity: EntityKind, sourceId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  // Programme and consultation ids are scoped by agency (agencyScope): when all of them are, only
  // the agency's other sources of the entity can hold one, and usually there are none.
  if (entity !== 'organization') {
    const [own] = await tx.query<{ agency_id: string; others: number }>(
      `select s.agency_id, (select count(*)::int from sources o where o.agency_id = s.agency_id and o.entity = s.entity and o.id <> s.id) as others
       from sources s where s.id = $1`,
      [sourceId],
    );
    if (own && own.others === 0 && ids.every((id) => id.startsWith(agencyScope(own.agency_id)))) return new Map();
  }
  const taken = await tx.query<{ id: string; source_id: string }>(
    `select id, source_id from ${TABLES[entity].table} where id = any($1::text[]) and source_id <> $2`,
    [ids, sourceId],
  );
  return new Map(taken.map((t) => [t.id, t.source_id]));
}

const clash = (row: number | null, id: string, other: string): RowRejection => ({ row: row ?? 0, field: 'id', value: id, reason: `id already provided by source ${other}` });

// Ids are global: a record whose id another source already holds is refused, so one agency's
// file can never overwrite another's entries.
async function dropForeignIds(
  tx: Queryable,
  entity: EntityKind,
  sourceId: string,
  records: EntityRecord[],
): Promise<{ accepted: EntityRecord[]; clashes: RowRejection[] }> {
  if (records.length === 0) return { accepted: records, clashes: [] };
  const owner = await foreignOwners(tx, entity, sourceId, records.map((r) => r.id));
  const clashes: RowRejection[] = [];
  const own = records.filter((r) => {
    const other = owner.get(r.id);
    if (other) clashes.push(clash(r.sourceRow, r.id, other));
    return !other;
  });
  const { accepted, duplicates } = dropDuplicateIds(own);
  return { accepted, clashes: [...clashes, ...duplicates] };
}

/** Keeps the first record of each id; later ones are refused naming the first one's row. */
export function dropDuplicateIds<R extends { id: string; sourceRow: number | null }>(records: R[]): { accepted: R[]; duplicates: RowRejection[] } {
  const seen = new Map<string, number | null>();
  const accepted: R[] = [];
  const duplicates: RowRejection[] = [];
  for (const r of records) {
    if (seen.has(r.id)) {
      duplicates.push({ row: r.sourceRow ?? 0, field: 'id', value: r.id, reason: `duplicate id (first at row ${seen.get(r.id)})` });
    } else {
      seen.set(r.id, r.sourceRow);
      accepted.push(r);
    }
  }
  return { accepted, duplicates };
}

/** Records a successful fetch whose content had not changed: nothing else is written. */
export async function markUnchanged(store: Queryable, sourceId: string, at: string): Promise<void> {
  await store.query(
    `update sources set status = 'OK', stale = false, last_attempt_at = $2, last_success_at = $2, last_error = null where id = $1`,
    [sourceId, at],
  );
}

/** Records a failed sync: the last good records stay, flagged stale, with the error shown. */
export async function markFailed(store: Queryable, sourceId: string, at: string, error: string): Promise<void> {
  await store.query(
    `update sources set status = 'FAILED', stale = (last_success_at is not null), last_attempt_at = $2, last_error = $3 where id = $1`,
    [sourceId, at, error.slice(0, 2000)],
  );
}
