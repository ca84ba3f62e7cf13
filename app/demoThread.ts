/**
 * The demo's stand-ins for the agencies' own systems — their web sites, spreadsheets and APIs
 * (demo/servers.ts) and the two agencies' live services (demo/live) — on a worker thread of their
 * own. Real agencies' systems run elsewhere: on the back end's thread the stand-ins would take
 * that thread's time to answer the very requests its first sync makes, and a first start would
 * be slower with the demo than against real agencies. Started by the back end
 * (`startDemoThread`); the worker side is `runDemoThread` below.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { closerOf, sibling, worker as startWorker } from './threads';

export interface DemoThreadOptions {
  demoThread: true;
  /** The settings' environment: a stand-in already running elsewhere (MADOGUCHI_DEMO_*_URL) is not started again. */
  env: Record<string, string | undefined>;
  /** The gateway's identity secret: the live services check the identity it signs. */
  identitySecret: string;
}

type FromThread = { type: 'ready'; env: Record<string, string> } | { type: 'failed'; message: string };

export interface DemoThread {
  /** MADOGUCHI_DEMO_URL and the live services' variables, for the agency files' ${VAR} references. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the stand-ins' thread; resolves once they all listen. */
export function startDemoThread(options: Omit<DemoThreadOptions, 'demoThread'>): Promise<DemoThread> {
  const worker = startWorker(sibling(__filename, 'demoThread'), { ...options, demoThread: true });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      if (m.type === 'failed') {
        void worker.terminate();
        reject(new Error(`the demo's agency systems did not start: ${m.message}`));
        return;
      }
      resolve({ env: m.env, close: closerOf(worker) });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the demo's thread exited (code ${code}) before it was ready`)));
  });
}

/** The worker side: serves the stand-ins until told to close. */
async function runDemoThread(options: DemoThreadOptions): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startDemoAgencyServers } = require('../demo/servers') as typeof import('../demo/servers');
  const { startDemoLiveServices } = require('../demo/live') as typeof import('../demo/live');
  const { liveJwks } = require('../gateway/live/identity') as typeof import('../gateway/live/identity');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const servers = await startDemoAgencyServers({ port: 0 });
  const live = await startDemoLiveServices({ env: options.env, jwks: liveJwks(options.identitySecret) }).catch(
    async (e: unknown) => {
      await servers.close();
      throw e;
    },
  );
  parentPort!.on('message', (m: { type: 'close' }) => {
    if (m.type !== 'close') return;
    void Promise.all([servers.close(), live.close()]).finally(() => process.exit(0));
  });
  parentPort!.postMessage({
    type: 'ready',
    env: { MADOGUCHI_DEMO_URL: servers.baseUrl, ...live.env },
  } satisfies FromThread);
}

if (!isMainThread && (workerData as DemoThreadOptions | undefined)?.demoThread) {
  runDemoThread(workerData as DemoThreadOptions).catch((e: unknown) => {
    parentPort!.postMessage({ type: 'failed', message: String((e as Error)?.message ?? e) } satisfies FromThread);
  });
}
