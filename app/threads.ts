/**
 * What the embedded start's threads share: starting a module of this folder on a worker thread, and
 * logging from a worker through its parent (a worker writes JSON lines; the parent logs each
 * through its own logger, marked with the thread it came from).
 */
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import { Writable } from 'node:stream';
import { dirname, extname, join } from 'node:path';
import pino, { type Logger } from 'pino';

/**
 * A worker running `file`, a module of this folder: from the sources (TypeScript) a bootstrap
 * loads it through tsx's CommonJS hook, whatever runs the parent (the bin, jest); from the build
 * (dist/, JavaScript) plain node loads it.
 */
export function worker(
  file: string,
  workerData: unknown,
  transferList: TransferListItem[] = [],
  resourceLimits?: ResourceLimits,
): Worker {
  const entry = JSON.stringify(file);
  const hook = file.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); ` : '';
  return new Worker(`${hook}require(${entry});`, {
    eval: true,
    execArgv: [],
    workerData,
    transferList,
    resourceLimits,
  });
}

/**
 * How the parent closes a worker that closes itself on `{ type: 'close' }` (the worker side
 * finishes its work and exits): once, whoever asks, settling when the worker has exited.
 */
export function closerOf(worker: Worker): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= new Promise<void>((done) => {
      worker.once('exit', () => done());
      worker.postMessage({ type: 'close' });
    }));
}

/** A sibling module of `file` by name, with `file`'s own extension (.ts from the sources, .js from the build). */
export function sibling(file: string, name: string): string {
  return join(dirname(file), name + extname(file));
}

/** A logger on a worker that hands each line to `post` (for the parent's `relog`). */
export function threadLogger(level: string, post: (line: string) => void): Logger {
  return pino(
    { level },
    new Writable({
      write(chunk, _encoding, done) {
        post(String(chunk));
        done();
      },
    }),
  );
}

/** Re-logs a line a worker's logger wrote, through this thread's logger. */
export function relog(logger: Logger, line: string, thread: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...rest } = record;
  const name = typeof level === 'number' ? (logger.levels.labels[level] as pino.Level | undefined) : undefined;
  if (name && typeof logger[name] === 'function') logger[name]({ ...rest, thread }, typeof msg === 'string' ? msg : '');
}
