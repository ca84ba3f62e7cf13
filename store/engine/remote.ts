/**
 * The store reached from another thread of the same process: the thread that owns the store
 * (`serveStore`) answers queries, COPY and transactions sent over a MessagePort by a
 * `RemoteStore` on another thread. The embedded start serves a subgraph on a thread of its own
 * this way, so that building a large answer there (an analyst's table of thousands of cells) never
 * holds the thread where the store and the other subgraphs run; PGlite itself can only be used
 * from the thread that opened it.
 *
 * A transaction stays one transaction of the owner's store: `begin` opens it there and every
 * statement of the remote callback runs in it, until the remote side commits or rolls back. A
 * remote side that goes away rolls back whatever it had open.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Queryable, Store } from './store';

type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'copy'; table: string; columns: string[]; csv: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'txQuery'; tx: number; sql: string; params: unknown[] }
  | { id: number; op: 'txCopy'; tx: number; table: string; columns: string[]; csv: string }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'call'; name: string; args: unknown[] };

// Omit<> over a union keeps only common keys; distributing it keeps each request's own.
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string; code?: string; name?: string };

/** Further operations the owner offers by name (the columnar mirror's counts, say). */
export type RemoteHandlers = Record<string, (...args: never[]) => Promise<unknown>>;

class RolledBack extends Error {}

/** On the owner's thread: answers a RemoteStore on `port` until the port closes. */
export function serveStore(store: Store, port: MessagePort, handlers: RemoteHandlers = {}): void {
  let nextTx = 0;
  const open = new Map<number, { tx: Queryable; settle: (commit: boolean) => void; done: Promise<unknown> }>();
  const run = async (m: Request): Promise<unknown> => {
    switch (m.op) {
      case 'query':
        return store.query(m.sql, m.params);
      case 'copy':
        return store.copyFromCsv!(m.table, m.columns, m.csv);
      case 'begin': {
        const id = ++nextTx;
        let done!: Promise<unknown>;
        await new Promise<void>((opened, failed) => {
          done = store
            .transaction(
              (tx) =>
                new Promise<void>((resolve, reject) => {
                  const settle = (commit: boolean) => (commit ? resolve() : reject(new RolledBack('rolled back')));
                  open.set(id, { tx, settle, done });
                  opened();
                }),
            )
            .catch((e: unknown) => {
              failed(e); // when it could not open; a no-op once it has
              if (!(e instanceof RolledBack)) throw e;
            });
          // Awaited by `end`; meanwhile a failure is not an unhandled rejection.
          done.catch(() => {});
        });
        return id;
      }
      case 'txQuery':
        return transaction(m.tx).tx.query(m.sql, m.params);
      case 'txCopy':
        return transaction(m.tx).tx.copyFromCsv!(m.table, m.columns, m.csv);
      case 'end': {
        const t = transaction(m.tx);
        open.delete(m.tx);
        t.settle(m.commit);
        return t.done;
      }
      case 'call': {
        const handler = handlers[m.name];
        if (!handler) throw new Error(`the store offers no "${m.name}"`);
        return (handler as (...args: unknown[]) => Promise<unknown>)(...m.args);
      }
    }
  };
  const transaction = (id: number) => {
    const t = open.get(id);
    if (!t) throw new Error('no such transaction open');
    return t;
  };
  port.on('message', (m: Request) => {
    run(m).then(
      (result) => port.postMessage({ id: m.id, ok: true, result } satisfies Reply),
      (e: unknown) => {
        const err = e as { message?: unknown; code?: unknown; name?: unknown };
        port.postMessage({
          id: m.id,
          ok: false,
          message: String(err?.message ?? e),
          code: typeof err?.code === 'string' ? err.code : undefined,
          name: typeof err?.name === 'string' ? err.name : undefined,
        } satisfies Reply);
      },
    );
  });
  // The other side is gone: what it left open is rolled back, never left holding the store.
  port.on('close', () => {
    for (const t of open.values()) t.settle(false);
    open.clear();
  });
}

/** A store on another thread, as `serveStore` offers it. */
export class RemoteStore implements Store {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly port: MessagePort,
    readonly kind: Store['kind'],
    readonly shared: boolean,
  ) {
    port.on('message', (r: Reply) => {
      const waiting = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (!waiting) return;
      if (r.ok) waiting.resolve(r.result);
      else waiting.reject(Object.assign(new Error(r.message), { code: r.code, remoteName: r.name }));
    });
    // Idle between requests: a waiting port must not keep the thread alive by itself.
    port.unref();
  }

  private send<T>(request: RequestBody): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) this.port.ref();
      this.port.postMessage({ ...request, id });
    }).finally(() => {
      if (this.pending.size === 0) this.port.unref();
    });
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.send<T[]>({ op: 'query', sql, params });
  }

  copyFromCsv(table: string, columns: string[], csv: string): Promise<void> {
    return this.send({ op: 'copy', table, columns, csv });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = await this.send<number>({ op: 'begin' });
    let result: T;
    try {
      result = await fn({
        query: <R>(sql: string, params: unknown[] = []) => this.send<R[]>({ op: 'txQuery', tx, sql, params }),
        copyFromCsv: (table, columns, csv) => this.send({ op: 'txCopy', tx, table, columns, csv }),
      });
    } catch (e) {
      await this.send({ op: 'end', tx, commit: false }).catch(() => {});
      throw e;
    }
    await this.send({ op: 'end', tx, commit: true });
    return result;
  }

  /** An operation the owner offers by name (RemoteHandlers). */
  call<T>(name: string, ...args: unknown[]): Promise<T> {
    return this.send<T>({ op: 'call', name, args });
  }

  listen(): Promise<() => Promise<void>> {
    return Promise.reject(new Error('a remote store does not carry notifications: its owner does'));
  }

  async close(): Promise<void> {
    this.port.close();
  }
}

/** A store reached through its owner's thread. */
export const isRemoteStore = (store: Queryable): store is RemoteStore => store instanceof RemoteStore;
