/** Errors the store raises that callers above it tell apart. */

/** The store could not be reached (a server down or restarting): the graph shows STORE_UNAVAILABLE. */
export class StoreUnavailableError extends Error {
  // Read by graphql-js when it wraps a resolver's error, so the answer carries the code.
  readonly extensions = { code: 'STORE_UNAVAILABLE' };
  constructor(cause?: unknown) {
    super('the store is unavailable; try again shortly', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** A sync lost its lease on a source before it could write: another process now syncs it. */
export class LeaseLostError extends Error {
  constructor(readonly lease: string) {
    super(`lease ${lease} is no longer held by this process; the snapshot was not written`);
    this.name = 'LeaseLostError';
  }
}

/**
 * PGlite could not open a data directory (its own message, such as "Aborted()", says nothing an
 * operator can act on): which directory, the likely causes and what to do.
 */
export class StoreDamagedError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(
      `the embedded store in ${dataDir} could not be opened (PGlite: ${String((cause as Error)?.message ?? cause)
        .split('\n')[0]
        .slice(0, 200)}). ` +
        'It may be damaged: written by two processes at once (before this version refused that), or cut off by a full disk or a crash mid-write. ' +
        'Move the directory aside (keep it: referrals, committee decisions, firm matches and webhooks live only there) and start again to ' +
        'sync the agencies into a new one, or put back a copy taken while the server was stopped.',
      { cause },
    );
    this.name = 'StoreDamagedError';
  }
}

/** Codes of a data directory this process cannot make, lock or write: not a directory, or not its to write. */
const UNUSABLE = new Set(['EEXIST', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS']);

/** Whether `e` is a file system error meaning the data directory cannot be used as it is. */
export function isUnusableDataDir(e: unknown): boolean {
  return UNUSABLE.has((e as NodeJS.ErrnoException)?.code ?? '');
}

/**
 * The data directory cannot be used as it is (a file, under a file, read-only, another user's):
 * which directory, what the file system said, and what to do — where Node's own message (`EEXIST:
 * file already exists, mkdir …` with a stack) leaves the operator guessing.
 */
export class DataDirUnusableError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    const { code, path } = cause as NodeJS.ErrnoException;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it, or a folder on its path, is a file'
        : `this process (user ${process.getuid?.() ?? 'unknown'}) may not write ${path ?? 'it'} (${code})`;
    super(
      `the data directory ${dataDir} cannot be used: ${why}. Set MADOGUCHI_DATA_DIR to a directory ` +
        'of its own (created if missing), writable by the user the server runs as: after a command run ' +
        'as another user (sudo), give the directory and everything in it back to that user (chown -R).',
      { cause },
    );
    this.name = 'DataDirUnusableError';
  }
}
