/**
 * The sync engine, the one ingest pipeline from end to end: read a source through its adapter
 * (I/O), prepare it (pipeline.ts: parse, filter, map, validate, render — in place, or on a worker
 * for a large spreadsheet), and replace the source's snapshot atomically. Unchanged content writes
 * nothing; a failure keeps the last good snapshot and marks it stale with the error, for the graph
 * to show. Where the outcome goes is a SnapshotTarget: the store, or nowhere for a dry run
 * (`agency:check`), which is this same sync without the write.
 *
 * On a store that several processes share, a sync first takes the source's lease (store/engine/leases.ts),
 * renews it while it works and writes only while it still holds it: one process syncs a source at
 * a time, and a process that dies mid-sync leaves the old snapshot for the next lease holder.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { relative } from 'node:path';
import { ORGANIZATION_SOURCE_ID, declarationMapping, type AgencyConfig, type SourceConfig } from '../core/config';
import { mapRecord } from '../core/record';
import { AdapterError, sha256, type Adapter, type AdapterContext } from '../core/adapter';
import { createSpreadsheetAdapter, resolveLocation } from '../spreadsheet';
import { createWebsiteAdapter } from '../website';
import { createApiAdapter } from '../api';
import {
  markFailed,
  markUnchanged,
  registerSource,
  replaceDeclaredOrganization,
  replaceSource,
  type ReplaceResult,
  type Snapshot,
  type SourceRegistration,
} from '../../store/ingest';
import { get as getSource } from '../../store/sources';
import { recordKeySecret } from '../../store/recordKeys';
import * as leases from '../../store/engine/leases';
import { LeaseLostError } from '../../store/engine/errors';
import { growthRefreshDue } from '../../store/signals';
import { refreshSignals } from '../../store/columnar';
import type { EntityRecord, OrganizationRecord, RowRejection, SourceKind, SourceRecord } from '../../domain/records';
import type { Store } from '../../store/store';
import { OFFLOAD_MIN_BYTES, createPreparePool, defaultWorkerCount, type PreparePool } from './offload';
import {
  describeRejection,
  prepareSource,
  topReasons,
  type IngestSummary,
  type PrepareJob,
  type PrepareResult,
} from './pipeline';

/** What one source's sync came to: its rows counted as the pipeline counts them (all 0 and empty when the source could not be read or did not change). */
export interface SyncReport extends IngestSummary {
  sourceId: string;
  agencyId: string;
  /** `skipped`: another process holds the source's lease (it is syncing it), or synced it moments ago. */
  outcome: 'updated' | 'unchanged' | 'failed' | 'skipped';
  /** The first records as they landed (or would land), when asked for. */
  sample: EntityRecord[];
  error?: string;
  durationMs: number;
  /**
   * An unchanged source: the snapshot it keeps, as the sync that wrote it (at `since`) left it —
   * this run refused nothing because it read nothing new, not because the rows were good.
   */
  kept?: { since: string | null; accepted: number; refused: number };
  /** An agency's declared organization that a directory lists: the directory's source, which provides the entry. */
  listedBy?: string;
}

export const KINDS: Record<SourceConfig['kind'], SourceKind> = {
  spreadsheet: 'SPREADSHEET',
  website: 'WEBSITE',
  api: 'API',
};

export function sourceId(agency: { id: string }, source: { id: string }): string {
  return `${agency.id}/${source.id}`;
}

export function createAdapter(agency: AgencyConfig, source: SourceConfig): (ctx: AdapterContext) => Adapter {
  switch (source.kind) {
    case 'spreadsheet':
      return createSpreadsheetAdapter(source, agency.dir);
    case 'website':
      return createWebsiteAdapter(source, agency.dir);
    case 'api':
      return createApiAdapter(source, agency.dir);
  }
}

/** How a source's location is shown and stored: a URL as is, a file relative to the project. */
export function sourceLocation(agency: AgencyConfig, source: SourceConfig): string {
  return displayLocation(resolveLocation(source.location, agency.dir));
}

