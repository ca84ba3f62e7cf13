/**
 * The store: a minimal SQL interface the adapters and subgraphs share, so the embedded PGlite
 * default (store/pglite.ts) and a PostgreSQL server (store/postgres.ts, chosen by DATABASE_URL)
 * are interchangeable. SQL written against it must be plain PostgreSQL and run on both.
 */
import { mkdirSync } from 'node:fs';
import { migrate } from './migrations';
import { buildTemplate, copyTemplateTo } from './template';
import { openPGlite, PGliteStore } from './pglite';
import { PostgresStore, validateDatabaseUrl, type PostgresOptions } from './postgres';
import { StoreUnavailableError } from './errors';

export { StoreUnavailableError, LeaseLostError } from './errors';

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

export interface OpenStoreOptions {
  /** A PostgreSQL server (postgres://…): shared by every process given the same URL. */
  databaseUrl?: string;
  postgres?: PostgresOptions;
  /** Directory for the embedded database; omitted (and no databaseUrl) means in-memory. */
  dataDir?: string;
  /** A dump made by `dumpStore`, to start from a prepared state (tests). */
  loadFrom?: Blob | File;
}

/** Opens the store (a server when `databaseUrl` is given, else embedded) and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) {
    validateDatabaseUrl(options.databaseUrl);
    const store = new PostgresStore(options.databaseUrl, options.postgres);
    try {
      await migrate(store);
    } catch (e) {
      await store.close().catch(() => {});
      throw e instanceof StoreUnavailableError
        ? new Error(`DATABASE_URL: cannot reach the database (${String((e.cause as Error)?.message ?? e.cause)})`)
        : e;
    }
    return store;
  }
  // A new data directory starts from the empty-store template when `npm install` made one.
  if (options.dataDir && !options.loadFrom) copyTemplateTo(options.dataDir);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const store = await openPGlite(options);
  await migrate(store);
  return store;
}

/** Builds the empty-store template a first start copies (see template.ts) unless it is there. */
export function ensureStoreTemplate(): Promise<string> {
  return buildTemplate(async (dir) => {
    const store = await openStore({ dataDir: dir });
    // The store lives in the postgres database. initdb's two template databases serve only
    // CREATE DATABASE, which the store never runs, and are 600 of the 1,000 files every new data
    // directory would otherwise copy (the copy takes a third of the time without them).
    for (const db of ['template0', 'template1']) {
      await store.query(`alter database ${db} is_template false`);
      await store.query(`drop database ${db}`);
    }
    await store.query('checkpoint');
    await store.close();
  });
}

/** Serializes an embedded store so tests can start from it cheaply. */
export async function dumpStore(store: Store): Promise<Blob> {
  if (!(store instanceof PGliteStore)) throw new Error('only the embedded store can be dumped');
  return store.dump();
}

/** Wraps a store to count the statements issued through it (used to prove batching). */
export function countingStore(inner: Store): Store & { count: number; statements: string[] } {
  const wrapper = {
    kind: inner.kind,
    shared: inner.shared,
    count: 0,
    statements: [] as string[],
    query<T>(sql: string, params?: unknown[]) {
      wrapper.count += 1;
      wrapper.statements.push(sql);
      return inner.query<T>(sql, params);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return inner.transaction(fn);
    },
    listen: (channel: string, onPayload: (payload: string) => void) => inner.listen(channel, onPayload),
    copyFromCsv: inner.copyFromCsv?.bind(inner),
    close: () => inner.close(),
  };
  return wrapper;
}
