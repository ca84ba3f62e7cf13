/**
 * Parsing, mapping and rendering a large spreadsheet off the main thread. The main thread only
 * fetches the bytes and writes the store; a worker turns the bytes into COPY lines (and, for
 * consultations, their rollups), the same records the in-thread path would store.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AgencyConfig, SpreadsheetSourceConfig } from '../core/config';
import { AdapterError } from '../core/adapter';
import { parseSpreadsheet } from '../spreadsheet';
import { dropDuplicateIds, type EncodedRecords } from '../store/ingest';
import type { ConsultationRecord, Provenance, RowRejection } from '../store/records';
import { ROLLUP_TABLE, computeRollups } from '../store/rollups';
import { TABLES, copyCsvLines, toCopyCsv } from '../store/tables';
import { prepareSnapshot } from './sync';

export interface PrepareJob {
  agency: AgencyConfig;
  source: SpreadsheetSourceConfig;
  body: Uint8Array;
  provenance: Omit<Provenance, 'sourceRow'>;
}

export type PrepareResult =
  | { ok: true; encoded: EncodedRecords; rejections: RowRejection[] }
  | { ok: false; message: string; code: AdapterError['code'] };

/** Files smaller than this are parsed in place: handing them over would cost more than it saves. */
export const OFFLOAD_MIN_BYTES = 256 * 1024;

export async function encodeSpreadsheet(job: PrepareJob): Promise<PrepareResult> {
  try {
    const { provenance, source } = job;
    const parsed = await parseSpreadsheet(source, Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength));
    const { records, rejections } = prepareSnapshot(job.agency, source, { status: 'ok', etag: null, lastModified: null, ...parsed, contentHash: provenance.contentHash }, provenance);
    const { accepted, duplicates } = dropDuplicateIds(records);
    const rows = accepted as unknown as Array<Record<string, unknown>>;
    return {
      ok: true,
      encoded: {
        ids: accepted.map((r) => r.id),
        rows: accepted.map((r) => r.sourceRow),
        lines: copyCsvLines(TABLES[source.entity].columns, rows),
        rollupCsv: source.entity === 'consultation' ? toCopyCsv(ROLLUP_TABLE.columns, computeRollups(provenance.sourceId, accepted as ConsultationRecord[]) as unknown as Array<Record<string, unknown>>) : null,
      },
      rejections: [...rejections, ...duplicates],
    };
  } catch (e) {
    return e instanceof AdapterError ? { ok: false, message: e.message, code: e.code } : { ok: false, message: (e as Error).message, code: 'MALFORMED' };
  }
}

export interface PreparePool {
  prepare(job: PrepareJob): Promise<PrepareResult>;
  close(): Promise<void>;
}

/** Worker threads for a sync run, started on first use. MADOGUCHI_SYNC_WORKERS=0 keeps all in place. */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env.MADOGUCHI_SYNC_WORKERS;
  if (configured !== undefined && /^\d+$/.test(configured)) return Number(configured);
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

export function createPreparePool(size: number): PreparePool {
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const spawn = (): Worker => {
    // The worker is TypeScript like the rest: a two-line bootstrap loads it through tsx's CommonJS
    // hook, whatever runs the parent (tsx, node --import tsx, jest).
    const entry = JSON.stringify(join(__dirname, 'offload-worker.ts'));
    const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
    const worker = new Worker(`require(${tsx}).register(); require(${entry});`, { eval: true, execArgv: [] });
    workers.add(worker);
    // Errors are answered per job below; one while idle only ends that worker.
    worker.on('error', () => {});
    worker.once('exit', () => workers.delete(worker));
    return worker;
  };
  const acquire = (): Promise<Worker> => {
    const w = idle.pop() ?? (workers.size < size ? spawn() : undefined);
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: Worker, healthy: boolean) => {
    if (!healthy) void w.terminate();
    const next = waiting.shift();
    if (next) next(healthy ? w : spawn());
    else if (healthy) idle.push(w);
  };
  return {
    async prepare(job) {
      const worker = await acquire();
      let healthy = true;
      try {
        return await new Promise<PrepareResult>((resolve, reject) => {
          const done = () => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          };
          const onMessage = (result: PrepareResult) => {
            done();
            resolve(result);
          };
          const onError = (e: Error) => {
            done();
            healthy = false;
            reject(new Error(`sync worker failed: ${e.message}`));
          };
          const onExit = (code: number) => {
            done();
            healthy = false;
            reject(new Error(`sync worker exited (code ${code}) before answering`));
          };
          worker.on('message', onMessage);
          worker.on('error', onError);
          worker.on('exit', onExit);
          worker.postMessage(job);
        });
      } finally {
        release(worker, healthy);
      }
    },
    async close() {
      idle.length = 0;
      await Promise.all([...workers].map((w) => w.terminate()));
    },
  };
}
