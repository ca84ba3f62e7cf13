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
import { clusterMetricsForWorker, runPrimary, workerCountFromEnv } from './cluster';

async function serve(workerMode: boolean): Promise<void> {
  // Loaded here, not above: a primary that only supervises workers never needs it.
  const { startGateway, subgraphUrlsFromEnv } = await import('../gateway/gateway');
  const { assertSafeBind, describeSettings, loadSettings } = await import('../server/settings');
  const { authConfigOf } = await import('../gateway/auth');
  const { liveOptionsFor } = await import('./live');
  const settings = loadSettings();
  assertSafeBind(settings);
  if (!cluster.isWorker || cluster.worker?.id === 1) for (const line of describeSettings(settings)) console.log(line);
  const { listenForSnapshots } = await import('../store/engine/notifications');
  let clusterMetrics: (() => Promise<string>) | undefined;
  const running = await startGateway({
    port: settings.port,
    host: settings.host,
    auth: authConfigOf(settings.jwt),
    identitySecret: settings.identitySecret,
    cors: { origins: settings.corsOrigins },
    subgraphUrls: subgraphUrlsFromEnv(),
    live: liveOptionsFor(resolve(process.env.MADOGUCHI_AGENCIES_DIR ?? 'agencies')),
    clusterMetrics: workerMode ? () => clusterMetrics!() : undefined,
  });
  if (workerMode) clusterMetrics = clusterMetricsForWorker(running.metrics.registry);
  const listener = process.env.DATABASE_URL
    ? await listenForSnapshots(process.env.DATABASE_URL, () => running.invalidateResponseCache())
    : null;
  console.log(
    `Madoguchi gateway ${workerMode ? `worker ${process.pid} ` : ''}ready at http://localhost:${running.port}/graphql`,
  );
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
}

const workers = workerCountFromEnv();
if (workers > 1 && cluster.isPrimary) {
  runPrimary({ workers });
} else {
  serve(cluster.isWorker).catch((e) => {
    console.error(e instanceof Error && e.name === 'SettingsError' ? e.message : e);
    process.exit(1);
  });
}
