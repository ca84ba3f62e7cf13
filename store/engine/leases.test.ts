/**
 * Leases on the pass's store (PGlite, or PostgreSQL on the server pass): one holder at a time,
 * taken over only once expired, renewed only by its holder, and a write fenced on a lost lease
 * refused. Also: migrations started by several openers at once apply once.
 */
import type { Store } from './store';
import { openStore } from './open';
import { acquire, fence, holders, release, renew } from './leases';
import { LeaseLostError } from './errors';
import { openTestStore, TEST_DATABASE_URL, createTestDatabase } from '../../test/support/store';

let store: Store;

beforeAll(async () => {
  store = await openTestStore('empty');
});

afterAll(async () => {
  await store?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('one holder at a time; another takes the lease only once it has expired', async () => {
  expect(await acquire(store, 'sync:a', 'p1', 1_000)).toBe(true);
  expect(await acquire(store, 'sync:a', 'p2', 1_000)).toBe(false);
  expect(await renew(store, 'sync:a', 'p2', 1_000)).toBe(false);
  expect(await renew(store, 'sync:a', 'p1', 1_000)).toBe(true);
  expect((await holders(store)).map((h) => [h.name, h.holder])).toEqual([['sync:a', 'p1']]);
  await sleep(1_300);
  // p1's lease has run out; p2 takes it for long enough that a slow machine cannot expire it mid-test.
  expect(await acquire(store, 'sync:a', 'p2', 60_000)).toBe(true);
  // The old holder, back from a long pause, can neither renew nor write.
  expect(await renew(store, 'sync:a', 'p1', 300)).toBe(false);
  await expect(store.transaction((tx) => fence(tx, 'sync:a', 'p1'))).rejects.toBeInstanceOf(LeaseLostError);
  await store.transaction((tx) => fence(tx, 'sync:a', 'p2'));
  await release(store, 'sync:a', 'p1'); // not the holder: nothing happens
  expect(await acquire(store, 'sync:a', 'p3', 300)).toBe(false);
  await release(store, 'sync:a', 'p2');
  expect(await acquire(store, 'sync:a', 'p3', 300)).toBe(true);
  await release(store, 'sync:a', 'p3');
});

test('a rolled-back write leaves the lease as it was', async () => {
  // Long enough that a slow machine cannot expire it between the write and the renewal.
  expect(await acquire(store, 'sync:b', 'p1', 60_000)).toBe(true);
  await expect(
    store.transaction(async (tx) => {
      await fence(tx, 'sync:b', 'p1');
      throw new Error('the write failed');
    }),
  ).rejects.toThrow('the write failed');
  expect(await renew(store, 'sync:b', 'p1', 60_000)).toBe(true);
  await release(store, 'sync:b', 'p1');
});

(TEST_DATABASE_URL ? test : test.skip)(
  'several processes opening a new database at once apply the migrations once (PostgreSQL pass)',
  async () => {
    const db = await createTestDatabase('empty');
    // The copied template is migrated already: start from nothing instead.
    const bare = await openStore({ databaseUrl: db.url });
    await bare.query('drop schema public cascade');
    await bare.query('create schema public');
    await bare.close();
    const openers = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ databaseUrl: db.url, postgres: { poolSize: 2 } })),
    );
    try {
      const rows = await openers[0].query<{ version: number; n: number }>(
        'select version, count(*)::int as n from schema_migrations group by version order by version',
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await Promise.all(openers.map((s) => s.close()));
      await db.drop();
    }
  },
);
