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
