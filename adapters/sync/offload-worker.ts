/** The worker thread behind `createPreparePool`: one job at a time, answered in order. */
import { parentPort } from 'node:worker_threads';
import { encodeSpreadsheet, type PrepareJob } from './offload';

parentPort?.on('message', (job: PrepareJob) => {
  encodeSpreadsheet(job).then((result) => parentPort?.postMessage(result));
});
