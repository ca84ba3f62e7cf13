/**
 * `npm start`: the whole embedded default in one process. The gateway runs on the main thread;
 * the store (the PostgreSQL at DATABASE_URL, which any number of such processes and replicas may
 * share, else PGlite in MADOGUCHI_DATA_DIR, default .data/), the syncs of the agencies' sources
 * (with the demo agencies' stand-in systems unless MADOGUCHI_DEMO is off) and their schedule, and
 * the subgraphs run on a worker thread (./backend), so no store query or sync can hold up the
 * gateway's own answers (/healthz, limits, timeouts). The gateway listens on PORT (default 4000).
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { resolve } from 'node:path';
import type pino from 'pino';
import { identitySecret } from '../server/identity';
import type { SyncReport } from '../adapters/sync/sync';
// Types only: the gateway's modules (seconds of loading) are required once the back end's thread
// is started, so the two load side by side (see startEmbedded).
import type { GatewayOptions, RunningGateway } from '../gateway/gateway';
import { subgraphEndpoints } from '../gateway/gatewaySettings';
import { SUPERGRAPH_FILE } from '../gateway/supergraph';
import { limitsOf } from '../server/limits';
import { defaultSettings, type Settings } from '../server/settings';
import { createLogger } from '../server/logging';
import type { AuthConfig } from '../gateway/auth';
import { startBackendWorker, type BackendHandle, type BackendSubgraph, type SyncMode } from './backend';
import { begin } from './process';
import { productionWarnings } from './productionChecks';
import { recordLiveSources } from '../store/liveSources';
import { LOST_LOCK_EXIT, takeDataDir } from '../store/engine/dataDirLock';

export interface EmbeddedOptions {
  /** Every setting (server/settings.ts); the options below override single ones. Default: the schema's defaults. */
  settings?: Settings;
  /** Run the demo agencies' stand-in systems for the agency files to read (default MADOGUCHI_DEMO, unless MADOGUCHI_DEMO_URL names running ones). */
  demo?: boolean;
  /** PGlite data directory (default MADOGUCHI_DATA_DIR or .data). */
  dataDir?: string;
  /** Start from this store dump, in memory, instead of a data directory (tests, benches). */
  storeDump?: Uint8Array;
  /** A PostgreSQL server (default DATABASE_URL unless `dataDir` or `storeDump` is given). */
  databaseUrl?: string;
  agenciesDir?: string;
  port?: number;
  host?: string;
  /** When to sync: wait for all, in the background, wait for the directory on a first start only (auto), or never. */
  sync?: SyncMode;
  /** A frozen clock for programme statuses and records written (tests). */
  now?: Date;
  logger?: pino.Logger;
  auth?: AuthConfig;
  /** Further gateway settings (response cache, safelist, subgraph fetching…). */
  gateway?: Partial<GatewayOptions>;
}

export interface Embedded {
  /** The store, queried on its own thread. */
  store: BackendHandle['store'];
  gateway: RunningGateway;
  subgraphs: Record<string, BackendSubgraph>;
  syncReports: Promise<SyncReport[]>;
  /** Syncs one source now on the store's thread; a change empties the response cache. */
  syncSource: BackendHandle['syncSource'];
  /** Settles with why when the store thread ends without being closed (BackendHandle.stopped). */
  stopped: Promise<Error>;
  close(): Promise<void>;
}

/** Whether a start runs the demo's stand-ins: MADOGUCHI_DEMO, unless MADOGUCHI_DEMO_URL names ones already running. */
export function runsDemo(settings: Pick<Settings, 'demo' | 'demoUrl'>): boolean {
  return settings.demo && !settings.demoUrl;
}

