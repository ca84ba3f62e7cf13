/**
 * Worker mode for the standalone gateway (GATEWAY_WORKERS=n, or auto for one per core): the
 * primary forks the workers, which share the listening port through node:cluster; it replaces a
 * worker that dies, forwards SIGTERM/SIGINT so that each worker drains, and answers workers'
 * requests for the cluster's metrics, so that /metrics on any worker counts them all. Caches (the
 * response cache, persisted queries, in-flight deduplication) stay per worker.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const METRICS_REQUEST = 'madoguchi:cluster-metrics-request';
const METRICS_RESPONSE = 'madoguchi:cluster-metrics-response';

export interface PrimaryOptions {
  workers: number;
  log?: (message: string) => void;
  /** How long the primary waits for draining workers before killing them. */
  shutdownTimeoutMs?: number;
}

/** Runs in the primary process: forks and supervises the workers until a signal stops them. */
export function runPrimary(options: PrimaryOptions): void {
  const log = options.log ?? ((m: string) => console.log(m));
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const recentCrashes: number[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: { type?: string; id?: number }) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
        (e: Error) => worker.isConnected() && worker.send({ type: METRICS_RESPONSE, id: message.id, error: e.message }),
      );
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    recentCrashes.push(now);
    while (recentCrashes.length && now - recentCrashes[0] > 60_000) recentCrashes.shift();
    // A worker that keeps dying at once is a configuration problem, not bad luck: stop trying.
    if (recentCrashes.length > options.workers * 5) {
      log(`gateway workers keep exiting (last: code ${code}, signal ${signal}); giving up`);
      process.exit(1);
    }
    log(`gateway worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`);
    setTimeout(fork, Math.min(5_000, 100 * recentCrashes.length));
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    log(`${signal}: draining ${workers.length} gateway workers`);
    for (const w of workers) w.process.kill('SIGTERM');
    const deadline = setTimeout(
      () => {
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
        process.exit(1);
      },
      (options.shutdownTimeoutMs ?? 10_000) + 5_000,
    );
    deadline.unref();
    void Promise.all(
      workers.map((w) => (w.isDead() ? Promise.resolve() : new Promise((resolve) => w.once('exit', resolve)))),
    ).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < options.workers; i++) fork();
}

/**
 * In a worker: lets the primary collect this worker's registry, and returns a function that asks
 * the primary for the whole cluster's metrics (falling back to this worker's own).
 */
export function clusterMetricsForWorker(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // installs prom-client's answer to the primary's collection requests
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const pending = new Map<number, (text: string | null) => void>();
  process.on('message', (message: { type?: string; id?: number; text?: string }) => {
    if (message?.type !== METRICS_RESPONSE || message.id === undefined) return;
    pending.get(message.id)?.(message.text ?? null);
    pending.delete(message.id);
  });
  return async () => {
    const id = next++;
    const text = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(null);
      }, 5_000);
      pending.set(id, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
      process.send?.({ type: METRICS_REQUEST, id });
    });
    return text ?? (await registry.metrics());
  };
}
