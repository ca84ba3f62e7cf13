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
import { dropDuplicateIds, withRecordKeys, type EncodedRecords } from '../../store/ingest';
import type { ConsultationRecord, Provenance, RowRejection } from '../../domain/records';
import { ROLLUP_TABLE, computeRollups } from '../../store/rollups';
import { TABLES, copyCsvLines, toCopyCsv } from '../../store/tables';
import { prepareSnapshot } from './prepare';

export interface PrepareJob {
  agency: AgencyConfig;
  source: SpreadsheetSourceConfig;
  body: Uint8Array;
  provenance: Omit<Provenance, 'sourceRow'>;
  /** The store's secret for consultations' record keys (store/recordKeys.ts); unused for other entities. */
  recordKeySecret: string;
}

export type PrepareResult =
  | { ok: true; encoded: EncodedRecords; rejections: RowRejection[] }
  | { ok: false; message: string; code: AdapterError['code'] };

/** The parse worker's nice value on Linux (0 normal, 19 lowest): it gives way to the main thread. */
export const PARSE_WORKER_NICE = 10;

/** Files smaller than this are parsed in place: handing them over would cost more than it saves. */
export const OFFLOAD_MIN_BYTES = 64 * 1024;

export async function encodeSpreadsheet(job: PrepareJob): Promise<PrepareResult> {
  try {
    const { provenance, source } = job;
    const parsed = await parseSpreadsheet(source, Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength));
    const { records, rejections } = prepareSnapshot(job.agency, source, { status: 'ok', etag: null, lastModified: null, ...parsed, contentHash: provenance.contentHash }, provenance);
    const { accepted, duplicates } = dropDuplicateIds(records);
    const keyed = source.entity === 'consultation' ? withRecordKeys(job.recordKeySecret, accepted as ConsultationRecord[]) : [];
    const rows = accepted as unknown as Array<Record<string, unknown>>;
    return {
      ok: true,
      encoded: {
        ids: accepted.map((r) => r.id),
        rows: accepted.map((r) => r.sourceRow),
        lines: copyCsvLines(TABLES[source.entity].columns, rows),
        rollupCsv: source.entity === 'consultation' ? toCopyCsv(ROLLUP_TABLE.columns, computeRollups(provenance.sourceId, keyed) as unknown as Array<Record<string, unknown>>) : null,
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

/**
 * A pool of up to `size` workers, each started on first use; `eager` starts one at once, so it
 * boots (loads its modules) while the caller is still busy with other things.
 */
export function createPreparePool(size: number, options: { eager?: boolean } = {}): PreparePool {
  interface Slot {
    worker: Worker;
    /** Jobs posted to this worker and not answered yet, by id. */
    pending: Map<number, { resolve: (r: PrepareResult) => void; reject: (e: Error) => void }>;
  }
  const slots = new Set<Slot>();
  let nextId = 0;
  const spawn = (): Slot => {
    // The worker is TypeScript like the rest: a two-line bootstrap loads it through tsx's CommonJS
    // hook, whatever runs the parent (tsx, node --import tsx, jest).
    const entry = JSON.stringify(join(__dirname, 'offload-worker.ts'));
    const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
    const worker = new Worker(`require(${tsx}).register(); require(${entry});`, { eval: true, execArgv: [] });
    const slot: Slot = { worker, pending: new Map() };
    slots.add(slot);
    const fail = (e: Error) => {
      // A worker that fails answers none of its jobs: each is refused and the worker replaced.
      slots.delete(slot);
      for (const { reject } of slot.pending.values()) reject(e);
      slot.pending.clear();
      void worker.terminate();
    };
    worker.on('message', ({ id, result }: { id: number; result: PrepareResult }) => {
      const waiting = slot.pending.get(id);
      slot.pending.delete(id);
      waiting?.resolve(result);
    });
    worker.on('error', (e) => fail(new Error(`sync worker failed: ${e.message}`)));
    worker.once('exit', (code) => fail(new Error(`sync worker exited (code ${code}) before answering`)));
    return slot;
  };
  // Jobs go to the least loaded worker, and queue there rather than wait here: a worker never
  // idles waiting for the main thread to hand it the next file.
  const pick = (): Slot => {
    let best: Slot | undefined;
    for (const slot of slots) if (!best || slot.pending.size < best.pending.size) best = slot;
    return best && (best.pending.size === 0 || slots.size >= size) ? best : spawn();
  };
  if (options.eager && size > 0) spawn();
  return {
    prepare(job) {
      const slot = pick();
      const id = nextId++;
      return new Promise<PrepareResult>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, job });
      });
    },
    async close() {
      const all = [...slots];
      slots.clear();
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
