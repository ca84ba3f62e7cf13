/**
 * Writing a source's snapshot: registration, atomic replacement of its records with its
 * rejections, the unchanged shortcut, and failure marking that never touches the last good data.
 */
import type { Queryable, Store } from './engine/store';
import {
  agencyScope,
  type ConsultationRecord,
  type EntityKind,
  type EntityRecord,
  type OrganizationRecord,
  type RowRejection,
  type SourceRecord,
} from '../domain/records';
import { TABLES, bulkInsert, copyCsvLines, toCopyCsv } from './tables';
import { ROLLUP_TABLE, computeRollups, rollupRebuildSql } from './rollups';
import { recordKeySecret } from './recordKeys';
import { recordKey } from '../domain/disclosure';
import { committeeHistorySql } from './committeeHistory';
import { fence } from './engine/leases';
import { announceSnapshot } from './engine/notifications';
import { recordProgramChanges } from './programChanges';

/** What a source declares about itself; the rest of its SourceRecord is what syncing it learns. */
export type SourceRegistration = Pick<SourceRecord, 'id' | 'agencyId' | 'name' | 'kind' | 'entity' | 'location'>;

export async function registerSource(store: Queryable, s: SourceRegistration): Promise<void> {
  await store.query(
    `insert into sources (id, agency_id, name, kind, entity, location) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do update set agency_id = excluded.agency_id, name = excluded.name, kind = excluded.kind,
       entity = excluded.entity, location = excluded.location`,
    [s.id, s.agencyId, s.name, s.kind, s.entity, s.location],
  );
}

/**
 * A snapshot's records rendered for COPY, one line per record, with what the store still has to
 * check: ids and their rows. The sync renders them where it maps (often a worker thread).
 */
export interface EncodedRecords {
  ids: string[];
  rows: Array<number | null>;
  /** COPY csv lines of the entity's table, in the order of `ids`. */
  lines: string[];
  /** COPY csv of the consultation rollups of exactly these records; null for other entities. */
  rollupCsv: string | null;
}

/**
 * Renders records for replaceSource: the table's COPY lines and, for consultations, their record
 * keys (from the store's `recordKeySecret`, ./recordKeys.ts) and their rollups with key sums.
 */
export function encodeSnapshot(
  entity: EntityKind,
  sourceId: string,
  records: readonly EntityRecord[],
  recordKeySecret?: string,
): EncodedRecords {
  if (entity === 'consultation') {
    if (!recordKeySecret) throw new Error("consultations are encoded with the store's record key secret");
    withRecordKeys(recordKeySecret, records as ConsultationRecord[]);
  }
  const rows = records as unknown as Array<Record<string, unknown>>;
  return {
    ids: records.map((r) => r.id),
    rows: records.map((r) => r.sourceRow),
    lines: copyCsvLines(TABLES[entity].columns, rows),
    rollupCsv:
      entity === 'consultation'
        ? toCopyCsv(
            ROLLUP_TABLE.columns,
            computeRollups(sourceId, records as Array<ConsultationRecord & { recordKey: number }>) as unknown as Array<
              Record<string, unknown>
            >,
          )
        : null,
  };
}

export interface Snapshot {
  sourceId: string;
  entity: EntityKind;
  /** The records rendered (encodeSnapshot), ids unique within the snapshot; or the records, rendered here. */
  encoded?: EncodedRecords;
  records?: EntityRecord[];
  /** Refused rows, one entry per row. */
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
  /** A declared organization already stored as it is (or, listed by a directory, already absent). */
  unchanged?: boolean;
  /** A declared organization not stored: the directory source that lists the agency. */
  listedBy?: string;
}

/**
 * Replaces everything a source contributed with a new snapshot, in one transaction: readers see
 * the old snapshot or the new one, never a mix, and a failure leaves the old one in place.
 * Ids already provided by another source are refused row by row, not overwritten — except an
 * agency's declared organization, which gives way to a directory's entry of the same id.
 * Every process sharing the store is notified when the transaction commits.
 */
