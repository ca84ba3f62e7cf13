/**
 * The spreadsheet adapter: a CSV file or an Excel workbook, at a path or URL named in an agency's
 * config. Reading fetches the bytes; `parseSpreadsheet` turns them into raw records, which the
 * sync's pipeline does in place or on a worker. `createSpreadsheetAdapter(config)(ctx)`: config
 * first, the context injected.
 */
import type { SpreadsheetSourceConfig } from '../core/config';
import { mappedColumns } from '../core/mapping';
import {
  loadLocation,
  resolveLocation,
  sha256,
  type Adapter,
  type AdapterContext,
  type RawRecord,
} from '../core/adapter';
import type { RowRejection } from '../../domain/records';
import { readCsv } from './csv';
import { readXlsx } from './xlsx';

export { resolveLocation } from '../core/adapter';

const ACCEPT = {
  csv: 'text/csv, */*',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, */*',
} as const;

/** Decodes and splits a spreadsheet's bytes into raw records: pure CPU, so it can run in a worker. */
export async function parseSpreadsheet(
  config: SpreadsheetSourceConfig,
  body: Buffer,
): Promise<{ records: RawRecord[]; rejections: RowRejection[] }> {
  const requiredColumns = mappedColumns(config.mapping, config.where);
  return config.format === 'xlsx'
    ? readXlsx(body, { sheet: config.sheet, headerRow: config.headerRow, requiredColumns })
    : readCsv(body, {
        encoding: config.encoding,
        headerRow: config.headerRow,
        delimiter: config.delimiter,
        requiredColumns,
      });
}

export function createSpreadsheetAdapter(config: SpreadsheetSourceConfig, baseDir: string) {
  const location = resolveLocation(config.location, baseDir);
  return (ctx: AdapterContext): Adapter => ({
    async read(state) {
      const loaded = await loadLocation(ctx, location, {
        state,
        timeoutMs: config.timeoutMs,
        retry: config.retry,
        accept: ACCEPT[config.format],
      });
      if (loaded.status === 'not-modified') return loaded;
      return {
        status: 'ok',
        contentHash: sha256(loaded.body),
        etag: loaded.etag,
        lastModified: loaded.lastModified,
        body: loaded.body,
      };
    },
  });
}
