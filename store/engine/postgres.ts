/**
 * The server store: a PostgreSQL 15 database reached through DATABASE_URL, shared by any number of
 * processes. node-postgres (`pg`) with its pool: the most used PostgreSQL driver for Node, pure
 * JavaScript (nothing to compile), with LISTEN/NOTIFY on a plain client and COPY FROM STDIN
 * through pg-copy-streams. Values come back as the embedded store returns them (int8 as a number
 * when it fits, dates as Date), so every read API gives the same records on both stores.
 *
 * When the server is unreachable or restarting, calls fail with StoreUnavailableError (a coded
 * error the graph shows as STORE_UNAVAILABLE) instead of a driver error; the pool reconnects by
 * itself once the server is back, and so does the notification listener, which then tells its
 * subscribers that anything may have changed while it was away ('*').
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Queryable, Store } from './store';
import { StoreUnavailableError } from './errors';

export interface PostgresOptions {
  /** Connections this process keeps at most (MADOGUCHI_PG_POOL_SIZE, default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity, to tell the processes sharing a database apart. */
  applicationName?: string;
  /** How long a call waits for a connection before failing as unavailable. */
  connectTimeoutMs?: number;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// The embedded store's parsers, where node-postgres's differ: int8 as a number when it is safe,
// a date as the UTC midnight Date that `new Date('YYYY-MM-DD')` gives.
const PARSERS: Record<number, (value: string) => unknown> = {
  20: (v) => {
    const n = BigInt(v);
    return n < MIN_SAFE || n > MAX_SAFE ? n : Number(n);
  },
  1082: (v) => new Date(v),
};
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PARSERS[oid] ??
    (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as typeof pg.types.getTypeParser,
};

// SQLSTATEs and socket errors that mean "the server is not there right now", not "this SQL is
// wrong": class 08 (connection exception), admin/crash shutdown, cannot connect now, too many
// connections.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|Connection is closed|the database system is (starting up|shutting down)/i;

export function isUnavailable(e: unknown): boolean {
  if (e instanceof StoreUnavailableError) return true;
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  return (
    UNAVAILABLE_CODES.has(code) ||
    code.startsWith('08') ||
    (typeof err?.message === 'string' && UNAVAILABLE_MESSAGES.test(err.message))
  );
}

function mapError(e: unknown): unknown {
  return isUnavailable(e) && !(e instanceof StoreUnavailableError) ? new StoreUnavailableError(e) : e;
}

const READ_ONLY = /^\s*select\b/i;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

function copySql(table: string, columns: string[]): string {
  return `copy ${table} (${columns.join(', ')}) from stdin with (format csv)`;
}

async function copyOn(client: pg.PoolClient | pg.Client, table: string, columns: string[], csv: string): Promise<void> {
  await pipeline(Readable.from([Buffer.from(csv)]), client.query(copyFrom(copySql(table, columns))));
}

function onClient(client: pg.PoolClient): Queryable {
  return {
    query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
    copyFromCsv: (table, columns, csv) => copyOn(client, table, columns, csv),
  };
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly shared = true;
  private readonly pool: pg.Pool;
  private readonly config: pg.ClientConfig;
  private readonly subscribers = new Map<string, Set<(payload: string) => void>>();
  private listener: pg.Client | null = null;
  private listenerConnecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = 200;
  private closed = false;

  constructor(
    readonly databaseUrl: string,
    options: PostgresOptions = {},
  ) {
    this.config = {
      connectionString: databaseUrl,
      application_name: options.applicationName ?? 'madoguchi',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // Timestamps print the same whatever the server's configured zone (queries that need Japan
      // time say so); the embedded store runs in UTC too.
      options: '-c TimeZone=UTC',
      types: TYPES,
      keepAlive: true,
    };
    this.pool = new pg.Pool({ ...this.config, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection the server closed (a restart) must not bring the process down: the pool
    // drops it and opens a new one on the next call.
    this.pool.on('error', () => {});
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(sql, params)).rows as T[];
    } catch (e) {
      // A read that met a connection the server had just closed is safe to send once more.
      if (isUnavailable(e) && READ_ONLY.test(sql) && !this.closed) {
        try {
          return (await this.pool.query(sql, params)).rows as T[];
        } catch (again) {
          throw mapError(again);
        }
      }
      throw mapError(e);
    }
  }

  async copyFromCsv(table: string, columns: string[], csv: string): Promise<void> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await copyOn(client, table, columns, csv);
    } catch (e) {
      broken = e as Error;
      throw mapError(e);
    } finally {
      client.release(broken && isUnavailable(broken) ? broken : undefined);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await fn(onClient(client));
      await client.query('commit');
      return result;
    } catch (e) {
      if (isUnavailable(e)) broken = e as Error;
      else await client.query('rollback').catch((r: Error) => (broken = r));
      throw mapError(e);
    } finally {
      // A connection that failed mid-transaction is destroyed rather than handed to the next caller.
      client.release(broken);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw mapError(e);
    }
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let set = this.subscribers.get(channel);
    const first = !set;
    if (!set) this.subscribers.set(channel, (set = new Set()));
    set.add(onPayload);
    await this.ensureListener();
    if (first && this.listener) await this.listener.query(`listen ${channel}`).catch(() => this.scheduleReconnect());
    return async () => {
      set!.delete(onPayload);
      if (set!.size === 0) {
        this.subscribers.delete(channel);
        await this.listener?.query(`unlisten ${channel}`).catch(() => {});
      }
    };
  }

  /** One dedicated connection carries every LISTEN of this process. */
  private ensureListener(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.listenerConnecting ??= (async () => {
      const client = new pg.Client({ ...this.config, application_name: `${this.config.application_name}-listen` });
      client.on('error', () => this.scheduleReconnect());
      client.on('end', () => this.scheduleReconnect());
      client.on('notification', (n) => {
        for (const fn of this.subscribers.get(n.channel) ?? []) fn(n.payload ?? '');
      });
      try {
        await client.connect();
        for (const channel of this.subscribers.keys()) await client.query(`listen ${channel}`);
        this.listener = client;
        this.reconnectDelayMs = 200;
      } catch (e) {
        client.end().catch(() => {});
        this.scheduleReconnect();
        throw mapError(e);
      } finally {
        this.listenerConnecting = null;
      }
    })();
    return this.listenerConnecting;
  }

  private scheduleReconnect(): void {
    const old = this.listener;
    this.listener = null;
    old?.removeAllListeners('end');
    old?.end().catch(() => {});
    if (this.closed || this.reconnectTimer || this.subscribers.size === 0) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 5_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ensureListener().then(
        () => {
          // Notifications sent while the connection was down are lost: say that anything may
          // have changed, so each subscriber checks for itself.
          for (const set of this.subscribers.values()) for (const fn of set) fn('*');
        },
        () => {},
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    listener?.removeAllListeners('end');
    await listener?.end().catch(() => {});
    await this.pool.end();
  }
}

/** Checks DATABASE_URL's shape before anything connects, naming what is wrong. */
export function validateDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgres://user:password@host:port/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
  }
}

/** Where a DATABASE_URL points, for logs: host, port and database, never the password. */
export function describeDatabaseUrl(url: string): string {
  const u = new URL(url);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}
