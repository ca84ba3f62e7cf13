/**
 * The sync engine: reads a source through its adapter, maps and validates every record, and
 * replaces the source's snapshot atomically. Unchanged content writes nothing; a failure keeps
 * the last good snapshot and marks it stale with the error, for the graph to show. On a store
 * that several processes share, a sync first takes the source's lease (store/leases.ts), renews
 * it while it works and writes only while it still holds it: one process syncs a source at a
 * time, and a process that dies mid-sync leaves the old snapshot for the next lease holder.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AgencyConfig, SourceConfig, SpreadsheetSourceConfig } from '../core/config';
import { AdapterError, sha256, type Adapter, type AdapterContext, type ReadOutcome } from '../core/adapter';
import { createSpreadsheetAdapter, resolveLocation } from '../spreadsheet';
import { createWebsiteAdapter } from '../website';
import { createApiAdapter } from '../api';
import { markFailed, markUnchanged, registerSource, replaceSource, type EncodedRecords } from '../../store/ingest';
import { get as getSource } from '../../store/sources';
import * as leases from '../../store/leases';
import { LeaseLostError } from '../../store/errors';
import { growthRefreshDue, refreshGrowthSignals } from '../../store/signals';
import type { EntityRecord, RowRejection, SourceKind } from '../../domain/records';
import type { Store } from '../../store/store';
import { OFFLOAD_MIN_BYTES, createPreparePool, defaultWorkerCount, encodeSpreadsheet, type PreparePool } from './offload';
import { prepareSnapshot } from './prepare';

export interface SyncReport {
  sourceId: string;
  agencyId: string;
  /** `skipped`: another process holds the source's lease (it is syncing it), or synced it moments ago. */
  outcome: 'updated' | 'unchanged' | 'failed' | 'skipped';
  accepted: number;
  rejected: RowRejection[];
  error?: string;
  durationMs: number;
}

export const KINDS: Record<SourceConfig['kind'], SourceKind> = { spreadsheet: 'SPREADSHEET', website: 'WEBSITE', api: 'API' };

export function sourceId(agency: { id: string }, source: { id: string }): string {
  return `${agency.id}/${source.id}`;
}

export function createAdapter(agency: AgencyConfig, source: SourceConfig): (ctx: AdapterContext) => Adapter {
  switch (source.kind) {
    case 'spreadsheet':
      return createSpreadsheetAdapter(source, agency.dir);
    case 'website':
      return createWebsiteAdapter(source);
    case 'api':
      return createApiAdapter(source);
  }
}

/** How a source's location is shown and stored: a URL as is, a file relative to the project. */
export function sourceLocation(agency: AgencyConfig, source: SourceConfig): string {
  return displayLocation(resolveLocation(source.location, agency.dir));
}

/** This process, as lease holders are named: host, pid and a random part (pids are reused). */
export const LEASE_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** How long a sync's lease lasts without renewal (MADOGUCHI_LEASE_TTL_MS, default 30 s); renewed every third of it. */
export function leaseTtlFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.MADOGUCHI_LEASE_TTL_MS;
  const n = v === undefined || v === '' ? 30_000 : Number(v);
  if (!Number.isInteger(n) || n < 500) throw new Error(`MADOGUCHI_LEASE_TTL_MS must be an integer of at least 500 (ms), got "${v}"`);
  return n;
}

export async function syncSource(
  store: Store,
  agency: AgencyConfig,
  source: SourceConfig,
  ctx: AdapterContext,
  options: SyncOptions = {},
): Promise<SyncReport> {
  if (!store.shared) return syncHeld(store, agency, source, ctx, options);
  const started = ctx.clock();
  const id = sourceId(agency, source);
  const lease = { name: `sync:${id}`, holder: options.leaseHolder ?? LEASE_HOLDER };
  const ttl = options.leaseTtlMs ?? leaseTtlFromEnv();
  const skipped = (why: string): SyncReport => ({ sourceId: id, agencyId: agency.id, outcome: 'skipped', accepted: 0, rejected: [], error: why, durationMs: ctx.clock().getTime() - started.getTime() });
  if (!(await leases.acquire(store, lease.name, lease.holder, ttl))) return skipped('another process is syncing this source');
  // Renewed while the source is read and written; a renewal that fails leaves the write to the fence.
  const heartbeat = setInterval(() => leases.renew(store, lease.name, lease.holder, ttl).catch(() => false), Math.max(100, Math.floor(ttl / 3)));
  heartbeat.unref();
  try {
    return await syncHeld(store, agency, source, ctx, { ...options, lease });
  } finally {
    clearInterval(heartbeat);
    await leases.release(store, lease.name, lease.holder).catch(() => {});
  }
}