/** Where a sync's outcome goes: the store, or nowhere (a dry run). */
export interface SnapshotTarget {
  /** The source's state after its last sync, for conditional requests and the unchanged shortcut. */
  previous(id: string): Promise<SourceRecord | undefined>;
  register(source: SourceRegistration): Promise<void>;
  unchanged(id: string, at: string): Promise<void>;
  /** A failed attempt: the error, and the refused rows when every row was refused. */
  failed(id: string, at: string, error: string, rejections?: RowRejection[]): Promise<void>;
  /** Writes the snapshot (on a shared store only while `snapshot.lease` is still held). */
  replace(snapshot: Snapshot): Promise<ReplaceResult>;
  /** The agency's declared organization, registered with its CONFIG source unless a directory lists the agency. */
  declared(snapshot: {
    source: SourceRegistration;
    record: OrganizationRecord;
    contentHash: string;
    at: string;
  }): Promise<ReplaceResult>;
  /** The secret consultations' record keys derive from (store/recordKeys.ts). */
  recordKeySecret(): Promise<string>;
}

export function storeTarget(store: Store): SnapshotTarget {
  return {
    previous: (id) => getSource(store, id),
    register: (s) => registerSource(store, s),
    unchanged: (id, at) => markUnchanged(store, id, at),
    failed: (id, at, error, rejections) => markFailed(store, id, at, error, rejections),
    replace: (snap) => replaceSource(store, snap),
    declared: (snap) => replaceDeclaredOrganization(store, snap),
    recordKeySecret: () => recordKeySecret(store),
  };
}

/**
 * A target that writes nothing and knows no previous state, so every read is unconditional and
 * every prepared record counts as landing. What only a store can tell — ids another source
 * already holds — is not checked.
 */
export function dryRunTarget(): SnapshotTarget {
  return {
    previous: async () => undefined,
    register: async () => {},
    unchanged: async () => {},
    failed: async () => {},
    replace: async (snap) => ({
      accepted: snap.encoded?.ids.length ?? snap.records?.length ?? 0,
      rejected: snap.rejections,
    }),
    declared: async () => ({ accepted: 1, rejected: [] }),
    // Nothing is written, so the keys only need to exist: a secret of this run.
    recordKeySecret: async () => randomUUID(),
  };
}

const isTarget = (x: Store | SnapshotTarget): x is SnapshotTarget => 'replace' in x;

export interface SyncOptions {
  /** Rewrite even when the content is unchanged. */
  force?: boolean;
  /** Worker threads that prepare large spreadsheets; without, everything runs in place. */
  pool?: PreparePool;
  /** Spreadsheets at least this large go to the pool (default OFFLOAD_MIN_BYTES). */
  offloadMinBytes?: number;
  /** How many records of each source to return as they landed (default none). */
  sample?: number;
  /** Skip a source attempted less than this long ago (by any process); not with `force`. */
  freshWithinMs?: number;
  /** Shared store: who takes the lease (default LEASE_HOLDER, this process) and for how long. */
  leaseHolder?: string;
  leaseTtlMs?: number;
  /** Leave the growth signals to the caller, which refreshes them once for many sources. */
  deferGrowthRefresh?: boolean;
}

/** This process, as lease holders are named: host, pid and a random part (pids are reused). */
export const LEASE_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** How long a sync's lease lasts without renewal unless `leaseTtlMs` says (MADOGUCHI_LEASE_TTL_MS); renewed every third of it. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

type Lease = { name: string; holder: string };

/**
 * Runs `work` holding the lease `name` when the store is shared (renewed while it works);
 * null when another process holds it. On a store of its own, or a dry run, it just runs.
 */
async function withLease<T>(
  into: Store | SnapshotTarget,
  name: string,
  options: SyncOptions,
  work: (lease?: Lease) => Promise<T>,
): Promise<T | null> {
  if (isTarget(into) || !into.shared) return work();
  const store = into;
  const lease = { name, holder: options.leaseHolder ?? LEASE_HOLDER };
  const ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!(await leases.acquire(store, lease.name, lease.holder, ttl))) return null;
  // Renewed while the source is read and written; a renewal that fails leaves the write to the fence.
  const heartbeat = setInterval(
    () => leases.renew(store, lease.name, lease.holder, ttl).catch(() => false),
    Math.max(100, Math.floor(ttl / 3)),
  );
  heartbeat.unref();
  try {
    return await work(lease);
  } finally {
    clearInterval(heartbeat);
    await leases.release(store, lease.name, lease.holder).catch(() => {});
  }
}

// Paths are shown relative to the project so no machine path leaks into the graph.
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).split(`${process.cwd()}/`).join('');

