/**
 * The embedded start's back end: the store, the agencies' syncs and schedule, the demo agencies'
 * systems and the subgraphs, all on one worker thread. The gateway keeps the main thread to itself,
 * so however long a store query, a sync or a subgraph's work takes, /healthz, /readyz and the
 * gateway's own limits and timeouts keep answering (PGlite runs its queries synchronously on the
 * thread that owns it).
 *
 * `startBackendWorker` (main thread) starts it and talks to it by messages: the subgraphs' URLs
 * once ready, log lines, "data changed" after a sync, the sync reports, and remote store queries
 * (the readiness check, tests). The worker side is `runBackend` below.
 */
import { MessageChannel, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { relog, threadLogger, worker as startWorker } from './threads';
import type { Queryable } from '../store/store';
import type { Limits } from '../server/limits';
import type { SyncReport } from '../adapters/sync/sync';
import type { AgencyConfig, SourceConfig } from '../adapters/core/config';
import type { StatsDimension, StatsFilter } from '../store/stats';
import type { Settings } from '../server/settings';
import { createSyncMetrics } from '../server/processMetrics';

export type SyncMode = 'blocking' | 'background' | 'auto' | 'never';

/** Subgraphs served on a thread of their own rather than on the store's (./subgraphThread.ts). */
const OWN_THREAD = new Set(['consultations']);

/** What the worker is started with: plain data only (it crosses a thread boundary). */
export interface BackendOptions {
  /** Every setting, parsed by the main thread (plain data: it crosses the thread boundary). */
  settings: Settings;
  /** PGlite data directory, which the caller holds (takeDataDir); ignored when `storeDump` or `databaseUrl` is given. */
  dataDir: string;
  /** A PostgreSQL server shared with other processes (DATABASE_URL). */
  databaseUrl?: string;
  /** A dump made by `dumpStore` to load into an in-memory store (tests, benches). */
  storeDump?: Uint8Array;
  agenciesDir: string;
  sync: SyncMode;
  /** A frozen clock (epoch ms) for tests; absent means the real time. */
  nowMs?: number;
  logLevel: string;
  identitySecret: string;
  /** Start the demo agencies' systems for the agency files to read (the embedded default). */
  demo: boolean;
  /** What one request to a subgraph may cost and produce (default: the subgraphs' own). */
  subgraphLimits?: { maxObjects: number; maxCost: number };
  /**
   * Loopback ports the main thread reserved for the subgraphs, so that the gateway can be built
   * while the store opens and syncs; a subgraph whose port was taken meanwhile takes any free one.
   */
  subgraphPorts?: Record<string, number>;
  /** The gateway's limits, which the subgraphs apply too (default: read from the environment). */
  gatewayLimits?: Limits;
}

type FromWorker =
  | { type: 'ready'; subgraphs: Record<string, string>; demoEnv: Record<string, string> }
  | { type: 'demoEnv'; demoEnv: Record<string, string> }
  | { type: 'fatal'; name: string; message: string }
  | { type: 'log'; line: string }
  | { type: 'changed' }
  | { type: 'syncReports'; reports: SyncReport[] }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; message: string };

type ToWorker =
  | { type: 'halt' }
  | { type: 'query'; id: number; sql: string; params: unknown[] }
  | { type: 'closeSubgraph'; id: number; name: string }
  | { type: 'syncSource'; id: number; agency: AgencyConfig; source: SourceConfig; atMs?: number; force?: boolean }
  | { type: 'close'; id: number };

export interface BackendSubgraph {
  url: string;
  port: number;
  /** Stops this subgraph's server (tests of a subgraph going down). */
  close(): Promise<void>;
}

export interface BackendHandle {
  /** The store, reached through the worker: queries run there, on the store's own thread. */
  store: Queryable & { close(): Promise<void> };
  subgraphs: Record<string, BackendSubgraph>;
  syncReports: Promise<SyncReport[]>;
  /** Syncs one source now, on the store's thread (`atMs`: the clock the sync records). */
  syncSource(
    agency: AgencyConfig,
    source: SourceConfig,
    options?: { atMs?: number; force?: boolean },
  ): Promise<SyncReport>;
  /** Called after each sync that changed data. */
  onChanged(listener: () => void): void;
  /**
   * Settles with why when the store thread ends without being closed (it failed): the subgraphs it
   * served are gone, and the process should stop.
   */
  stopped: Promise<Error>;
  /** Where the demo agencies' systems listen (MADOGUCHI_DEMO_URL …), for reading the agency files alike. */
  demoEnv: Record<string, string>;
  close(): Promise<void>;
}