async function syncHeld(
  store: Store,
  agency: AgencyConfig,
  source: SourceConfig,
  ctx: AdapterContext,
  options: SyncOptions & { lease?: { name: string; holder: string } },
): Promise<SyncReport> {
  const started = ctx.clock();
  const id = sourceId(agency, source);
  const location = sourceLocation(agency, source);
  await registerSource(store, { id, agencyId: agency.id, name: source.id, kind: KINDS[source.kind], entity: source.entity, location });
  const previous = await getSource(store, id);
  const at = () => ctx.clock().toISOString();
  const report = (outcome: SyncReport['outcome'], accepted: number, rejected: RowRejection[], error?: string): SyncReport => ({
    sourceId: id,
    agencyId: agency.id,
    outcome,
    accepted,
    rejected,
    error,
    durationMs: ctx.clock().getTime() - started.getTime(),
  });
  // Another process synced it moments ago (replicas' schedules run side by side): the agency's
  // system is not asked again.
  if (!options.force && options.freshWithinMs && previous?.lastAttemptAt && ctx.clock().getTime() - Date.parse(previous.lastAttemptAt) < options.freshWithinMs) {
    return report('skipped', previous.acceptedCount, [], 'synced moments ago');
  }
  try {
    const adapter = createAdapter(agency, source)(ctx);
    const state = options.force || previous?.status !== 'OK' ? { etag: null, lastModified: null } : { etag: previous.etag, lastModified: previous.lastModified };
    // A spreadsheet is fetched here and, when large and a pool is given, parsed on a worker.
    const offload = options.pool && store.copyFromCsv && source.kind === 'spreadsheet' && adapter.load ? options.pool : undefined;
    let outcome: ReadOutcome | { status: 'loaded'; body: Buffer; contentHash: string; etag: string | null; lastModified: string | null };
    if (offload) {
      const loaded = await adapter.load!(state);
      outcome = loaded.status === 'not-modified' ? loaded : { status: 'loaded', body: loaded.body, contentHash: sha256(loaded.body), etag: loaded.etag, lastModified: loaded.lastModified };
    } else {
      outcome = await adapter.read(state);
    }
    // The stored snapshot is always the one content_hash names, also after failed attempts: the
    // same bytes again (say, once a flaky server is back) rewrite nothing.
    const sameAsStored = !options.force && previous?.lastSuccessAt != null && outcome.status !== 'not-modified' && outcome.contentHash === previous.contentHash;
    if (outcome.status === 'not-modified' || sameAsStored) {
      await markUnchanged(store, id, at());
      return report('unchanged', previous?.acceptedCount ?? 0, []);
    }
    const fetchedAt = at();
    const provenance = { sourceId: id, agencyId: agency.id, sourceKind: KINDS[source.kind], sourceLocation: location, fetchedAt };
    let prepared: { records: EntityRecord[]; rejections: RowRejection[]; encoded?: EncodedRecords };
    if (outcome.status === 'loaded') {
      const job = { agency, source: source as SpreadsheetSourceConfig, body: outcome.body, provenance: { ...provenance, contentHash: outcome.contentHash } };
      const result = outcome.body.length >= (options.offloadMinBytes ?? OFFLOAD_MIN_BYTES) ? await offload!.prepare(job) : await encodeSpreadsheet(job);
      if (!result.ok) throw new AdapterError(result.message, result.code);
      prepared = { records: [], rejections: result.rejections, encoded: result.encoded };
    } else {
      prepared = prepareSnapshot(agency, source, outcome, provenance);
    }
    const result = await replaceSource(store, {
      sourceId: id,
      entity: source.entity,
      ...prepared,
      contentHash: outcome.contentHash,
      etag: outcome.etag,
      lastModified: outcome.lastModified,
      at: fetchedAt,
      lease: options.lease,
    });
    ctx.logger.info({ source: id, accepted: result.accepted, rejected: result.rejected.length }, 'source synced');
    // Firms' growth signals follow the consultations (a sync run refreshes once, after them all).
    if (source.entity === 'consultation' && !options.deferGrowthRefresh) await refreshGrowth(store, ctx);
    return report('updated', result.accepted, result.rejected);
  } catch (e) {
    // The lease ran out mid-sync and another process has the source now: its state is theirs to write.
    if (e instanceof LeaseLostError) return report('skipped', 0, [], e.message);
    // Paths are shown relative to the project so no machine path leaks into the graph.
    const message = (e instanceof Error ? e.message : String(e)).split(`${process.cwd()}/`).join('');
    await markFailed(store, id, at(), message);
    ctx.logger.warn({ source: id, err: message }, 'source sync failed; last good data kept');
    return report('failed', 0, [], message);
  }
}

export interface SyncOptions {
  /** Rewrite even when the content is unchanged. */
  force?: boolean;
  /** Worker threads that parse large spreadsheets; without, everything runs in place. */
  pool?: PreparePool;
  /** Spreadsheets at least this large go to the pool (default OFFLOAD_MIN_BYTES). */
  offloadMinBytes?: number;
  /** Skip a source attempted less than this long ago (by any process); not with `force`. */
  freshWithinMs?: number;
  /** Shared store: who takes the lease (default LEASE_HOLDER, this process) and for how long. */
  leaseHolder?: string;
  leaseTtlMs?: number;
  /** Leave the growth signals to the caller, which refreshes them once for many sources. */
  deferGrowthRefresh?: boolean;
}

/** Recomputes every firm's growth signals and score; a failure is logged, the sync stands. */
export async function refreshGrowth(store: Store, ctx: AdapterContext): Promise<void> {
  try {
    const r = await refreshGrowthSignals(store, { now: ctx.clock() });
    ctx.logger.info({ firms: r.firms, ms: Math.round(r.ms) }, 'growth signals refreshed');
  } catch (e) {
    ctx.logger.warn({ err: (e as Error).message }, 'growth signals refresh failed; previous signals kept');
  }
}

/**
 * Syncs every source of every agency: directories first, so providers exist before programmes.
 * Large spreadsheets are parsed on worker threads: the given `pool`, which stays open, or one
 * of `workers` threads (default defaultWorkerCount()) for this run only.
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
  jobs.sort((x, y) => order[x.s.entity] - order[y.s.entity]);
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
  }
  return reports;
}

function displayLocation(location: string): string {
  if (/^https?:\/\//.test(location)) return location;
  const root = process.cwd();
  return location.startsWith(root + '/') ? location.slice(root.length + 1) : location;
}
