/**
 * What CSV and XLSX share once their cells are text: skipping title rows above the header,
 * checking that every mapped column is there, dropping blank rows, and keying each row's cells
 * by column key (NFKC, no whitespace: a header 「従業員数\n（人）」 is found as 従業員数(人)) under
 * the spreadsheet row number the agency sees.
 */
import { AdapterError, type RawRecord } from '../core/adapter';
import { columnKey } from '../core/mapping';
import { closest } from '../core/closest';
import type { RowRejection } from '../../domain/records';

export interface RowAssemblerOptions {
  /** Spreadsheet row (1-based) holding the column names. */
  headerRow: number;
  /** Columns the mapping reads: a header without one of them fails the whole file. */
  requiredColumns: string[];
  /** CSV rows must have exactly the header's width; spreadsheet rows may end early. */
  strictWidth: boolean;
  /** "CSV" or "sheet 一覧": names the input in errors. */
  what: string;
}

export interface RowAssembler {
  /** The column names as the header shows them (NFKC, spaces collapsed), once it has been seen. */
  readonly header: readonly string[] | null;
  /** Takes one row's cells in column order; returns its record, its rejection, or null for a row to skip. */
  row(row: number, cells: readonly string[]): RawRecord | RowRejection | null;
  /** Fails when the input ended before its header row. */
  finish(): void;
}

export const normalizeColumnName = (name: string): string => name.normalize('NFKC').replace(/\s+/g, ' ').trim();

export function isRejection(x: RawRecord | RowRejection): x is RowRejection {
  return 'reason' in x;
}

export function createRowAssembler(opts: RowAssemblerOptions): RowAssembler {
  let header: string[] | null = null;
  // Columns without a name (a stray cell right of the table) carry nothing the mapping can use.
  let named: number[] = [];
  let keys: string[] = [];
  // Each row's record starts as a copy of this one, keyed by every named column: all records then
  // share one shape, where adding keys row by row made every write a slow dictionary-style store.
  let blank: Record<string, string> = {};
  return {
    get header() {
      return header;
    },
    row(row, cells) {
      if (row < opts.headerRow) return null;
      if (row === opts.headerRow) {
        header = cells.map(normalizeColumnName);
        if (!opts.strictWidth) while (header.length > 0 && header[header.length - 1] === '') header.pop();
        named = header.flatMap((h, j) => (h === '' ? [] : [j]));
        keys = header.map(columnKey);
        blank = Object.fromEntries(named.map((j) => [keys[j], '']));
        const present = new Set(keys);
        const missing = opts.requiredColumns.filter((c) => !present.has(columnKey(c)));
        if (missing.length) {
          const found = header.filter(Boolean);
          const hints = missing.map((m) => {
            const near = closest(m, found, columnKey);
            return `"${m}"${near ? ` (closest: "${near}")` : ''}`;
          });
          throw new AdapterError(
            `column(s) ${hints.join(', ')} not in the header of ${opts.what} at row ${row} (found ${found.join(', ')})`,
            'MAPPING',
          );
        }
        return null;
      }
      if (!header) throw new AdapterError(`${opts.what} has no header at row ${opts.headerRow}`, 'MALFORMED');
      if (isBlankRow(cells)) return null;
      if (opts.strictWidth && cells.length !== header.length) {
        return { row, field: null, value: null, reason: `expected ${header.length} cells, found ${cells.length}` };
      }
      const record: Record<string, string> = { ...blank };
      for (const j of named) record[keys[j]] = cells[j] ?? '';
      return { row, cells: record };
    },
    finish() {
      if (!header) throw new AdapterError(`${opts.what} has no header at row ${opts.headerRow}`, 'MALFORMED');
    },
  };
}

function isBlankRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== '' && c.trim() !== '') return false;
  return true;
}
