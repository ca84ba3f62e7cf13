/**
 * One process per embedded data directory. PGlite keeps no lock of its own: a second process
 * opening a directory in use (a second `npm start`, `madoguchi sync` beside a running server, a
 * subgraph process started on the same directory) writes beside the first and leaves a store
 * that no longer opens. The first to open a directory holds a lock in it (proper-lockfile: an
 * atomic mkdir, its mtime renewed while held, released on exit), with who holds it written beside
 * for the message the next one gets.
 *
 * A holder killed outright (SIGKILL, power loss) leaves its lock behind: once it has not been
 * renewed for STALE_MS it counts as abandoned. A start that finds the lock of a process no longer
 * running on this machine waits that long instead of refusing, so a restart after a crash
 * proceeds by itself.
 *
 * The lock is taken and renewed on a small thread of its own (the keeper), never on the caller's:
 * each PGlite statement holds its thread's event loop for as long as it runs, and a statement
 * past STALE_MS on a thread renewing the lock would let it lapse for a second process to take.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataDirUnusableError, isUnusableDataDir } from './errors';

/** The lock (a directory) and the note of its holder, inside the data directory. */
export const LOCK_NAME = 'madoguchi.lock';
export const HOLDER_NAME = 'madoguchi.lock.json';
/**
 * A lock not renewed for this long is abandoned. Renewal runs on the keeper's thread, which no
 * store statement holds up.
 */
