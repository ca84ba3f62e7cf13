/**
 * One subgraph served on a worker thread of its own, beside the embedded start's back end: its
 * store is the back end's, reached through a MessagePort (store/engine/remote.ts), so that its own
 * work — building an analyst's table of thousands of cells, say — runs on this thread while the
 * store and the other subgraphs go on answering on theirs. Started by the back end
 * (`startSubgraphThread`); the worker side is `runSubgraphThread` below.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { closerOf, relog, sibling, threadLogger, worker as startWorker } from './threads';
import type { Store } from '../store/store';
import type { Limits } from '../server/limits';
import type { Settings } from '../server/settings';

export interface SubgraphThreadOptions {
  name: string;
  /** Every setting, parsed by the main thread (plain data: it crosses the thread boundary). */
  settings: Settings;
  /** The back end's end of the store's port is served with serveStore. */
  storePort: MessagePort;
  storeKind: Store['kind'];
  storeShared: boolean;
  port: number;
  nowMs?: number;
  identitySecret: string;
  limits?: { maxObjects: number; maxCost: number };
  /** The gateway's limits, which the subgraph applies too (plain data: it crosses to the thread). */
  gatewayLimits?: Limits;
  logLevel: string;
}

type FromThread =
  | { type: 'ready'; url: string; port: number }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'log'; line: string }
  | { type: 'closed' };

export interface SubgraphThread {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The thread's young generation, in MB. Its answers can be large (an analyst's table of ~9,000
 * cells is some 100,000 short-lived objects in graphql-js's execution, then an 800 KB string):
 * with V8's default a request of that size spends about a third of the thread's time collecting
 * garbage; this size halved it (measured with --cpu-prof on bench:stats' uncovered shape).
 */
const YOUNG_GENERATION_MB = 64;

/** Starts the subgraph's thread; resolves once it listens (rejects with EADDRINUSE's code if its port was taken). */
export function startSubgraphThread(options: SubgraphThreadOptions, logger: Logger): Promise<SubgraphThread> {
  const worker = startWorker(sibling(__filename, 'subgraphThread'), options, [options.storePort], {
    maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      if (m.type === 'log') {
        relog(logger, m.line, options.name);
      } else if (m.type === 'failed') {
        void worker.terminate();
        reject(Object.assign(new Error(m.message), { code: m.code }));
      } else if (m.type === 'ready') {
        resolve({ url: m.url, port: m.port, close: closerOf(worker) });
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${options.name} subgraph's thread exited (code ${code})`)));
  });
}

/** The worker side: serves the subgraph over the remote store until told to close. */
async function runSubgraphThread(options: SubgraphThreadOptions): Promise<void> {
  // This thread's spans, under the subgraphs' service name, as on the back end's thread.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startSubgraphsTelemetry } = require('../server/telemetry') as typeof import('../server/telemetry');
  const telemetry = startSubgraphsTelemetry(options.settings);
  const port = parentPort!;
  const post = (m: FromThread) => port.postMessage(m);
  const logger = threadLogger(options.logLevel, (line) => post({ type: 'log', line }));
  const { RemoteStore } = require('../store/engine/remote') as typeof import('../store/engine/remote');
  const { findSubgraph } = require('../subgraphs') as typeof import('../subgraphs');
  const { startSubgraph } = require('../subgraphs/server') as typeof import('../subgraphs/server');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const module = findSubgraph(options.name);
  if (!module) throw new Error(`no subgraph ${options.name}`);
  const store = new RemoteStore(options.storePort, options.storeKind, options.storeShared);
  const server = await startSubgraph(module, store, {
    port: options.port,
    now: options.nowMs === undefined ? undefined : () => new Date(options.nowMs!),
    identitySecret: options.identitySecret,
    limits: options.limits,
    gatewayLimits: options.gatewayLimits,
    logger,
    settings: options.settings,
  });
  port.on('message', (m: { type: 'close' }) => {
    if (m.type !== 'close') return;
    server
      .close()
      .then(() => store.close())
      .then(() => telemetry.shutdown())
      .finally(() => process.exit(0));
  });
  post({ type: 'ready', url: server.url, port: server.port });
}

if (!isMainThread && (workerData as SubgraphThreadOptions | undefined)?.storePort) {
  runSubgraphThread(workerData as SubgraphThreadOptions).catch((e: unknown) => {
    const err = e as { message?: unknown; code?: unknown };
    parentPort!.postMessage({
      type: 'failed',
      message: String(err?.message ?? e),
      code: typeof err?.code === 'string' ? err.code : undefined,
    } satisfies FromThread);
  });
}
