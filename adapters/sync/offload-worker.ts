/**
 * The worker thread behind `createPreparePool`. Jobs queue up here and run one after another, so
 * the worker goes straight on to the next file while the main thread is busy writing the last one.
 */
import { parentPort } from 'node:worker_threads';
import { encodeSpreadsheet, type PrepareJob } from './offload';

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  queue = queue.then(async () => parentPort?.postMessage({ id, result: await encodeSpreadsheet(job) }));
});
