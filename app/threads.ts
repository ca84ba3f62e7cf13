/**
 * What the embedded start's threads share: starting a TypeScript module on a worker thread, and
 * logging from a worker through its parent (a worker writes JSON lines; the parent logs each
 * through its own logger, marked with the thread it came from).
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/**
 * A worker running `file` (TypeScript, like the rest): a bootstrap loads it through tsx's CommonJS
 * hook, whatever runs the parent (node --require tsx/cjs, jest).
 */
export function tsWorker(file: string, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const entry = JSON.stringify(file);
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  return new Worker(`require(${tsx}).register(); require(${entry});`, {
    eval: true,
    execArgv: [],
    workerData,
    transferList,
    // This thread's environment as it is now (under jest, the test's own copy), not the process's at start.
    env: { ...process.env },
  });
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
