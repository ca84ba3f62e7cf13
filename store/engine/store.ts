/**
 * The store's SQL interface, which the adapters' write API and the subgraphs' read API share, so
 * the embedded PGlite default (pglite.ts) and a PostgreSQL server (postgres.ts, chosen by
 * DATABASE_URL) are interchangeable. SQL written against it must be plain PostgreSQL and run on
 * both. This module imports nothing: every other module of the store depends on it.
 */

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `COPY <table> (<columns>) FROM STDIN WITH (FORMAT csv)` with the given CSV text. */
  copyFromCsv?(table: string, columns: string[], csv: string): Promise<void>;
}

export interface Store extends Queryable {
  /** Which engine: the embedded PGlite or a PostgreSQL server. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Whether other processes may use the same data (a server): syncs then take a lease per source
   * so that one process at a time writes it, and readers learn of new snapshots by notification.
   */
  readonly shared: boolean;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onPayload` with each NOTIFY on `channel` (from any process on a server, from this one
   * on the embedded store); `'*'` means notifications may have been missed (a reconnection).
   * Resolves to a function that unsubscribes.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A store other processes share (a PostgreSQL server), as a type guard for a plain Queryable. */
export const isShared = (store: Queryable): store is Store => (store as Partial<Store>).shared === true;