const skippedReport = (
  agency: AgencyConfig,
  id: string,
  started: Date,
  ctx: AdapterContext,
  why: string,
  accepted = 0,
): SyncReport => ({
  sourceId: id,
  agencyId: agency.id,
  outcome: 'skipped',
  read: 0,
  filtered: 0,
  skipped: [],
  accepted,
  rejected: [],
  warnings: [],
  sample: [],
  error: why,
  durationMs: ctx.clock().getTime() - started.getTime(),
});

export async function syncSource(
  into: Store | SnapshotTarget,
  agency: AgencyConfig,
  source: SourceConfig,
  ctx: AdapterContext,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const started = ctx.clock();
  const id = sourceId(agency, source);
  // One span per sync run (agency fetches below it carry its traceparent) when tracing is on.
  return trace.getTracer('madoguchi').startActiveSpan(`sync ${id}`, async (span) => {
    try {
      const held = await withLease(into, `sync:${id}`, options, (lease) =>
        syncHeld(into, agency, source, ctx, options, lease),
      );
      const report = held ?? skippedReport(agency, id, started, ctx, 'another process is syncing this source');
      span.setAttributes({
        'madoguchi.source': id,
        'madoguchi.outcome': report.outcome,
        'madoguchi.rows.accepted': report.accepted,
        'madoguchi.rows.refused': report.rejected.length,
      });
      if (report.outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: report.error });
      return report;
    } finally {
      span.end();
    }
  });
}

async function syncHeld(
  into: Store | SnapshotTarget,
  agency: AgencyConfig,
  source: SourceConfig,
  ctx: AdapterContext,
  options: SyncOptions,
  lease?: Lease,
): Promise<SyncReport> {
  const target = isTarget(into) ? into : storeTarget(into);
  const started = ctx.clock();
  const id = sourceId(agency, source);
  const location = sourceLocation(agency, source);
  await target.register({
    id,
    agencyId: agency.id,
    name: source.id,
    kind: KINDS[source.kind],
    entity: source.entity,
    location,
  });
  const previous = await target.previous(id);
  const at = () => ctx.clock().toISOString();
  // Another process synced it moments ago (replicas' schedules run side by side): the agency's
  // system is not asked again.
  if (
    !options.force &&
    options.freshWithinMs &&
    previous?.lastAttemptAt &&
    ctx.clock().getTime() - Date.parse(previous.lastAttemptAt) < options.freshWithinMs
  ) {
    return skippedReport(agency, id, started, ctx, 'synced moments ago', previous.acceptedCount);
  }
  const report = (
    outcome: SyncReport['outcome'],
    accepted: number,
    summary?: IngestSummary,
    extra: Partial<SyncReport> = {},
  ): SyncReport => ({
    sourceId: id,
    agencyId: agency.id,
    outcome,
    read: summary?.read ?? 0,
    filtered: summary?.filtered ?? 0,
    skipped: summary?.skipped ?? [],
    accepted,
    rejected: summary?.rejected ?? [],
    warnings: summary?.warnings ?? [],
    sample: [],
    ...extra,
    durationMs: ctx.clock().getTime() - started.getTime(),
  });
  let summary: IngestSummary | undefined;
  try {
    // Read: the I/O part.
    const adapter = createAdapter(agency, source)(ctx);
    const state =
      options.force || previous?.status !== 'OK'
        ? { etag: null, lastModified: null }
        : { etag: previous.etag, lastModified: previous.lastModified };
    const outcome = await adapter.read(state);
    // The stored snapshot is always the one content_hash names, also after failed attempts: the
    // same bytes again (say, once a flaky server is back) rewrite nothing.
    const sameAsStored =
      !options.force &&
      previous?.lastSuccessAt != null &&
      outcome.status !== 'not-modified' &&
      outcome.contentHash === previous.contentHash;
    if (outcome.status === 'not-modified' || sameAsStored) {
      await target.unchanged(id, at());
      const kept = {
        since: previous?.lastChangedAt ?? null,
        accepted: previous?.acceptedCount ?? 0,
        refused: previous?.rejectedCount ?? 0,
      };
      return report('unchanged', kept.accepted, undefined, { kept });
    }
    // Prepare: the CPU part, on a worker when the file is large and a pool is given.
    const fetchedAt = at();
    const job: PrepareJob = {
      agency,
      source,
      input: 'body' in outcome ? { body: outcome.body } : { records: outcome.records, rejections: outcome.rejections },
      provenance: {
        sourceId: id,
        agencyId: agency.id,
        sourceKind: KINDS[source.kind],
        sourceLocation: location,
        fetchedAt,
        contentHash: outcome.contentHash,
      },
      sample: options.sample,
      recordKeySecret: source.entity === 'consultation' ? await target.recordKeySecret() : undefined,
    };
    const offload =
      options.pool && 'body' in outcome && outcome.body.length >= (options.offloadMinBytes ?? OFFLOAD_MIN_BYTES);
    const prepared: PrepareResult = offload ? await options.pool!.prepare(job) : await prepareSource(job);
    summary = prepared.summary;
    if (!prepared.ok) throw new AdapterError(prepared.message, prepared.code);
    // Write.
    const result = await target.replace({
      sourceId: id,
      entity: source.entity,
      encoded: prepared.encoded,
      rejections: prepared.summary.rejected,
      contentHash: outcome.contentHash,
      etag: outcome.etag,
      lastModified: outcome.lastModified,
      at: fetchedAt,
      lease,
    });
    const done = { ...prepared.summary, rejected: result.rejected };
    ctx.logger.info(
      {
        source: id,
        read: done.read,
        accepted: result.accepted,
        rejected: done.rejected.length,
        filtered: done.filtered,
        skipped: done.skipped.length,
        warnings: done.warnings.reduce((n, w) => n + w.count, 0),
      },
      'source synced',
    );
    if (done.rejected.length > 0)
      ctx.logger.warn(
        {
          source: id,
          reasons: topReasons(done.rejected, 3).map((t) => `${t.count} × ${t.field ? `${t.field}: ` : ''}${t.reason}`),
        },
        'rows refused',
      );
    if (done.skipped.length > 0)
      ctx.logger.info(
        { source: id, skipped: done.skipped.length, examples: done.skipped.slice(0, 3) },
        'rows skipped as not records',
      );
    // Firms' growth signals follow the consultations (a sync run refreshes once, after them all).
    if (source.entity === 'consultation' && !options.deferGrowthRefresh && !isTarget(into))
      await refreshGrowth(into, ctx);
    return report('updated', result.accepted, done, { sample: prepared.sample });
  } catch (e) {
    // The lease ran out mid-sync and another process has the source now: its state is theirs to write.
    if (e instanceof LeaseLostError) return report('skipped', 0, undefined, { error: e.message });
    const message = messageOf(e);
    // Every row refused: the refused rows are kept with the error, so the agency sees why.
    const refused = summary && summary.rejected.length > 0 ? summary.rejected : undefined;
    await target.failed(id, at(), message, refused);
    ctx.logger.warn(
      { source: id, err: message, samples: refused?.slice(0, 3).map(describeRejection) },
      'source sync failed; last good data kept',
    );
    return report('failed', 0, summary, { error: message });
  }
}