/** How a process that lost its data directory, or its store thread, ends (EX_SOFTWARE). */
const STOPPED_EXIT = LOST_LOCK_EXIT;
/** Set once this process lost its data directory's lock: however the start ends, it ends with STOPPED_EXIT. */
let lockLost = false;

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  const settings = options.settings ?? defaultSettings();
  const logger = options.logger ?? createLogger(settings);
  const secret = options.gateway?.identitySecret ?? identitySecret(settings);
  // The subgraphs bound each request as the gateway does: the same object budget, and a cost
  // limit that follows the gateway's (its estimate, with real representation counts).
  const limits = { ...limitsOf(settings), ...options.gateway?.limits };
  // An explicit store (a folder or a dump) wins; otherwise DATABASE_URL, else the data folder.
  const explicitStore = options.dataDir !== undefined || options.storeDump !== undefined;
  // The gateway is built and started (its schema, query planner, caches: seconds of this thread)
  // while the back end opens the store and syncs on its own thread, against subgraph ports
  // reserved here; it listens once the back end is ready. Should a reserved port have been taken
  // meanwhile, the gateway is built again with the ports the subgraphs got.
  const supergraphSdl = options.gateway?.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const names = Object.keys(subgraphEndpoints(supergraphSdl));
  const ports = await reservePorts(names.length);
  const subgraphPorts = Object.fromEntries(names.map((name, i) => [name, ports[i]]));
  const agenciesDir = resolve(options.agenciesDir ?? settings.agenciesDir);
  let demoEnvKnown!: (demoEnv: Record<string, string>) => void;
  const demoEnv = new Promise<Record<string, string>>((r) => (demoEnvKnown = r));
  const halt = new AbortController();
  let backendEnded!: () => void;
  const backendGone = new Promise<void>((r) => (backendEnded = r));
  const dataDir = resolve(options.dataDir ?? settings.dataDir);
  const databaseUrl = options.databaseUrl ?? (explicitStore ? undefined : settings.databaseUrl);
  // One process per data directory (store/engine/dataDirLock.ts), taken by this thread (its lock
  // renewed by a keeper thread no store statement holds up): a lost lock stops the whole process,
  // not just the back end.
  const giveBack =
    options.storeDump || databaseUrl
      ? async () => {}
      : await takeDataDir(dataDir, {
          onWait: (holder) =>
            logger.warn(
              { dataDir, pid: holder.pid },
              'the data directory is still locked by a process that no longer runs: waiting for its lock to expire',
            ),
          onLost: (e) => {
            lockLost = true;
            logger.fatal({ err: e.message }, 'stopping so that only one process writes the store');
            // The back end ends first, writing nothing more (its DuckDB closed: a process exiting
            // with it open aborts), within 5 s; then this process.
            halt.abort();
            const deadline = new Promise((r) => setTimeout(r, 5_000).unref());
            void Promise.race([backendGone, deadline]).finally(() => process.exit(STOPPED_EXIT));
          },
        });
  const backendStarting = startBackendWorker(
    {
      settings,
      dataDir,
      storeDump: options.storeDump,
      databaseUrl,
      agenciesDir,
      sync: options.sync ?? 'auto',
      nowMs: options.now?.getTime(),
      logLevel: logger.level,
      identitySecret: secret,
      demo: options.demo ?? runsDemo(settings),
      subgraphLimits: { maxObjects: limits.maxObjects, maxCost: Math.max(500_000, limits.maxCost * 25) },
      subgraphPorts,
      gatewayLimits: limits,
    },
    logger,
    demoEnvKnown,
    { signal: halt.signal, onExit: () => backendEnded() },
  );
  // The back end's thread now boots (loads the store, adapters and subgraphs) while this one loads
  // the gateway's modules.
  const { startGateway } = await import('../gateway/gateway');
  let backend: BackendHandle | undefined;
  // Agencies' own services declared in their files: the back end serves the demo's and keeps
  // their state in the store for the graph's `sources`. They are composed as soon as the demo's
  // services listen, on this thread's idle time while the back end opens the store and syncs.
  const liveOptions = Promise.race([demoEnv, backendStarting.then((b) => b.demoEnv)]).then(async (env) =>
    (await import('./live')).liveOptionsFor(agenciesDir, settings, { ...settings.environment, ...env }, (statuses) =>
      backendStarting
        .then((b) => recordLiveSources(b.store, statuses))
        .catch((e: Error) => logger.warn({ err: e.message }, 'live sources: state not stored')),
    ),
  );
  const gatewayOptions = (subgraphUrls: Record<string, string>, beforeListen?: Promise<unknown>) => ({
    settings,
    ...options.gateway,
    supergraphSdl,
    identitySecret: secret,
    port: options.port ?? 4000,
    host: options.host,
    auth: options.auth,
    logger,
    beforeListen,
    readinessChecks: {
      // The store answers on its own thread; a stuck or stopped thread fails the check.
      store: () =>
        Promise.race([
          backend!.store.query('select 1').then(() => undefined),
          rejectAfter(2000, 'store did not answer within 2 s'),
        ]),
      // Failing agency sources leave the gateway ready (their last good data is served) but show.
      sources: async () => {
        // Live sources have checks of their own (live:<agency>/<source>).
        const failing = await backend!.store.query<{ id: string }>(
          `select id from sources where status = 'FAILED' and entity <> 'live' order by id`,
        );
        if (failing.length === 0) return;
        const names = failing
          .slice(0, 10)
          .map((f) => f.id)
          .join(', ');
        return `degraded: ${failing.length} source${failing.length === 1 ? '' : 's'} failing (${names}${failing.length > 10 ? ', …' : ''}); retried with backoff`;
      },
    },
    subgraphUrls,
    // Composed beside the subgraphs once the back end runs; the gateway is built meanwhile and
    // composes them before it listens.
    live: options.gateway?.live ?? liveOptions,
  });
  const urlsOf = (subgraphs: Record<string, BackendSubgraph>) =>
    Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url]));
  const asReserved = backendStarting.then((b) => {
    const moved = names.filter((name) => b.subgraphs[name]?.port !== subgraphPorts[name]);
    if (moved.length) throw new PortsMoved(moved);
  });
  const early = startGateway(
    gatewayOptions(
      Object.fromEntries(names.map((name) => [name, `http://localhost:${subgraphPorts[name]}/graphql`])),
      asReserved,
    ),
  );
  // They settle later on: none is an unhandled rejection meanwhile.
  asReserved.catch(() => {});
  liveOptions.catch(() => {});
  early.catch(() => {});
  let gateway: RunningGateway;
  try {
    backend = await backendStarting;
    gateway = await early.catch((e: unknown) => {
      if (!(e instanceof PortsMoved)) throw e;
      return startGateway(gatewayOptions(urlsOf(backend!.subgraphs)));
    });
  } catch (e) {
    await early.catch(() => {});
    await backend?.close();
    await giveBack();
    throw e;
  }
  // Cached public answers must follow the data: a sync that changed anything drops them.
  backend.onChanged(() => gateway.invalidateResponseCache());
  return {
    store: backend.store,
    gateway,
    subgraphs: backend.subgraphs,
    syncReports: backend.syncReports,
    syncSource: backend.syncSource,
    stopped: backend.stopped,
    async close() {
      // The gateway drains first while the subgraphs keep answering it.
      await gateway.close();
      await backend.close();
      await giveBack();
    },
  };
}

