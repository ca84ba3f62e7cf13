/**
 * Opens a fresh store for a test from what the global setup prepared. On the embedded default,
 * an in-memory PGlite loaded from a dump; when the run has DATABASE_URL (the suite's PostgreSQL
 * pass), a database of its own on that server, copied from a template database by CREATE
 * DATABASE … TEMPLATE (a file copy, far cheaper than migrating and syncing again) and dropped
 * when the store closes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openPGlite } from '../../store/engine/pglite';
import { openStore, type Store } from '../../store/store';
import { CACHE_DIR } from './paths';

export type TestStoreKind = 'empty' | 'demo';

/** The server of the PostgreSQL pass, or undefined on the embedded pass. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL || undefined;

/** What the global setup wrote for the PostgreSQL pass: this run's template databases. */
export interface PostgresRun {
  templates: Record<TestStoreKind, string>;
  prefix: string;
}

export const POSTGRES_RUN_FILE = join(CACHE_DIR, 'postgres-run.json');

export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database copied from one of this run's templates; resolves to its URL and a drop function. */
export async function createTestDatabase(
  kind: TestStoreKind,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('createTestDatabase needs DATABASE_URL');
  const run = JSON.parse(readFileSync(POSTGRES_RUN_FILE, 'utf8')) as PostgresRun;
  // Random, not a counter: jest gives each test file a fresh copy of this module, in the same
  // process when it runs in band, so a counter would repeat a name another file still uses.
  const name = `${run.prefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withAdmin(TEST_DATABASE_URL, async (admin) => {
    // Two files copying one template at the same moment: the second waits its turn and tries again.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${run.templates[kind]}`);
        return;
      } catch (e) {
        if (attempt >= 50 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    url: databaseUrl(TEST_DATABASE_URL, name),
    name,
    drop: () =>
      withAdmin(
        TEST_DATABASE_URL,
        async (admin) => void (await admin.query(`drop database if exists ${name} with (force)`)),
      ),
  };
}

/** A store with nothing in it on this pass's engine; `done` also drops its database on PostgreSQL. */
export async function bareStore(): Promise<{ store: Store; done(): Promise<void> }> {
  if (!TEST_DATABASE_URL) {
    const store = await openPGlite({});
    return { store, done: () => store.close() };
  }
  const db = await createTestDatabase('empty');
  // openStore migrates the copied template: start from nothing instead, on a plain connection.
  const migrated = await openStore({ databaseUrl: db.url, postgres: { poolSize: 1 } });
  await migrated.query('drop schema public cascade');
  await migrated.query('create schema public');
  return {
    store: migrated,
    done: async () => {
      await migrated.close();
      await db.drop();
    },
  };
}

export async function openTestStore(kind: TestStoreKind): Promise<Store> {
  if (TEST_DATABASE_URL) {
    const db = await createTestDatabase(kind);
    const store = await openStore({ databaseUrl: db.url, postgres: { poolSize: 5 } });
    const close = store.close.bind(store);
    let closing: Promise<void> | undefined;
    // Closing the store drops its database too (tests close their stores in afterAll).
    (store as { close(): Promise<void> }).close = () => (closing ??= close().then(() => db.drop()));
    return store;
  }
  const bytes = readFileSync(join(CACHE_DIR, `${kind}-store.tar`));
  return openStore({ loadFrom: new Blob([bytes]) });
}

/** One of the global setup's dumps, for a start on its own store thread (`startEmbedded`'s `storeDump`). */
export function testStoreDump(kind: TestStoreKind): Uint8Array {
  return new Uint8Array(readFileSync(join(CACHE_DIR, `${kind}-store.tar`)));
}

/**
 * The store option of `startEmbedded` for this pass: a dump on the embedded pass, a database of
 * the test file's own on the PostgreSQL pass (dropped by the global teardown).
 */
export async function embeddedTestStore(
  kind: TestStoreKind,
): Promise<{ storeDump: Uint8Array } | { databaseUrl: string }> {
  return TEST_DATABASE_URL ? { databaseUrl: (await createTestDatabase(kind)).url } : { storeDump: testStoreDump(kind) };
}
