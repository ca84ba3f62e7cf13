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
