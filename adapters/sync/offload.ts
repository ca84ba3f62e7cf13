/**
 * The ingest pipeline's CPU part (pipeline.ts) on worker threads, for large spreadsheets: the
 * main thread only fetches the bytes and writes the store, a worker parses, maps and renders
 * them — the very function a sync runs in place for small files, and a dry run for every file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PrepareJob, PrepareResult } from './pipeline';

export type { PrepareJob, PrepareResult } from './pipeline';

/** The parse worker's nice value on Linux (0 normal, 19 lowest): it gives way to the main thread. */
export const PARSE_WORKER_NICE = 10;

/** Files smaller than this are prepared in place: handing them over would cost more than it saves. */
export const OFFLOAD_MIN_BYTES = 64 * 1024;

export interface PreparePool {
  prepare(job: PrepareJob): Promise<PrepareResult>;
  close(): Promise<void>;
}

/** Worker threads for a sync run, started on first use: the configured count (MADOGUCHI_SYNC_WORKERS; 0 keeps all in place), or 1–2 by cores. */
export function defaultWorkerCount(configured: number | 'auto' = 'auto'): number {
  if (configured !== 'auto') return configured;
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/**
 * A pool of up to `size` workers, each started on first use; `eager` starts one at once, so it
 * boots (loads its modules) while the caller is still busy with other things.
 */
export function createPreparePool(size: number, options: { eager?: boolean } = {}): PreparePool {
  interface Slot {
    worker: Worker;
    /** Jobs posted to this worker and not answered yet, by id. */
    pending: Map<number, { resolve: (r: PrepareResult) => void; reject: (e: Error) => void }>;
  }
  const slots = new Set<Slot>();
  let nextId = 0;
  const spawn = (): Slot => {
    // From the sources a two-line bootstrap loads the worker through tsx's CommonJS hook, whatever
    // runs the parent (the bin, jest); from the build (dist/) plain node loads its JavaScript.
    const ext = __filename.endsWith('.ts') ? '.ts' : '.js';
    const entry = JSON.stringify(join(__dirname, `offload-worker${ext}`));
    const hook = ext === '.ts' ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); ` : '';
    const worker = new Worker(`${hook}require(${entry});`, { eval: true, execArgv: [] });
    const slot: Slot = { worker, pending: new Map() };
    slots.add(slot);
    const fail = (e: Error) => {
      // A worker that fails answers none of its jobs: each is refused and the worker replaced.
      slots.delete(slot);
      for (const { reject } of slot.pending.values()) reject(e);
      slot.pending.clear();
      void worker.terminate();
    };
    worker.on('message', ({ id, result }: { id: number; result: PrepareResult }) => {
      const waiting = slot.pending.get(id);
      slot.pending.delete(id);
      waiting?.resolve(result);
    });
    worker.on('error', (e) => fail(new Error(`sync worker failed: ${e.message}`)));
    worker.once('exit', (code) => fail(new Error(`sync worker exited (code ${code}) before answering`)));
    return slot;
  };
  // Jobs go to the least loaded worker, and queue there rather than wait here: a worker never
  // idles waiting for the main thread to hand it the next file.
  const pick = (): Slot => {
    let best: Slot | undefined;
    for (const slot of slots) if (!best || slot.pending.size < best.pending.size) best = slot;
    return best && (best.pending.size === 0 || slots.size >= size) ? best : spawn();
  };
  if (options.eager && size > 0) spawn();
  return {
    prepare(job) {
      const slot = pick();
      const id = nextId++;
      return new Promise<PrepareResult>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, job });
      });
    },
    async close() {
      const all = [...slots];
      slots.clear();
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