/**
 * Stores the agency's own organization, from its file's `organization:` (or, without one, from
 * its name), so that its programmes always have a provider; a directory source listing the agency
 * under its id takes precedence. Recorded as the agency's source "organization" of kind CONFIG,
 * which exists only while it provides the agency's entry.
 */
export async function syncDeclaredOrganization(
  into: Store | SnapshotTarget,
  agency: AgencyConfig,
  ctx: AdapterContext,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const started = ctx.clock();
  const id = sourceId(agency, { id: ORGANIZATION_SOURCE_ID });
  const held = await withLease(into, `sync:${id}`, options, () => declare(into, agency, ctx));
  return held ?? skippedReport(agency, id, started, ctx, 'another process is syncing this source');
}

async function declare(into: Store | SnapshotTarget, agency: AgencyConfig, ctx: AdapterContext): Promise<SyncReport> {
  const target = isTarget(into) ? into : storeTarget(into);
  const started = ctx.clock();
  const id = sourceId(agency, { id: ORGANIZATION_SOURCE_ID });
  const location = displayLocation(agency.file);
  const at = ctx.clock().toISOString();
  const registration: SourceRegistration = {
    id,
    agencyId: agency.id,
    name: ORGANIZATION_SOURCE_ID,
    kind: 'CONFIG',
    entity: 'organization',
    location,
  };
  const mapping = declarationMapping(agency);
  const contentHash = sha256(JSON.stringify(mapping));
  const base = { sourceId: id, agencyId: agency.id, read: 1, filtered: 0, skipped: [], warnings: [], sample: [] };
  // The file was validated at load, declaration included: this only fails if that check was bypassed.
  const mapped = mapRecord('organization', mapping, {}, 0, agency.id);
  if (!mapped.ok) {
    await target.register(registration);
    await target.failed(id, at, mapped.rejection.reason);
    return {
      ...base,
      outcome: 'failed',
      accepted: 0,
      rejected: [mapped.rejection],
      error: mapped.rejection.reason,
      durationMs: ctx.clock().getTime() - started.getTime(),
    };
  }
  const record = {
    ...mapped.fields,
    sourceId: id,
    agencyId: agency.id,
    sourceKind: 'CONFIG',
    sourceLocation: location,
    fetchedAt: at,
    contentHash,
    sourceRow: null,
  } as unknown as OrganizationRecord;
  const result = await target.declared({ source: registration, record, contentHash, at });
  return {
    ...base,
    outcome: result.unchanged ? 'unchanged' : 'updated',
    accepted: result.accepted,
    rejected: [],
    ...(result.listedBy ? { listedBy: result.listedBy } : {}),
    sample: [record],
    durationMs: ctx.clock().getTime() - started.getTime(),
  };
}