/** A reserved subgraph port was taken before the subgraph could listen on it. */
class PortsMoved extends Error {
  constructor(names: string[]) {
    super(`reserved ports taken for ${names.join(', ')}`);
  }
}

/** `count` loopback ports free right now, each held until all are found so that they differ. */
async function reservePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((done, fail) => {
          const server = createServer();
          server.once('error', fail);
          server.listen(0, '127.0.0.1', () => done(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
}

function rejectAfter(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** `npm start`: settings from the environment, the one start line, then the whole system. */
export function main(options: { sync?: SyncMode } = {}): void {
  const started = Date.now();
  const { settings, logger } = begin({ service: 'embedded', secrets: 'gateway', demo: runsDemo });
  if (settings.mode === 'production') for (const w of productionWarnings(settings)) logger.warn(w);
  const starting = startEmbedded({
    settings,
    logger,
    sync: options.sync,
    port: settings.port,
    host: settings.host,
    // (The gateway reads its authentication from the same settings: authConfigFromSettings.)
    gateway: { identitySecret: settings.identitySecret, cors: { origins: settings.corsOrigins } },
  });
  // The signal handlers are in place before anything is announced: a SIGTERM sent on reading the
  // ready line (or during the start) drains and stops, never meets the default action, which
  // ends the process at once. The gateway must drain first while the subgraphs keep answering
  // it, so handlers installed before these (the tsx runner's, which would end the process at
  // once) give way to them.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${signal}: stopping (draining)`);
    starting
      .then((app) => app.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (e) => {
          logger.error({ err: e instanceof Error ? e.message : String(e) }, 'stopped with an error');
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, stop);
  }
  starting.then(
    (app) => {
      // A store thread that ended by failing leaves nothing to serve: stop, so that systemd or
      // Docker restart the process, rather than answer /healthz 200 with every subgraph gone.
      void app.stopped.then((e) => {
        if (stopping) return;
        stopping = true;
        // Its lock lost, the process is ending already (onLost above).
        if (lockLost) return;
        logger.fatal({ err: e.message }, 'the store thread stopped: stopping');
        process.exit(STOPPED_EXIT);
      });
      if (stopping) return;
      logger.info(
        {
          url: app.gateway.url,
          seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
          subgraphs: Object.fromEntries(Object.entries(app.subgraphs).map(([name, s]) => [name, s.url])),
        },
        `Madoguchi is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${app.gateway.url}`,
      );
    },
    (e) => {
      if (lockLost) return;
      logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'start failed');
      process.exit(1);
    },
  );
}
