/**
 * The worker thread behind `createPreparePool`. Jobs queue up here, so the worker goes straight
 * on to the next file while the main thread is busy writing the last one, and the largest queued
 * file goes first: a sync ends with the last file's parse and then its write, one after the
 * other, so that file had better be a small one.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PARSE_WORKER_NICE, type PrepareJob } from './offload';
import { prepareSource } from './pipeline';

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

const queued: Array<{ id: number; job: PrepareJob }> = [];
const size = (job: PrepareJob) => ('body' in job.input ? job.input.body.byteLength : job.input.records.length);
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  while (queued.length > 0) {
    // Messages that arrived during the last job are delivered first, so they are all compared.
    await new Promise((resolve) => setImmediate(resolve));
    let largest = 0;
    for (let i = 1; i < queued.length; i++) if (size(queued[i].job) > size(queued[largest].job)) largest = i;
    const [{ id, job }] = queued.splice(largest, 1);
    parentPort?.postMessage({ id, result: await prepareSource(job) });
  }
  draining = false;
}

parentPort?.on('message', (message: { id: number; job: PrepareJob }) => {
  queued.push(message);
  if (!draining) void drain();
});