export const STALE_MS = 30_000;
const UPDATE_MS = 5_000;
/** How a process that lost its data directory's lock ends (EX_SOFTWARE): restarted by systemd or Docker. */
export const LOST_LOCK_EXIT = 70;
/** The directories this thread holds. */
const heldHere = new Set<string>();

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Another process holds the data directory. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    holder: Holder | null,
  ) {
    const who = holder
      ? `another Madoguchi process (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
      : 'another Madoguchi process';
    super(
      `the data directory ${dataDir} is in use by ${who}. Two processes on one embedded store ` +
        'corrupt it: stop that one first (a running server syncs on its own schedule), give this one ' +
        'its own MADOGUCHI_DATA_DIR, or run several processes on PostgreSQL (DATABASE_URL).',
    );
    this.name = 'DataDirInUseError';
  }
}

function readHolder(dataDir: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, HOLDER_NAME), 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/** Whether the holder is a process that no longer runs on this machine (its lock will go stale). */
function holderGone(dataDir: string, holder: Holder | null): boolean {
  if (!holder || holder.host !== hostname()) return false;
  // Our own pid, and not held here: a previous run in a container that restarts with the same pid.
  if (holder.pid === process.pid) return !heldHere.has(dataDir);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface DataDirLockOptions {
  /** Told once when a start waits for a crashed holder's lock to expire. */
  onWait?: (holder: Holder) => void;
  /** The lock was taken from this process (it was held up longer than STALE_MS, or removed). */
  onLost?: (error: Error) => void;
  /** Tests of the mechanism only: a shorter time to abandonment (and renewal, a sixth of it). */
  staleMs?: number;
}

// The keeper: proper-lockfile on a thread of its own, plain JavaScript (it loads nothing of ours).
const KEEPER = `
const { parentPort, workerData } = require('node:worker_threads');
const { lock } = require(workerData.lockfile);
let release = null;
lock(workerData.dir, {
  stale: workerData.stale, update: workerData.update, realpath: false, lockfilePath: workerData.lockfilePath,
  onCompromised: (e) => parentPort.postMessage({ type: 'lost', message: e.message }),
}).then(
  (r) => { release = r; parentPort.postMessage({ type: 'locked' }); },
  (e) => parentPort.postMessage({ type: 'failed', code: e.code, message: e.message }),
);
parentPort.on('message', () => {
  Promise.resolve(release && release()).catch(() => {}).finally(() => parentPort.postMessage({ type: 'released' }));
});`;

type FromKeeper =
  | { type: 'locked' }
  | { type: 'released' }
  | { type: 'lost'; message: string }
  | { type: 'failed'; code?: string; message: string };

/** Takes the lock on a keeper thread; resolves to its release, or rejects as proper-lockfile does (code ELOCKED…). */
function keep(dataDir: string, staleMs: number, onCompromised: (e: Error) => void): Promise<() => Promise<void>> {
  const lockfilePath = join(dataDir, LOCK_NAME);
  const keeper = new Worker(KEEPER, {
    eval: true,
    execArgv: [],
    workerData: {
      lockfile: require.resolve('proper-lockfile'),
      dir: dataDir,
      lockfilePath,
      stale: staleMs,
      update: Math.min(UPDATE_MS, Math.floor(staleMs / 6)),
    },
  });
  // The keeper does not keep the process alive; a process ending without giving the directory
  // back (process.exit) removes the lock as it goes, as proper-lockfile would on its own thread.
  keeper.unref();
  let held = false;
  const removeOnExit = () => {
    if (held) rmSync(lockfilePath, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    keeper.on('message', (m: FromKeeper) => {
      if (m.type === 'locked') {
        held = true;
        process.on('exit', removeOnExit);
        let released: Promise<void> | undefined;
        resolve(
          () =>
            (released ??= new Promise<void>((done) => {
              keeper.once('message', () => done());
              keeper.postMessage('release');
            }).finally(() => {
              held = false;
              process.off('exit', removeOnExit);
              void keeper.terminate();
            })),
        );
      } else if (m.type === 'failed') {
        void keeper.terminate();
        reject(Object.assign(new Error(m.message), { code: m.code }));
      } else if (m.type === 'lost' && held) {
        held = false;
        process.off('exit', removeOnExit);
        onCompromised(new Error(m.message));
      }
    });
    keeper.once('error', reject);
  });
}

/**
 * Takes the data directory (which must exist) for this process; resolves to its release. Refuses
 * with DataDirInUseError while another live process holds it.
 */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? STALE_MS;
  const onCompromised = (e: Error) =>
    (options.onLost ?? defaultLost)(
      new Error(`lost the lock on the data directory ${dataDir}: ${e.message}`, { cause: e }),
    );
  let waited = false;
  const deadline = Date.now() + staleMs + 5_000;
  for (;;) {
    try {
      const release = await keep(dataDir, staleMs, onCompromised);
      heldHere.add(dataDir);
      const giveBack = async () => {
        heldHere.delete(dataDir);
        rmSync(join(dataDir, HOLDER_NAME), { force: true });
        await release().catch(() => {});
      };
      try {
        noteHolder(dataDir);
      } catch (e) {
        // The note could not be written (another user's file): the lock is not kept for nothing.
        await giveBack().catch(() => {});
        throw e;
      }
      return giveBack;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      const holder = readHolder(dataDir);
      if (!holderGone(dataDir, holder) || Date.now() > deadline) throw new DataDirInUseError(dataDir, holder);
      if (!waited && holder) options.onWait?.(holder);
      waited = true;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/**
 * Makes the data directory if missing and takes it (lockDataDir): one that is a file or not this
 * process's to write is refused with DataDirUnusableError, saying so.
 */
export async function takeDataDir(dataDir: string, options: DataDirLockOptions = {}): Promise<() => Promise<void>> {
  try {
    mkdirSync(dataDir, { recursive: true });
    return await lockDataDir(dataDir, options);
  } catch (e) {
    throw isUnusableDataDir(e) ? new DataDirUnusableError(dataDir, e) : e;
  }
}

/**
 * Writes who holds `dataDir` (this process, which must hold it) beside the lock — again after a
 * dump was loaded into it: a dump of a data directory carries its holder's note.
 */
export function noteHolder(dataDir: string): void {
  if (!heldHere.has(dataDir)) throw new Error(`this process does not hold ${dataDir}`);
  const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(join(dataDir, HOLDER_NAME), JSON.stringify(holder));
}

function defaultLost(error: Error): void {
  // Another process may now be writing the store: stop rather than write beside it.
  console.error(`${error.message}; stopping so that only one process writes the store`);
  process.exit(LOST_LOCK_EXIT);
}
