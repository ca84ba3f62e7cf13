/**
 * The store reached through its owner's port (what a subgraph on a thread of its own uses): its
 * queries, a transaction that commits all its statements or none of them, errors with their
 * SQLSTATE, named operations of the owner, and a remote side that goes away mid-transaction
 * leaving the store free and unchanged.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Store } from '../store';
import { openTestStore } from '../../test/support/store';
import { RemoteStore, serveStore } from './remote';

let store: Store;

beforeAll(async () => {
  store = await openTestStore('empty');
  await store.query('create table remote_test (n integer primary key)');
});

afterAll(async () => {
  await store.close();
});

function connect(handlers = {}) {
  const channel = new MessageChannel();
  serveStore(store, channel.port1, handlers);
  return { remote: new RemoteStore(channel.port2, store.kind, store.shared), channel };
}

const numbers = async () => (await store.query<{ n: number }>('select n from remote_test order by n')).map((r) => r.n);

test('queries run on the owner, with parameters, and errors keep their SQLSTATE', async () => {
  const { remote, channel } = connect();
  expect(await remote.query<{ x: number }>('select $1::int + 1 as x', [41])).toEqual([{ x: 42 }]);
  await expect(remote.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
  channel.port1.close();
});

test('a transaction commits all of its statements, or none when its callback throws', async () => {
  const { remote, channel } = connect();
  await remote.transaction(async (tx) => {
    await tx.query('insert into remote_test values (1)');
    await tx.query('insert into remote_test values (2)');
  });
  expect(await numbers()).toEqual([1, 2]);
  await expect(
    remote.transaction(async (tx) => {
      await tx.query('insert into remote_test values (3)');
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  await expect(
    remote.transaction(async (tx) => {
      await tx.query('insert into remote_test values (4)');
      await tx.query('insert into remote_test values (1)'); // a duplicate key
    }),
  ).rejects.toMatchObject({ code: '23505' });
  expect(await numbers()).toEqual([1, 2]);
  channel.port1.close();
});

test("the owner's named operations answer; an unknown one is an error", async () => {
  const { remote, channel } = connect({ double: async (n: number) => n * 2 });
  expect(await remote.call('double', 21)).toBe(42);
  await expect(remote.call('triple', 1)).rejects.toThrow('offers no "triple"');
  channel.port1.close();
});

test('a remote side gone mid-transaction leaves the store free and unchanged', async () => {
  const { remote } = connect();
  let inside!: () => void;
  const reached = new Promise<void>((r) => (inside = r));
  const abandoned = remote.transaction(async (tx) => {
    await tx.query('insert into remote_test values (9)');
    inside();
    await new Promise(() => {}); // never finishes: its thread is about to go
  });
  abandoned.catch(() => {});
  await reached;
  await remote.close();
  // The owner rolled it back: the store answers, and 9 never landed.
  expect(await numbers()).toEqual([1, 2]);
});