export async function replaceSource(store: Store, snap: Snapshot): Promise<ReplaceResult> {
  // The secret is read before the transaction: the embedded store serves no other query while one is open.
  const secret = snap.entity === 'consultation' && !snap.encoded ? await recordKeySecret(store) : undefined;
  const encoded = snap.encoded ?? encodeSnapshot(snap.entity, snap.sourceId, snap.records ?? [], secret);
  return store.transaction(async (tx) => {
    if (snap.lease) await fence(tx, snap.lease.name, snap.lease.holder);
    if (snap.entity === 'organization') await lockOrganizationIds(tx);
    const rejections = [...snap.rejections];
    const { table, columns } = TABLES[snap.entity];
    // Only a successful replacement writes records, so a source that never had one has none to
    // remove; its deletes would each scan the whole table (records are not indexed by source),
    // once for every source of a first start.
    const [stored] = await tx.query<{ some: boolean }>(
      'select last_success_at is not null as some from sources where id = $1',
      [snap.sourceId],
    );
    if (stored?.some !== false) {
      await tx.query(`delete from ${table} where source_id = $1`, [snap.sourceId]);
      if (snap.entity === 'consultation')
        await tx.query('delete from consultation_rollups where source_id = $1', [snap.sourceId]);
    }
    const { ids, rows, lines, rollupCsv } = encoded;
    const owners = await foreignOwners(tx, snap.entity, snap.sourceId, ids);
    const keep: string[] = [];
    ids.forEach((id, i) => {
      const other = owners.get(id);
      if (other) rejections.push(clash(rows[i], id, other));
      else keep.push(lines[i]);
    });
    const accepted = keep.length;
    if (!tx.copyFromCsv) throw new Error('snapshots are written with COPY, which this store does not take');
    for (let start = 0; start < keep.length; start += COPY_CHUNK) {
      await tx.copyFromCsv(
        table,
        columns.map((c) => c.column),
        keep.slice(start, start + COPY_CHUNK).join('\n'),
      );
    }
    if (snap.entity === 'consultation') {
      // Rollups rendered beside the records count them all; after a clash they are recounted here.
      if (owners.size === 0 && rollupCsv)
        await tx.copyFromCsv(
          'consultation_rollups',
          ROLLUP_TABLE.columns.map((c) => c.column),
          rollupCsv,
        );
      else if (accepted > 0)
        for (const sql of rollupRebuildSql({ sourceId: true })) await tx.query(sql, [snap.sourceId]);
    }
    // The growth programme's history follows its minutes in the same transaction.
    if (snap.entity === 'committee')
      for (const q of committeeHistorySql(snap.sourceId)) await tx.query(q.text, q.values);
    if (snap.entity === 'program') {
      await resolveProviderNames(tx, snap.sourceId);
      // Feeds and webhooks follow the programmes this snapshot added, changed or removed.
      await recordProgramChanges(tx, snap.sourceId, snap.at);
    }
    rejections.sort((a, b) => a.row - b.row);
    await writeRejections(tx, snap.sourceId, rejections);
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

/** Gives each consultation its record key (in place: the records are the snapshot's own). */
export function withRecordKeys(
  secret: string,
  records: ConsultationRecord[],
): Array<ConsultationRecord & { recordKey: number }> {
  for (const r of records) r.recordKey = recordKey(secret, r.id);
  return records as Array<ConsultationRecord & { recordKey: number }>;
}

/** A source's refused rows: every problem of a row is kept (the first, then its further ones) under its row number. */
async function writeRejections(tx: Queryable, sourceId: string, rejections: RowRejection[]): Promise<void> {
  await tx.query('delete from ingest_rejections where source_id = $1', [sourceId]);
  const entries = rejections.flatMap((r) =>
    [r, ...(r.reasons ?? [])].map((p) => ({ row: r.row, field: p.field, value: p.value, reason: p.reason })),
  );
  if (entries.length === 0) return;
  await tx.query(
    `insert into ingest_rejections (source_id, ordinal, row_number, field, value, reason)
     select $1, x.ordinal, x.row_number, x.field, x.value, x.reason
     from unnest($2::integer[], $3::integer[], $4::text[], $5::text[], $6::text[]) as x(ordinal, row_number, field, value, reason)`,
    [
      sourceId,
      entries.map((_, i) => i + 1),
      entries.map((r) => r.row),
      entries.map((r) => r.field),
      entries.map((r) => (r.value === null ? null : r.value.slice(0, 200))),
      entries.map((r) => r.reason),
    ],
  );
}

/**
 * An aggregator's programmes name their offering body (provider_name): where exactly one
 * organization of the directory bears that name (spaces aside), it becomes the provider; the
 * others keep the publishing agency as provider and the name as text.
 */
async function resolveProviderNames(tx: Queryable, sourceId: string): Promise<void> {
  await tx.query(
    `update programs p set provider_id = o.id
     from (select min(id) as id, replace(name, ' ', '') as key from organizations group by key having count(*) = 1) o
     where p.source_id = $1 and p.provider_name is not null and replace(p.provider_name, ' ', '') = o.key`,
    [sourceId],
  );
}

/**
 * Organization ids are shared by every agency's sources: two directories (or a directory and an
 * agency's declared entry) written at once on PostgreSQL would each find an id free and the second
 * commit would fail on the key. Their transactions take turns on this lock (released at commit);
 * on the embedded store, which runs one transaction at a time, it costs nothing.
 */
async function lockOrganizationIds(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('madoguchi:organization-ids'))`);
}

async function foreignOwners(
  tx: Queryable,
  entity: EntityKind,
  sourceId: string,
  ids: string[],
): Promise<Map<string, string>> {
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
  const taken = await tx.query<{ id: string; source_id: string; declared: boolean }>(
    `select t.id, t.source_id, coalesce(s.kind = 'CONFIG', false) as declared
     from ${TABLES[entity].table} t left join sources s on s.id = t.source_id
     where t.id = any($1::text[]) and t.source_id <> $2`,
    [ids, sourceId],
  );
  // An agency's declared organization is a stand-in until a directory lists the agency: it and
  // its source (one record each) give way.
  const declared = taken.filter((t) => t.declared);
  if (declared.length > 0) {
    await tx.query(`delete from organizations where source_id = any($1::text[])`, [declared.map((t) => t.source_id)]);
    await tx.query(`delete from sources where id = any($1::text[])`, [declared.map((t) => t.source_id)]);
  }
  return new Map(taken.filter((t) => !t.declared).map((t) => [t.id, t.source_id]));
}

const clash = (row: number | null, id: string, other: string): RowRejection => ({
  row: row ?? 0,
  field: 'id',
  value: id,
  reason: `id already provided by source ${other}`,
});

/**
 * Writes an agency's declared organization (its own file's `organization:`, or just its name) as
 * the record of a source of kind CONFIG. Where a directory source lists the agency under its id,
 * that entry is the agency's, and the declared one and its source are removed instead.
 */
export async function replaceDeclaredOrganization(
  store: Store,
  snap: { source: SourceRegistration; record: OrganizationRecord; contentHash: string; at: string },
): Promise<ReplaceResult> {
  return store.transaction(async (tx) => {
    await lockOrganizationIds(tx);
    const [listed] = await tx.query<{ source_id: string }>(
      'select source_id from organizations where id = $1 and source_id <> $2',
      [snap.record.id, snap.source.id],
    );
    if (listed) {
      const removed = await tx.query('delete from organizations where source_id = $1 returning id', [snap.source.id]);
      const dropped = await tx.query('delete from sources where id = $1 returning id', [snap.source.id]);
      const unchanged = removed.length === 0 && dropped.length === 0;
      if (!unchanged) await announceSnapshot(tx, snap.source.id, 'organization');
      return { accepted: 0, rejected: [], unchanged, listedBy: listed.source_id };
    }
    // The same declaration already stored: nothing to rewrite, and readers' caches stay.
    const [kept] = await tx.query<{ same: boolean }>(
      `select s.content_hash = $2 and s.status = 'OK'
         and exists (select 1 from organizations o where o.source_id = s.id) as same
       from sources s where s.id = $1`,
      [snap.source.id, snap.contentHash],
    );
    if (kept?.same) {
      await markUnchanged(tx, snap.source.id, snap.at);
      return { accepted: 1, rejected: [], unchanged: true };
    }
    await tx.query('delete from organizations where source_id = $1', [snap.source.id]);
    await registerSource(tx, snap.source);
    await bulkInsert(tx, 'organization', [snap.record as unknown as Record<string, unknown>]);
    await tx.query(
      `update sources set status = 'OK', stale = false, last_attempt_at = $2, last_success_at = $2, last_changed_at = $2,
         last_error = null, content_hash = $3, etag = null, last_modified = null, accepted_count = 1, rejected_count = 0
       where id = $1`,
      [snap.source.id, snap.at, snap.contentHash],
    );
    await announceSnapshot(tx, snap.source.id, 'organization');
    return { accepted: 1, rejected: [] };
  });
}

/** Keeps the first record of each id; later ones are refused by `refuse` (by default naming the first one's row). */
export function dropDuplicateIds<R extends { id: string; sourceRow: number | null }>(
  records: R[],
  refuse: (record: R, firstRow: number | null) => RowRejection = (r, first) => ({
    row: r.sourceRow ?? 0,
    field: 'id',
    value: r.id,
    reason: `duplicate id (first at row ${first})`,
  }),
): { accepted: R[]; duplicates: RowRejection[] } {
  const seen = new Map<string, number | null>();
  const accepted: R[] = [];
  const duplicates: RowRejection[] = [];
  for (const r of records) {
    if (seen.has(r.id)) {
      duplicates.push(refuse(r, seen.get(r.id) ?? null));
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

/**
 * Records a failed sync: the last good records stay, flagged stale, with the error shown. When the
 * attempt failed because every row was refused, its refused rows replace the listed ones, so the
 * agency sees why (rejected_count follows them; accepted_count still counts the records served).
 */
export async function markFailed(
  store: Store,
  sourceId: string,
  at: string,
  error: string,
  rejections?: RowRejection[],
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query(
      `update sources set status = 'FAILED', stale = (last_success_at is not null), last_attempt_at = $2, last_error = $3 where id = $1`,
      [sourceId, at, error.slice(0, 2000)],
    );
    if (!rejections || rejections.length === 0) return;
    await writeRejections(
      tx,
      sourceId,
      [...rejections].sort((a, b) => a.row - b.row),
    );
    await tx.query('update sources set rejected_count = $2 where id = $1', [sourceId, rejections.length]);
  });
}
