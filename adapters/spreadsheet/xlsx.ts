/**
 * Excel workbooks (.xlsx) as agencies keep them: a title block above the header, merged cells,
 * several sheets, dates, numbers and rich text in cells. One source reads one sheet — the one
 * named by `sheet`, else the first visible one — so row numbers in refusals point at one place;
 * a workbook with several sheets becomes several sources. Every cell becomes the text the agency
 * sees, and a merged range gives its value to every cell it covers.
 * `readXlsx` loads a whole workbook (what a sync fetches, merges included); `streamXlsx` reads a
 * sheet row by row in constant memory, for workbooks too large to load, without merges (Excel
 * writes them after the rows) and without formulas' error results (exceljs's streaming reader
 * drops them, so such a cell reads as blank).
 */
import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { Cell, CellValue, Row } from 'exceljs';
import { AdapterError, type RawRecord } from '../core/adapter';
import type { RowRejection } from '../../domain/records';
import { createRowAssembler, isRejection, type RowAssembler } from './rows';

// exceljs takes half a second to load; only agencies that publish workbooks need it.
const exceljs = (): typeof import('exceljs') => require('exceljs') as typeof import('exceljs');

export interface XlsxOptions {
  /** Sheet name; the first visible sheet when absent. */
  sheet?: string;
  headerRow: number;
  requiredColumns: string[];
}

type CellText = { text: string } | { error: string };

const pad = (n: number) => String(n).padStart(2, '0');

// Excel stores wall-clock serials without a zone and exceljs hands them over as UTC instants,
// so the UTC fields are the date and time the agency typed.
function dateText(d: Date): string {
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? day : `${day} ${pad(h)}:${pad(m)}:${pad(s)}`;
}

// A "%" outside quotes in the number format means the cell shows a percentage (0.5 → 50%).
const PERCENT_FORMAT = /^(?:[^"]|"[^"]*")*%/;

function numberText(n: number, numFmt: string | undefined): string {
  // toPrecision(15) drops binary noise such as 0.30000000000000004.
  if (numFmt && PERCENT_FORMAT.test(numFmt)) return `${Number((n * 100).toPrecision(15))}%`;
  return String(Number(n.toPrecision(15)));
}

/** The text a cell shows; formula cells give their cached result. */
export function cellText(value: CellValue, numFmt?: string): CellText {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: numberText(value, numFmt) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? '' : dateText(value) };
  if ('error' in value) return { error: value.error };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join('') };
  if ('hyperlink' in value) {
    // A hyperlink's text is itself rich text in some writers' files.
    const shown = cellText(value.text as CellValue, numFmt);
    return 'text' in shown && shown.text === '' ? { text: value.hyperlink } : shown;
  }
  if ('formula' in value || 'sharedFormula' in value) return cellText((value.result ?? null) as CellValue, numFmt);
  return { text: String(value) };
}

// Style lives on the master of a merged range; the other cells of the range have none.
const formatOf = (cell: Cell): string | undefined => (cell.isMerged ? cell.master.numFmt : cell.numFmt) || undefined;

function readRow(row: Row, assembler: RowAssembler): RawRecord | RowRejection | null {
  // Title rows and the header are read as wide as they are; data rows as wide as the header.
  const width = assembler.header ? assembler.header.length : row.cellCount;
  const cells: string[] = [];
  const errors: Array<{ column: number; error: string }> = [];
  for (let c = 1; c <= width; c++) {
    // findCell, unlike getCell, creates no cell where the row has none.
    const cell = row.findCell(c);
    const t = cell ? cellText(cell.value, formatOf(cell)) : { text: '' };
    if ('error' in t) {
      errors.push({ column: c - 1, error: t.error });
      cells.push('');
    } else {
      cells.push(t.text);
    }
  }
  const out = assembler.row(row.number, cells);
  if (!out || isRejection(out)) return out;
  // An error value (#N/A, #REF!…) is a broken formula, not data: the row is refused, naming the cell.
  const header = assembler.header ?? [];
  const broken = errors.find((e) => header[e.column]);
  return broken
    ? {
        row: row.number,
        field: header[broken.column],
        value: broken.error,
        reason: `the cell holds the spreadsheet error ${broken.error}`,
      }
    : out;
}

function assemblerFor(sheetName: string, opts: XlsxOptions): RowAssembler {
  return createRowAssembler({
    headerRow: opts.headerRow,
    requiredColumns: opts.requiredColumns,
    strictWidth: false,
    what: `sheet "${sheetName}"`,
  });
}

