/**
 * The columnar engine behind analysts' statistics and the growth refresh: an embedded DuckDB in
 * this process's memory. DuckDB runs every statement on its own threads (the calls below only
 * await them), so an analyst's group-by over a million consultations never holds the thread that
 * serves the store and the subgraphs. It is fed CSV files the store exports (read by DuckDB's own
 * reader, in C++), never row by row from JavaScript, and it has no extensions: nothing is
 * downloaded at run time.
 *
 * A few connections are kept so that several analysts' queries run side by side; statements on
 * one connection run one after another.
 */
import { availableParallelism } from 'node:os';
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';

export interface ColumnarEngineOptions {
  /** DuckDB worker threads (default: one less than the cores, at least one). */
  threads?: number;
  /** The most memory DuckDB may use, as DuckDB reads it ('512MB', '2GB'). */
  memoryLimit?: string;
  /** Connections for concurrent reads. */
  readers?: number;
}

export type Param = string | number | boolean | null | readonly string[];

/** One column of a query's answer as JavaScript values (numbers for integers, strings for text). */
export type Row = Record<string, string | number | boolean | null>;

export class ColumnarEngine {
  private next = 0;
  private closed = false;
  /** Calls under way: DuckDB must not be closed beneath one (its binding aborts the process). */
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
  ) {}

  static async open(options: ColumnarEngineOptions = {}): Promise<ColumnarEngine> {
    // Loaded on first use: a process that never counts never loads the native library.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(threads),
      memory_limit: options.memoryLimit ?? '1GB',
      // Nothing is fetched from the network, and files are read only where the mirror says.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const writer = await instance.connect();
    const readers = await Promise.all(Array.from({ length: options.readers ?? 4 }, () => instance.connect()));
    return new ColumnarEngine(instance, writer, readers);
  }

  /** Runs `work` unless the engine is closing, and lets close() wait for it. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the columnar engine is closed'));
    const p = work();
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Runs statements that change the mirror, one after another on the writing connection. */
  write(sql: string, params: Param[] = []): Promise<void> {
    return this.track(async () => {
      const { values, types } = await bind(params);
      await this.writer.run(sql, values, types);
    });
  }

  /**
   * Runs a query on the next reading connection (or on the writing one, which sees its own
   * temporary tables) and returns its rows as plain objects.
   */
  rows<T extends Row = Row>(sql: string, params: Param[] = [], on: 'reader' | 'writer' = 'reader'): Promise<T[]> {
    return this.track(async () => {
      const connection = on === 'writer' ? this.writer : this.readers[this.next++ % this.readers.length];
      const { values, types } = await bind(params);
      return plain<T>((await connection.runAndReadAll(sql, values, types)).getRowObjectsJS());
    });
  }

  /**
   * Runs a query on the next reading connection and returns its answer as columns, one array of
   * JavaScript values per selected column (integers as numbers): no object per row.
   */
  columns(sql: string, params: Param[] = []): Promise<Array<Array<string | number | boolean | null>>> {
    return this.track(async () => {
      const connection = this.readers[this.next++ % this.readers.length];
      const { values, types } = await bind(params);
      const columns = (await connection.runAndReadAll(sql, values, types)).getColumnsJS();
      return columns.map((column) =>
        column.map((v) => (typeof v === 'bigint' ? Number(v) : (v as string | number | boolean | null))),
      );
    });
  }

  /**
   * Runs `fn` on a connection of its own (its temporary tables are its own), closed afterwards:
   * a long job such as the growth refresh neither waits for nor holds up the readers.
   */
  session<T>(fn: (session: ColumnarSession) => Promise<T>): Promise<T> {
    return this.track(() => this.inSession(fn));
  }

  private async inSession<T>(fn: (session: ColumnarSession) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      return await fn({
        write: async (sql, params = []) => {
          const { values, types } = await bind(params);
          await connection.run(sql, values, types);
        },
        rows: async <R extends Row>(sql: string, params: Param[] = []) => {
          const { values, types } = await bind(params);
          return plain<R>((await connection.runAndReadAll(sql, values, types)).getRowObjectsJS());
        },
      });
    } finally {
      connection.closeSync();
    }
  }

  /** Refuses new calls, waits for those under way, then closes DuckDB. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    for (const c of [this.writer, ...this.readers]) c.closeSync();
    this.instance.closeSync();
  }
}

export interface ColumnarSession {
  write(sql: string, params?: Param[]): Promise<void>;
  rows<T extends Row = Row>(sql: string, params?: Param[]): Promise<T[]>;
}

/** Rows with integers as numbers (DuckDB gives BIGINT as bigint; counts here stay far below 2^53). */
function plain<T extends Row>(rows: Record<string, unknown>[]): T[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : (v as Row[string]);
    return out as T;
  });
}

async function bind(params: Param[]): Promise<{ values: DuckDBValue[]; types: DuckDBType[] | undefined }> {
  if (params.length === 0) return { values: [], types: undefined };
  const { listValue, LIST, VARCHAR, BIGINT, DOUBLE, BOOLEAN } = await import('@duckdb/node-api');
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  for (const p of params) {
    if (Array.isArray(p)) {
      values.push(listValue(p as string[]));
      types.push(LIST(VARCHAR));
    } else if (typeof p === 'number') {
      values.push(Number.isInteger(p) ? BigInt(p) : p);
      types.push(Number.isInteger(p) ? BIGINT : DOUBLE);
    } else if (typeof p === 'boolean') {
      values.push(p);
      types.push(BOOLEAN);
    } else {
      values.push(p as string | null);
      types.push(VARCHAR);
    }
  }
  return { values, types };
}
