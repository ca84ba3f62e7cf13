/**
 * The worker thread behind `createPreparePool`. Jobs queue up here and run one after another, so
 * the worker goes straight on to the next file while the main thread is busy writing the last one.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PARSE_WORKER_NICE, encodeSpreadsheet, type PrepareJob } from './offload';

// Parsing is background work. On Linux a thread's nice value is its own, so this thread gives way
// to the main thread (the store, the gateway's answers) whenever both want a core: on a first
// start the directory answers seconds sooner and the consultation logs land no later. Elsewhere
// the call would lower the whole process, so it is left out.
if (process.platform === 'linux') {
  try {
    setPriority(0, PARSE_WORKER_NICE);
  } catch {
    // Not permitted here: the worker runs at normal priority.
  }
}

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  queue = queue.then(async () => parentPort?.postMessage({ id, result: await encodeSpreadsheet(job) }));
});
