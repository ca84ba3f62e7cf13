/**
 * Opening a store: a PostgreSQL server when given DATABASE_URL, else the embedded PGlite on a
 * data directory (started from the install's empty-store template) or in memory; either way
 * migrated before it is handed out.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrate';
import type { Queryable, Store } from './store';
import { buildTemplate, copyTemplateTo } from './template';
import { openPGlite, PGliteStore } from './pglite';
import type { PostgresOptions } from './postgres';
import { DataDirUnusableError, isUnusableDataDir, StoreDamagedError, StoreUnavailableError } from './errors';
import { noteHolder, takeDataDir, type DataDirLockOptions } from './dataDirLock';

export interface OpenStoreOptions {
  /** A PostgreSQL server (postgres://…): shared by every process given the same URL. */
  databaseUrl?: string;
  postgres?: PostgresOptions;
  /** Directory for the embedded database; omitted (and no databaseUrl) means in-memory. */
  dataDir?: string;
  /** A dump made by `dumpStore`, to start from a prepared state (tests). */
  loadFrom?: Blob | File;
  /** What to tell while waiting for a crashed process's lock on the data directory, and on losing it. */
  lock?: DataDirLockOptions;
  /**
   * The caller holds `dataDir` already (takeDataDir), on a thread that long store statements do not
   * hold up (`npm start`: its main thread), and gives it back after closing the store.
   */
  heldByCaller?: boolean;
}

/** Opens the store (a server when `databaseUrl` is given, else embedded) and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) {
    // node-postgres is loaded only for a server: the embedded store's start does without it.
    const { PostgresStore, validateDatabaseUrl } = require('./postgres') as typeof import('./postgres');
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
  if (!options.dataDir) {
    const store = await openPGlite(options);
    await migrate(store);
    return store;
  }
  // One process per data directory (dataDirLock.ts): taken before anything in it is read or written.
  const release = options.heldByCaller ? async () => {} : await takeDataDir(options.dataDir, options.lock);
  try {
    // A new data directory starts from the empty-store template when `npm install` made one.
    if (!options.loadFrom) copyTemplateTo(options.dataDir);
    const store = await openPGlite(options, release).catch((e: unknown) => {
      throw unwritableIn(options.dataDir!) ?? new StoreDamagedError(options.dataDir!, e);
    });
    if (options.loadFrom && !options.heldByCaller) noteHolder(options.dataDir);
    try {
      await migrate(store);
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
    return store;
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * Why PGlite may have failed on a directory that is not damaged: a file or folder in it this
 * process may not write (left by a command once run as another user: `sudo npm run sync`), as the
 * error to give; else null. Looked for only once opening failed.
 */
function unwritableIn(dataDir: string): DataDirUnusableError | null {
  try {
    for (const entry of ['', ...readdirSync(dataDir, { recursive: true }).map(String)]) {
      accessSync(join(dataDir, entry), constants.W_OK);
    }
    return null;
  } catch (e) {
    return isUnusableDataDir(e) ? new DataDirUnusableError(dataDir, e) : null;
  }
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
    copyToCsv: inner.copyToCsv?.bind(inner),
    close: () => inner.close(),
  };
  return wrapper;
}
