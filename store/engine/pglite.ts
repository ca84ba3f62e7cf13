/**
 * The embedded store: PGlite (PostgreSQL compiled to WebAssembly) in this process, on a data
 * directory or in memory. One process owns it; its SQL is the same plain PostgreSQL the server
 * store runs.
 */
import { PGlite } from '@electric-sql/pglite';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Queryable, Store } from './store';

const tracer = trace.getTracer('madoguchi');

/**
 * A span per query when tracing is on (PostgreSQL's queries get theirs from the pg
 * instrumentation): the statement's text, never its parameters, which may hold a firm's data.
 */
function traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'pglite.query',
    { attributes: { 'db.system.name': 'postgresql', 'db.query.text': sql.slice(0, 1000) } },
    async (span) => {
      try {
        return await run();
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

export class PGliteStore implements Store {
  readonly kind = 'pglite' as const;
  /** A data directory serves one process: nothing else can write it, so syncs need no leases. */
  readonly shared = false;

  constructor(
    private readonly db: PGlite,
    /** Gives the data directory back (dataDirLock.ts) once closed. */
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return traced(sql, async () => (await this.db.query<T>(sql, params)).rows);
  }

  // PGlite takes COPY data from a blob at the pseudo path /dev/blob (its stand-in for STDIN).
  async copyFromCsv(table: string, columns: string[], csv: string): Promise<void> {
    await this.db.query(copySql(table, columns), [], { blob: new Blob([csv]) });
  }

  // …and hands COPY TO's output back as a blob from the same pseudo path.
  async copyToCsv(select: string): Promise<Uint8Array> {
    const result = await this.db.query(`copy (${select}) to '/dev/blob' with (format csv)`);
    return new Uint8Array(result.blob ? await result.blob.arrayBuffer() : new ArrayBuffer(0));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: <R>(sql: string, params: unknown[] = []) =>
          traced(sql, async () => (await tx.query<R>(sql, params)).rows),
        copyFromCsv: async (table, columns, csv) => {
          await tx.query(copySql(table, columns), [], { blob: new Blob([csv]) });
        },
      }),
    );
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onPayload);
  }

  async dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      await this.release();
    }
  }
}

function copySql(table: string, columns: string[]): string {
  return `copy ${table} (${columns.join(', ')}) from '/dev/blob' with (format csv)`;
}

export async function openPGlite(
  options: { dataDir?: string; loadFrom?: Blob | File },
  release?: () => Promise<void>,
): Promise<PGliteStore> {
  return new PGliteStore(await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadFrom }), release);
}
