/**
 * The store: a minimal SQL interface the adapters and subgraphs share, so the embedded PGlite
 * default and a PostgreSQL server are interchangeable. SQL written against it must run on both.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrations';
import { buildTemplate, copyTemplateTo } from './template';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `COPY <table> (<columns>) FROM STDIN WITH (FORMAT csv)` with the given CSV text. */
  copyFromCsv?(table: string, columns: string[], csv: string): Promise<void>;
}

export interface Store extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Directory for the embedded database; omitted means in-memory. */
  dataDir?: string;
  /** A dump made by `dumpStore`, to start from a prepared state (tests). */
  loadFrom?: Blob | File;
}

class PGliteStore implements Store {
  constructor(private readonly db: PGlite) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(sql, params);
    return result.rows;
  }

  // PGlite takes COPY data from a blob at the pseudo path /dev/blob (its stand-in for STDIN).
  async copyFromCsv(table: string, columns: string[], csv: string): Promise<void> {
    await this.db.query(copySql(table, columns), [], { blob: new Blob([csv]) });
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
        copyFromCsv: async (table, columns, csv) => {
          await tx.query(copySql(table, columns), [], { blob: new Blob([csv]) });
        },
      }),
    );
  }

  async dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function copySql(table: string, columns: string[]): string {
  return `copy ${table} (${columns.join(', ')}) from '/dev/blob' with (format csv)`;
}

/** Opens the embedded store and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  // A new data directory starts from the empty-store template when `npm install` made one.
  if (options.dataDir && !options.loadFrom) copyTemplateTo(options.dataDir);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadFrom });
  const store = new PGliteStore(db);
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
    copyFromCsv: inner.copyFromCsv?.bind(inner),
    close: () => inner.close(),
  };
  return wrapper;
}
