/**
 * `npm run start:gateway`: the gateway alone, on PORT (default 4000), reaching the subgraphs at
 * the supergraph's URLs or SUBGRAPH_<NAME>_URL (several replicas comma-separated). GATEWAY_WORKERS=n
 * (or auto: one per core) runs n workers sharing the port. With DATABASE_URL the gateway listens
 * for new snapshots (one connection, no queries) and empties its response cache when any process
 * writes one (with REDIS_URL, the answers shared with the other gateways too). SIGTERM or SIGINT
 * drains the requests in flight, then exits.
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { clusterMetricsForWorker, runPrimary } from './cluster';
import { begin } from './process';
import type { Settings } from '../server/settings';

/** GATEWAY_WORKERS as a count: auto is one per core; 0 and 1 both mean a single process. */
export function workerCount(setting: Settings['gatewayWorkers']): number {
  return setting === 'auto' ? availableParallelism() : Math.max(1, setting);
}

async function serve(settings: Settings, logger: ReturnType<typeof begin>['logger'], workerMode: boolean) {
  // Loaded here, not above: a primary that only supervises workers never needs them.
  const { startGateway, subgraphUrlsOf } = await import('../gateway/gateway');
  const { authConfigFromSettings } = await import('../gateway/auth');
  const { liveOptionsFor } = await import('./live');
  const { listenForSnapshots } = await import('../store/engine/notifications');
  let clusterMetrics: (() => Promise<string>) | undefined;
  const running = await startGateway({
    settings,
    logger,
    port: settings.port,
    host: settings.host,
    auth: authConfigFromSettings(settings),
    identitySecret: settings.identitySecret,
    cors: { origins: settings.corsOrigins },
    subgraphUrls: subgraphUrlsOf(settings),
    live: liveOptionsFor(resolve(settings.agenciesDir), settings),
    clusterMetrics: workerMode ? () => clusterMetrics!() : undefined,
  });
  if (workerMode) clusterMetrics = clusterMetricsForWorker(running.metrics.registry);
  const listener = settings.databaseUrl
    ? await listenForSnapshots(settings.databaseUrl, () => running.invalidateResponseCache())
    : null;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all([running.close(), listener?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Announced once a SIGTERM sent on reading this line drains instead of ending the process.
  logger.info(
    { url: `http://localhost:${running.port}/graphql` },
    `Madoguchi gateway ${workerMode ? `worker ${process.pid} ` : ''}ready at http://localhost:${running.port}/graphql`,
  );
}

export function main(): void {
  const { settings, logger } = begin({ service: cluster.isWorker ? 'gateway-worker' : 'gateway', secrets: 'gateway' });
  const workers = workerCount(settings.gatewayWorkers);
  if (workers > 1 && cluster.isPrimary) {
    runPrimary({ workers, log: (m) => logger.info(m), shutdownTimeoutMs: settings.shutdownTimeoutMs });
    return;
  }
  serve(settings, logger, cluster.isWorker).catch((e) => {
    logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'gateway start failed');
    process.exit(1);
  });
}