function noSuchSheet(wanted: string, names: string[]): AdapterError {
  return new AdapterError(
    `the workbook has no sheet "${wanted}" (sheets: ${names.map((n) => `"${n}"`).join(', ')})`,
    'MAPPING',
  );
}

export async function readXlsx(
  bytes: Buffer,
  opts: XlsxOptions,
): Promise<{ records: RawRecord[]; rejections: RowRejection[] }> {
  const workbook = new (exceljs().Workbook)();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new AdapterError(`XLSX cannot be read: ${(e as Error).message}`, 'MALFORMED');
  }
  const sheets = workbook.worksheets;
  const sheet =
    opts.sheet === undefined ? sheets.find((s) => s.state === 'visible') : sheets.find((s) => s.name === opts.sheet);
  if (!sheet) {
    if (opts.sheet !== undefined)
      throw noSuchSheet(
        opts.sheet,
        sheets.map((s) => s.name),
      );
    throw new AdapterError('the workbook has no visible sheet', 'MALFORMED');
  }
  const assembler = assemblerFor(sheet.name, opts);
  const records: RawRecord[] = [];
  const rejections: RowRejection[] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.findRow(r);
    const out = row ? readRow(row, assembler) : null;
    if (out && isRejection(out)) rejections.push(out);
    else if (out) records.push(out);
  }
  assembler.finish();
  return { records, rejections };
}

/**
 * exceljs's streaming reader decodes each chunk of the workbook's XML on its own, so a multi-byte
 * character cut between two chunks turns into U+FFFD — about one Japanese row in two thousand
 * (exceljs issues #2063 and #2084). exceljs passes strings through untouched, so the fix is a
 * UTF-8 string decoder on every stream it reads XML from: its zip parser takes its input by
 * pipe(), and this input sets the decoder on each XML entry as the parser hands it on; a sheet
 * that comes before the shared strings is parked in a temp file and read back later, and
 * `decodeParkedSheet` sets it on that file's stream. The streaming test guards both.
 */
class Utf8EntriesInput extends PassThrough {
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const zip = destination as unknown as { push?: (chunk: unknown) => boolean };
    const push = zip.push?.bind(zip);
    if (push) {
      zip.push = (entry: unknown) => {
        const e = entry as { path?: unknown; setEncoding?: (enc: BufferEncoding) => void } | null;
        if (e && typeof e.setEncoding === 'function' && typeof e.path === 'string' && /\.(xml|rels)$/.test(e.path))
          e.setEncoding('utf8');
        return push(entry);
      };
    }
    return super.pipe(destination, options);
  }
}

function decodeParkedSheet(worksheet: object): void {
  const source = (worksheet as { iterator?: { setEncoding?: (enc: BufferEncoding) => void } }).iterator;
  if (source && typeof source.setEncoding === 'function') source.setEncoding('utf8');
}

/**
 * Streams one sheet's records row by row. The workbook is a zip that cannot be read backwards,
 * so the sheet is found by name as the reader reaches it.
 */
export async function* streamXlsx(
  input: Readable | string,
  opts: XlsxOptions,
): AsyncGenerator<RawRecord | RowRejection> {
  // Styles are needed to tell dates and percentages from plain numbers.
  const source = typeof input === 'string' ? createReadStream(input) : input;
  const reader = new (exceljs().stream.xlsx.WorkbookReader)(source.pipe(new Utf8EntriesInput()), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const seen: string[] = [];
  try {
    for await (const worksheet of reader) {
      decodeParkedSheet(worksheet);
      const name = (worksheet as unknown as { name: string }).name;
      seen.push(name);
      if (opts.sheet !== undefined && name !== opts.sheet) {
        for await (const _ of worksheet) void _;
        continue;
      }
      const assembler = assemblerFor(name, opts);
      for await (const row of worksheet) {
        const out = readRow(row, assembler);
        if (out) yield out;
      }
      assembler.finish();
      return;
    }
  } catch (e) {
    if (e instanceof AdapterError) throw e;
    throw new AdapterError(`XLSX cannot be read: ${(e as Error).message}`, 'MALFORMED');
  }
  if (opts.sheet !== undefined) throw noSuchSheet(opts.sheet, seen);
  throw new AdapterError('the workbook has no sheet', 'MALFORMED');
}
