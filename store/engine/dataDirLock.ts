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
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { DataDirUnusableError, isUnusableDataDir } from './errors';

/** The lock (a directory) and the note of its holder, inside the data directory. */
export const LOCK_NAME = 'madoguchi.lock';
export const HOLDER_NAME = 'madoguchi.lock.json';
/**
 * A lock not renewed for this long is abandoned. Renewal runs on the event loop of the thread that
 * took the lock, which each PGlite statement on that thread holds for as long as it runs: `npm
 * start` takes it on its main thread, away from the store's (app/embedded.ts); the one-thread
 * commands (sync, subgraph, webhooks rekey) count on no statement of theirs running this long.
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
}

/**
 * Takes the data directory (which must exist) for this process; resolves to its release. Refuses
 * with DataDirInUseError while another live process holds it.
 */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): Promise<() => Promise<void>> {
  const lockOptions = {
    stale: STALE_MS,
    update: UPDATE_MS,
    realpath: false,
    lockfilePath: join(dataDir, LOCK_NAME),
    onCompromised: (e: Error) =>
      (options.onLost ?? defaultLost)(
        new Error(`lost the lock on the data directory ${dataDir}: ${e.message}`, { cause: e }),
      ),
  };
  let waited = false;
  const deadline = Date.now() + STALE_MS + 5_000;
  for (;;) {
    try {
      const release = await lock(dataDir, lockOptions);
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
