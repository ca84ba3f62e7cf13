/**
 * CSV as agencies publish it: UTF-8 with or without BOM, or Shift_JIS/CP932 from Excel on
 * Windows; title rows above the header; quoted cells spanning lines. Decodes and splits into
 * raw records keyed by header; rows with the wrong number of cells are refused one by one.
 */
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { AdapterError, type RawRecord } from '../core/adapter';
import type { RowRejection } from '../store/records';

export type Encoding = 'auto' | 'utf-8' | 'shift_jis';

/** Decodes bytes; "auto" takes a BOM or valid UTF-8 as UTF-8 and anything else as CP932. */
export function decodeText(bytes: Buffer, encoding: Encoding): string {
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (encoding === 'shift_jis') return iconv.decode(bytes, 'cp932');
  if (encoding === 'utf-8' || hasBom) return new TextDecoder('utf-8').decode(hasBom ? bytes.subarray(3) : bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'cp932');
  }
}

export interface CsvOptions {
  encoding: Encoding;
  headerRow: number;
  delimiter: string;
  requiredColumns: string[];
}

export function readCsv(bytes: Buffer, opts: CsvOptions): { records: RawRecord[]; rejections: RowRejection[] } {
  const text = decodeText(bytes, opts.encoding);
  let rows: string[][];
  try {
    rows = parse(text, { delimiter: opts.delimiter, relax_column_count: true, skip_empty_lines: false, bom: true });
  } catch (e) {
    throw new AdapterError(`CSV cannot be parsed: ${(e as Error).message}`, 'MALFORMED');
  }
  const header = rows[opts.headerRow - 1]?.map((h) => h.normalize('NFKC').trim());
  if (!header) throw new AdapterError(`CSV has no header at row ${opts.headerRow}`, 'MALFORMED');
  const missing = opts.requiredColumns.filter((c) => !header.includes(c.normalize('NFKC').trim()));
  if (missing.length) {
    throw new AdapterError(`column(s) ${missing.map((m) => `"${m}"`).join(', ')} not in the header (found ${header.join(', ')})`, 'MAPPING');
  }
  const records: RawRecord[] = [];
  const rejections: RowRejection[] = [];
  for (let i = opts.headerRow; i < rows.length; i++) {
    const cells = rows[i];
    const row = i + 1;
    if (cells.every((c) => c.trim() === '')) continue;
    if (cells.length !== header.length) {
      rejections.push({ row, field: null, value: null, reason: `expected ${header.length} cells, found ${cells.length}` });
      continue;
    }
    const record: Record<string, string> = {};
    header.forEach((h, j) => (record[h] = cells[j]));
    records.push({ row, cells: record });
  }
  return { records, rejections };
}
