/**
 * The spreadsheet adapter: a CSV file or URL named in an agency's config, read into raw records.
 * `createSpreadsheetAdapter(config)(ctx)`: config first, the context injected.
 */
import { resolve } from 'node:path';
import type { SpreadsheetSourceConfig } from '../core/config';
import { toRule } from '../core/fields';
import { AdapterError, loadLocation, sha256, type Adapter, type AdapterContext } from '../core/adapter';
import { readCsv } from './csv';

export function resolveLocation(location: string, baseDir: string): string {
  return /^https?:\/\//.test(location) ? location : resolve(baseDir, location);
}

export function createSpreadsheetAdapter(config: SpreadsheetSourceConfig, baseDir: string) {
  const location = resolveLocation(config.location, baseDir);
  const requiredColumns = Object.values(config.mapping)
    .map((m) => toRule(m).column)
    .filter((c): c is string => c !== undefined);
  return (ctx: AdapterContext): Adapter => ({
    async read(state) {
      const loaded = await loadLocation(ctx, location, { state, timeoutMs: config.timeoutMs, retry: config.retry, accept: 'text/csv, */*' });
      if (loaded.status === 'not-modified') return loaded;
      if (config.format !== 'csv') throw new AdapterError(`format ${config.format} is not supported yet`, 'MAPPING');
      const { records, rejections } = readCsv(loaded.body, {
        encoding: config.encoding,
        headerRow: config.headerRow,
        delimiter: config.delimiter,
        requiredColumns,
      });
      return { status: 'ok', contentHash: sha256(loaded.body), etag: loaded.etag, lastModified: loaded.lastModified, records, rejections };
    },
  });
}
