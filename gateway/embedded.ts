/**
 * `npm start`: the whole embedded default in one process. Opens the PGlite store in
 * MADOGUCHI_DATA_DIR (default .data/), syncs the demo agencies' sources, starts the
 * subgraphs and the gateway on PORT (default 4000), and keeps sources fresh on their intervals.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { loadAgencyConfigs, AgencyConfigError } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { openStore, type Store } from '../store/store';
import { list as listSources } from '../store/sources';
import { syncAll, type SyncReport } from '../adapters/sync/sync';
import { createPreparePool, defaultWorkerCount } from '../adapters/sync/offload';
import { scheduleSyncs } from '../adapters/sync/scheduler';
import { ensureDemoData } from '../demo';
import { startDemoAgencyServers } from '../demo/servers';
import { SUBGRAPHS } from '../subgraphs';
import { startSubgraph } from '../subgraphs/server';
import { startGateway, type GatewayOptions, type RunningGateway } from './gateway';
import type { RunningServer } from '../subgraphs/shared/http';
import type { AuthConfig } from './auth';

export interface EmbeddedOptions {
  store?: Store;
  dataDir?: string;
  agenciesDir?: string;
  port?: number;
  host?: string;
  /** Skip syncing (tests that start from a prepared store). */
  sync?: 'blocking' | 'background' | 'auto' | 'never';
  now?: () => Date;
  logger?: pino.Logger;
  auth?: AuthConfig;
  /** Further gateway settings (response cache, safelist, subgraph fetching…). */
  gateway?: Partial<GatewayOptions>;
}

export interface Embedded {
  store: Store;
  gateway: RunningGateway;
  subgraphs: Record<string, RunningServer>;
  syncReports: Promise<SyncReport[]>;
  close(): Promise<void>;
}

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const agenciesDir = resolve(options.agenciesDir ?? process.env.MADOGUCHI_AGENCIES_DIR ?? 'agencies');
  const mode = options.sync ?? 'auto';
  // The parse worker boots (loads its modules) while the store opens and the directory is read,
  // so the consultation logs, the largest part of a first start, are parsed from the outset.
  const workers = mode === 'never' ? 0 : defaultWorkerCount();
  const pool = workers > 0 ? createPreparePool(workers, { eager: true }) : undefined;
  // The local stand-ins for the agencies' web sites, APIs and files, for as long as the app runs.
  const demo = mode !== 'never' && !process.env.MADOGUCHI_DEMO_URL ? await startDemoAgencyServers({ port: 0 }) : null;
  const agencies = loadAgencyConfigs(agenciesDir, demo ? { ...process.env, MADOGUCHI_DEMO_URL: demo.baseUrl } : process.env);
  const store = options.store ?? (await openStore({ dataDir: resolve(options.dataDir ?? process.env.MADOGUCHI_DATA_DIR ?? '.data') }));
  const ctx = createAdapterContext({ logger });
  let syncReports: Promise<SyncReport[]> = Promise.resolve([]);
  if (mode !== 'never') {
    const only = (entities: string[]) => agencies.map((a) => ({ ...a, sources: a.sources.filter((s) => entities.includes(s.entity)) }));
    const summarize = (reports: SyncReport[]) => {
      const failed = reports.filter((r) => r.outcome === 'failed');
      logger.info(
        { updated: reports.filter((r) => r.outcome === 'updated').length, unchanged: reports.filter((r) => r.outcome === 'unchanged').length, failed: failed.length },
        'sync finished',
      );
      for (const f of failed) logger.warn({ source: f.sourceId, error: f.error }, 'source failed');
      return reports;
    };
    const hasData = (await listSources(store)).some((s) => s.status === 'OK');
    // The directory and programmes are small and are what a first visitor asks for: a first start
    // waits for them. The consultation logs (about 100,000 rows) are generated while the directory
    // is fetched from the agencies' sites and synced alongside it, in the background.
    const directory = syncAll(store, only(['organization', 'program']), ctx, { pool });
    const consultations = (async () => {
      await new Promise((r) => setImmediate(r)); // let the directory's requests go out first
      const { generated } = await ensureDemoData();
      if (generated) logger.info('demo consultation logs generated');
      // Every log is read and handed to the worker at once: it queues them, and never idles
      // between files while the main thread writes the last one.
      return syncAll(store, only(['consultation', 'committee']), ctx, { pool, concurrency: 32 });
    })();
    syncReports = Promise.all([directory, consultations])
      .finally(() => pool?.close())
      .then(([first, second]) => summarize([...first, ...second]));
    if (mode === 'blocking') await syncReports;
    else if (mode === 'auto' && !hasData) await directory;
  }
  const subgraphs: Record<string, RunningServer> = {};
  for (const module of SUBGRAPHS) {
    subgraphs[module.name] = await startSubgraph(module, store, { port: 0, now: options.now });
  }
  const gateway = await startGateway({
    ...options.gateway,
    port: options.port ?? 4000,
    host: options.host,
    auth: options.auth,
    logger,
    readinessChecks: {
      store: async () => {
        await store.query('select 1');
      },
    },
    subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
  });
  // Cached public answers must follow the data: a sync that changed anything drops them.
  syncReports.then(() => gateway.invalidateResponseCache(), () => {});
  const scheduler =
    mode === 'never'
      ? { stop() {} }
      : scheduleSyncs(store, agencies, ctx, (report) => {
          if (report.outcome === 'updated') gateway.invalidateResponseCache();
        });
  return {
    store,
    gateway,
    subgraphs,
    syncReports,
    async close() {
      scheduler.stop();
      await gateway.close();
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      await syncReports.catch(() => {});
      await demo?.close();
      if (!options.store) await store.close();
    },
  };
}

if (require.main === module) {
  const started = Date.now();
  startEmbedded({ port: Number(process.env.PORT ?? 4000), host: process.env.HOST ?? '0.0.0.0' }).then(
    (app) => {
      console.log(`\nMadoguchi is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: http://localhost:${app.gateway.port}/graphql`);
      for (const [name, s] of Object.entries(app.subgraphs)) console.log(`  subgraph ${name.padEnd(14)} ${s.url}`);
      // The gateway must drain first while the subgraphs keep answering it, so handlers installed
      // before this one (the tsx runner's, which would end the process at once) give way to it.
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        app.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
        process.on(signal, stop);
      }
    },
    (e) => {
      console.error(e instanceof AgencyConfigError ? e.message : e);
      process.exit(1);
    },
  );
}