/** An error the back end failed to start with, keeping its kind (AgencyConfigError…) by name. */
export class BackendStartError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Starts the back end on a worker thread and resolves once its subgraphs listen. `onDemoEnv` is
 * told where the demo's systems listen (empty without the demo) as soon as they do, long before.
 */
export function startBackendWorker(
  options: BackendOptions,
  logger: Logger,
  onDemoEnv?: (demoEnv: Record<string, string>) => void,
  /** Aborted: the back end ends at once, writing nothing more (see `halt` in runBackend); `onExit` is told when it has. */
  halt?: { signal: AbortSignal; onExit(): void },
): Promise<BackendHandle> {
  // The worker is this very file (from the sources through tsx's hook, from the build with plain node).
  const worker = startWorker(__filename, options);
  halt?.signal.addEventListener('abort', () => worker.postMessage({ type: 'halt' } satisfies ToWorker), { once: true });
  if (halt) worker.once('exit', () => halt.onExit());
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const changed: Array<() => void> = [];
  let exited = false;
  let closing: Promise<void> | undefined;
  let stoppedWith!: (e: Error) => void;
  const stopped = new Promise<Error>((r) => (stoppedWith = r));
  let settleReports!: (r: SyncReport[]) => void;
  const syncReports = new Promise<SyncReport[]>((r) => (settleReports = r));

  // Omit<> over a union keeps only common keys; distributing it keeps each message's own.
  type Message = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id'> : never) : never;
  const call = (message: Message): Promise<unknown> => {
    if (exited) return Promise.reject(new Error('the store thread has stopped'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as ToWorker);
    });
  };

  return new Promise<BackendHandle>((resolveStart, rejectStart) => {
    let started = false;
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'log':
          relog(logger, m.line, 'backend');
          return;
        case 'demoEnv':
          onDemoEnv?.(m.demoEnv);
          return;
        case 'changed':
          changed.forEach((l) => l());
          return;
        case 'syncReports':
          settleReports(m.reports);
          return;
        case 'reply': {
          const waiting = pending.get(m.id);
          pending.delete(m.id);
          if (m.ok) waiting?.resolve(m.result);
          else waiting?.reject(new Error(m.message));
          return;
        }
        case 'fatal':
          rejectStart(new BackendStartError(m.name, m.message));
          return;
        case 'ready': {
          started = true;
          const subgraphs: Record<string, BackendSubgraph> = {};
          for (const [name, url] of Object.entries(m.subgraphs)) {
            subgraphs[name] = {
              url,
              port: Number(new URL(url).port),
              close: async () => void (await call({ type: 'closeSubgraph', name })),
            };
          }
          const close = () =>
            (closing ??= (async () => {
              if (!exited) {
                await call({ type: 'close' }).catch(() => {});
                await worker.terminate();
              }
            })());
          resolveStart({
            store: {
              query: <T>(sql: string, params: unknown[] = []) => call({ type: 'query', sql, params }) as Promise<T[]>,
              close,
            },
            subgraphs,
            syncReports,
            syncSource: (agency, source, opts = {}) =>
              call({ type: 'syncSource', agency, source, ...opts }) as Promise<SyncReport>,
            onChanged: (l) => void changed.push(l),
            stopped,
            demoEnv: m.demoEnv,
            close,
          });
        }
      }
    });
    worker.on('error', (e) => {
      logger.error({ err: e.message }, 'store thread failed');
      if (!started) rejectStart(e);
    });
    worker.once('exit', (code) => {
      exited = true;
      for (const { reject } of pending.values()) reject(new Error(`the store thread exited (code ${code})`));
      pending.clear();
      settleReports([]);
      if (!started) rejectStart(new Error(`the store thread exited (code ${code}) before it was ready`));
      else if (!closing) stoppedWith(new Error(`the store thread exited (code ${code})`));
    });
  });
}