/** Recomputes every firm's growth signals and score; a failure is logged, the sync stands. */
export async function refreshGrowth(store: Store, ctx: AdapterContext): Promise<void> {
  try {
    const r = await refreshSignals(store, { now: ctx.clock() });
    ctx.logger.info({ firms: r.firms, ms: Math.round(r.ms) }, 'growth signals refreshed');
  } catch (e) {
    ctx.logger.warn({ err: (e as Error).message }, 'growth signals refresh failed; previous signals kept');
  }
}

/**
 * Syncs every source of every agency: directories first, so providers exist before programmes,
 * then each agency's declared organization where no directory lists it, then the rest. Large
 * spreadsheets are prepared on worker threads: the given `pool`, which stays open, or one of
 * `workers` threads (default defaultWorkerCount()) for this run only.
 */
export async function syncAll(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  options: SyncOptions & { concurrency?: number; workers?: number } = {},
): Promise<SyncReport[]> {
  if (options.pool) return syncPhases(store, agencies, ctx, options);
  const workers = options.workers ?? defaultWorkerCount();
  const pool = workers > 0 ? createPreparePool(workers) : undefined;
  try {
    return await syncPhases(store, agencies, ctx, { ...options, pool });
  } finally {
    await pool?.close();
  }
}

async function syncPhases(
  store: Store,
  agencies: AgencyConfig[],
  ctx: AdapterContext,
  options: SyncOptions & { concurrency?: number },
): Promise<SyncReport[]> {
  const jobs = agencies.flatMap((a) => a.sources.map((s) => ({ a, s })));
  // Committee minutes come last: they name firms the consultations describe.
  const order = { organization: 0, program: 1, consultation: 2, committee: 3 } as const;
  const reports: SyncReport[] = [];
  for (const phase of [0, 1, 2, 3]) {
    if (phase === 3) {
      const logs = new Set(jobs.filter((j) => j.s.entity === 'consultation').map((j) => sourceId(j.a, j.s)));
      const changed = reports.some((r) => r.outcome === 'updated' && logs.has(r.sourceId));
      if (changed || (logs.size > 0 && (await growthRefreshDue(store)))) await refreshGrowth(store, ctx);
    }
    const batch = jobs.filter((j) => order[j.s.entity] === phase);
    // Reading sources overlaps; the embedded store serializes writes itself.
    const limit = options.concurrency ?? 4;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(limit, batch.length) }, async () => {
        while (next < batch.length) {
          const { a, s } = batch[next++];
          reports.push(await syncSource(store, a, s, ctx, { ...options, deferGrowthRefresh: true }));
        }
      }),
    );
    // With the directory in, each agency's own entry where the directory has none; a run of
    // consultation logs alone (a first start syncs them beside the directory) leaves it to that.
    if (phase === 0 && (jobs.length === 0 || jobs.some((j) => j.s.entity !== 'consultation'))) {
      for (const a of agencies) reports.push(await syncDeclaredOrganization(store, a, ctx, options));
    }
  }
  return reports;
}

function displayLocation(location: string): string {
  if (/^https?:\/\//.test(location)) return location;
  const root = process.cwd();
  return location.startsWith(root + '/') ? relative(root, location) : location;
}