/** The worker side: opens the store, syncs, serves the subgraphs, and answers the main thread. */
async function runBackend(options: BackendOptions): Promise<void> {
  // The subgraphs' spans, under their own service name (the gateway's thread has its own provider).
  const { startSubgraphsTelemetry } = require('../server/telemetry') as typeof import('../server/telemetry');
  startSubgraphsTelemetry(options.settings);
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  const logger = threadLogger(options.logLevel, (line) => post({ type: 'log', line }));
  // Halted (the data directory's lock was lost: another process may be writing the store), this
  // thread ends without closing the store, which would write to it. Only the columnar mirror is
  // closed first: DuckDB's native handles abort the whole process when a thread ends with them
  // open. Until the start is done this is the only message the main thread can send.
  let halting: Queryable | null | undefined;
  const haltNow = async () => {
    if (halting)
      await (require('../store/columnar') as typeof import('../store/columnar')).closeColumnar(halting).catch(() => {});
    process.exit(0);
  };
  port.on('message', (m: ToWorker) => void (m.type === 'halt' && haltNow()));
  // The demo's stand-ins for the agencies' systems boot on their own thread while this one loads
  // its modules and opens the store.
  const demoStarting =
    options.demo && options.sync !== 'never'
      ? (require('./demoThread') as typeof import('./demoThread')).startDemoThread({
          env: options.settings.environment,
          identitySecret: options.identitySecret,
        })
      : null;
  demoStarting?.catch(() => {});
  // Loaded here, on the worker: the main thread never loads the store, the adapters or the
  // subgraphs. (require, not import(): the worker runs under tsx's CommonJS hook.)
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { openStore } = require('../store/store') as typeof import('../store/store');
  const { onSnapshot } = require('../store/engine/notifications') as typeof import('../store/engine/notifications');
  const { loadAgencyConfigs } = require('../adapters/core/config') as typeof import('../adapters/core/config');
  const { createAdapterContext } = require('../adapters/core/adapter') as typeof import('../adapters/core/adapter');
  const { list: listSources } = require('../store/sources') as typeof import('../store/sources');
  const sync = require('../adapters/sync/sync') as typeof import('../adapters/sync/sync');
  const offload = require('../adapters/sync/offload') as typeof import('../adapters/sync/offload');
  const { scheduleSyncs } = require('../adapters/sync/scheduler') as typeof import('../adapters/sync/scheduler');
  const columnar = require('../store/columnar') as typeof import('../store/columnar');
  const { SUBGRAPHS } = require('../subgraphs') as typeof import('../subgraphs');
  const { startSubgraph } = require('../subgraphs/server') as typeof import('../subgraphs/server');
  const { serveStore } = require('../store/engine/remote') as typeof import('../store/engine/remote');
  const { startSubgraphThread } = require('./subgraphThread') as typeof import('./subgraphThread');
  const demoModule = options.demo && options.sync !== 'never' ? (require('../demo') as typeof import('../demo')) : null;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const mode = options.sync;
  // The parse worker boots (loads its modules) while the store opens and the directory is read,
  // so the consultation logs, the largest part of a first start, are parsed from the outset.
  const settings = options.settings;
  const workers = mode === 'never' ? 0 : offload.defaultWorkerCount(settings.syncWorkers);
  const pool = workers > 0 ? offload.createPreparePool(workers, { eager: true }) : undefined;
  // The agency files' ${VAR} references read the settings' environment, with the demo's own URLs
  // (its stand-ins and its agencies' live services, which the gateway composes) when it runs here.
  const demo = await demoStarting;
  const demoEnv = demo?.env ?? {};
  const env = { ...settings.environment, ...demoEnv };
  post({ type: 'demoEnv', demoEnv });
  const agencies = loadAgencyConfigs(options.agenciesDir, env);
  const store = await openStore(
    options.storeDump
      ? { loadFrom: new Blob([options.storeDump]) }
      : options.databaseUrl
        ? {
            databaseUrl: options.databaseUrl,
            postgres: { applicationName: 'madoguchi-embedded', poolSize: settings.pgPoolSize },
          }
        : {
            dataDir: options.dataDir,
            // Taken by the main thread (embedded.ts), which stops the whole process if it is lost.
            heldByCaller: true,
          },
  );
  halting = store;
  const now = options.nowMs === undefined ? undefined : () => new Date(options.nowMs!);
  const ctx = createAdapterContext({ logger, env });
  let syncReports: Promise<SyncReport[]> = Promise.resolve([]);
  // What the gateway is told to wait for before the subgraphs count as ready: all, the directory or nothing.
  let waitFor: Promise<unknown> | undefined;
  if (mode !== 'never') {
    const only = (entities: string[]) =>
      agencies.map((a) => ({ ...a, sources: a.sources.filter((s) => entities.includes(s.entity)) }));
    const summarize = (reports: SyncReport[]) => {
      const failed = reports.filter((r) => r.outcome === 'failed');
      logger.info(
        {
          updated: reports.filter((r) => r.outcome === 'updated').length,
          unchanged: reports.filter((r) => r.outcome === 'unchanged').length,
          failed: failed.length,
        },
        'sync finished',
      );
      for (const f of failed) logger.warn({ source: f.sourceId, error: f.error }, 'source failed');
      return reports;
    };
    const hasData = (await listSources(store)).some((s) => s.status === 'OK');
    // The directory and programmes are small and are what a first visitor asks for: a first start
    // waits for them, and only then syncs the consultation logs (about 100,000 rows, parsed by the
    // pool's worker, booted meanwhile), which would otherwise take the CPU the directory needs.
    // Other starts sync both at once.
    const directoryFirst = mode === 'auto' && !hasData;
    const directory = sync.syncAll(store, only(['organization', 'program']), ctx, {
      pool,
      leaseTtlMs: settings.leaseTtlMs,
    });
    const consultations = (async () => {
      if (directoryFirst) await directory.catch(() => {});
      else await new Promise((r) => setImmediate(r)); // let the directory's requests go out first
      if (demoModule) {
        const { generated } = await demoModule.ensureDemoData({ consultationDir: settings.consultationDir });
        if (generated) logger.info('demo consultation logs generated');
      }
      // Every log is read and handed to the worker at once: it queues them, and never idles
      // between files while this thread writes the last one.
      return sync.syncAll(store, only(['consultation', 'committee']), ctx, {
        pool,
        concurrency: 32,
        leaseTtlMs: settings.leaseTtlMs,
      });
    })();
    syncReports = Promise.all([directory, consultations])
      .finally(() => pool?.close())
      .then(([first, second]) => summarize([...first, ...second]));
    waitFor = mode === 'blocking' ? syncReports : directoryFirst ? directory : undefined;
  }
  // The consultations subgraph (analysts' tables of thousands of cells, staff's lists) runs on a
  // thread of its own over this thread's store: however large an answer it builds, the store and
  // the other subgraphs (the one-stop search) go on answering here meanwhile. (The programs
  // subgraph stays here: on a thread of its own, each search's check of the index's freshness
  // became a round trip to this thread, and searches were slower in bench:soak, not faster.)
  const subgraphs: Record<string, { url: string; port: number; close(): Promise<void> }> = {};
  const startOne = async (module: (typeof SUBGRAPHS)[number], warmAfter?: Promise<unknown>) => {
    const start = (port: number) => {
      if (!OWN_THREAD.has(module.name))
        return startSubgraph(module, store, {
          warmAfter,
          port,
          now,
          identitySecret: options.identitySecret,
          limits: options.subgraphLimits,
          gatewayLimits: options.gatewayLimits,
          logger,
          settings,
        });
      const channel = new MessageChannel();
      serveStore(store, channel.port1, {
        countStats: (dims: StatsDimension[], filter: StatsFilter | null) => columnar.countStats(store, dims, filter),
      });
      return startSubgraphThread(
        {
          name: module.name,
          settings,
          storePort: channel.port2,
          storeKind: store.kind,
          storeShared: store.shared,
          port,
          nowMs: options.nowMs,
          identitySecret: options.identitySecret,
          limits: options.subgraphLimits,
          gatewayLimits: options.gatewayLimits,
          logLevel: options.logLevel,
        },
        logger,
      ).catch((e: unknown) => {
        channel.port1.close();
        throw e;
      });
    };
    const reserved = options.subgraphPorts?.[module.name] ?? 0;
    subgraphs[module.name] = await start(reserved).catch((e: NodeJS.ErrnoException) => {
      if (reserved === 0 || e.code !== 'EADDRINUSE') throw e;
      return start(0);
    });
  };
  // The subgraphs start (the consultations one boots its thread) while the directory syncs: they
  // read the store per request, and the gateway reaches them only once the sync it waits for is in.
  // One that warms a cache of the data first (the programmes' search index) is built meanwhile too,
  // and warms once that sync is in (a failed sync warms from what the store holds).
  const warmAfter = waitFor?.catch(() => {});
  const started = await Promise.allSettled([
    Promise.all(SUBGRAPHS.map((m) => startOne(m, m.warm ? warmAfter : undefined))),
    waitFor,
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(Object.values(subgraphs).map((s) => s.close().catch(() => {})));
    throw failed.reason;
  }
  // Analysts' statistics and the growth refresh read the columnar mirror: loaded once the first
  // sync is in (loading it beside the sync would read the consultations twice), off this thread.
  syncReports
    .catch(() => {})
    .then(() => columnar.warmColumnar(store))
    .then(() => logger.info("columnar mirror loaded: analysts' statistics count on DuckDB"))
    .catch((e: unknown) =>
      logger.warn({ err: (e as Error).message }, 'columnar mirror not loaded; statistics count in the store'),
    );
  // Cached public answers must follow the data: the main thread drops them after a change.
  // Per-source sync metrics, on every subgraph's /metrics (they share this thread's registry).
  const syncMetrics = createSyncMetrics();
  syncReports.then(
    (reports) => {
      for (const r of reports) syncMetrics.record(r);
      post({ type: 'syncReports', reports });
      if (reports.some((r) => r.outcome === 'updated')) post({ type: 'changed' });
    },
    () => post({ type: 'syncReports', reports: [] }),
  );
  const scheduler =
    mode === 'never'
      ? { stop() {} }
      : scheduleSyncs(
          store,
          agencies,
          ctx,
          (report) => {
            syncMetrics.record(report);
            if (report.outcome === 'updated') post({ type: 'changed' });
          },
          // Sources that failed in this start's first sync are retried with backoff, not after their interval.
          { initial: syncReports, leaseTtlMs: settings.leaseTtlMs },
        );
  // On a shared store (PostgreSQL) other processes sync too: their snapshots arrive by
  // notification, refresh what the subgraphs derive from rows and empty the gateway's cache.
  const unlisten = store.shared
    ? await onSnapshot(store, (change) => {
        // (A subgraph on a thread of its own checks its store's versions itself, per request.)
        for (const module of SUBGRAPHS) if (!OWN_THREAD.has(module.name)) module.onSnapshot?.(store, change);
        post({ type: 'changed' });
      })
    : null;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      scheduler.stop();
      await unlisten?.();
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      await syncReports.catch(() => {});
      await demo?.close();
      await columnar.closeColumnar(store);
      await store.close();
    })());

  port.on('message', (m: ToWorker) => {
    if (m.type === 'halt') return; // taken by the first listener
    const reply = (work: Promise<unknown>) =>
      work.then(
        (result) => post({ type: 'reply', id: m.id, ok: true, result }),
        (e: unknown) =>
          post({ type: 'reply', id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) }),
      );
    switch (m.type) {
      case 'query':
        return void reply(store.query(m.sql, m.params));
      case 'closeSubgraph':
        return void reply(subgraphs[m.name]?.close() ?? Promise.resolve());
      case 'close':
        return void reply(close());
      case 'syncSource': {
        const at = m.atMs;
        const runCtx = at === undefined ? ctx : createAdapterContext({ logger, env, clock: () => new Date(at) });
        return void reply(
          sync
            .syncSource(store, m.agency, m.source, runCtx, { force: m.force, leaseTtlMs: settings.leaseTtlMs })
            .then((report) => {
              if (report.outcome === 'updated') post({ type: 'changed' });
              return report;
            }),
        );
      }
    }
  });
  post({
    type: 'ready',
    subgraphs: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
    demoEnv,
  });
}

if (!isMainThread && (workerData as BackendOptions | undefined)?.agenciesDir) {
  runBackend(workerData as BackendOptions).catch((e: unknown) => {
    parentPort!.postMessage({
      type: 'fatal',
      name: e instanceof Error ? e.name : 'Error',
      message: e instanceof Error ? e.message : String(e),
    } satisfies FromWorker);
  });
}
