/**
 * What `agency:init` learns from a source it has never seen, before proposing any mapping: what
 * kind of source it is (a CSV or workbook, a JSON answer, an HTML list page), how to read it
 * (encoding, delimiter, header row, sheet, where the records are) and its columns with every
 * row's value. Reading goes through the same readers the sync uses, so the proposal is made
 * from exactly the cells a sync will see.
 */
import Papa from 'papaparse';
import { isUtf8 } from 'node:buffer';
import { AdapterError, createAdapterContext, loadLocation, type AdapterContext } from '../core/adapter';
import { columnKey } from '../core/mapping';
import { notARecord } from '../sync/not-records';
import { decodeText, hasUtf8Bom, readCsv } from '../spreadsheet/csv';
import { readXlsx, cellText } from '../spreadsheet/xlsx';
import { flattenRecord } from '../api';
import { sampleWebsite } from './page';
import type { CellValue } from 'exceljs';

export type SourceKindName = 'spreadsheet' | 'api' | 'website';

export interface SampleColumn {
  /** As the source writes it (a header, a JSON path, an extracted field's name). */
  name: string;
  /** One value per row ('' where the row has none). */
  values: string[];
}

export interface Sample {
  kind: SourceKindName;
  /** Settings of the source besides its mapping, in the order the YAML lists them. */
  settings: Array<[string, unknown, string?]>;
  /** What the reader noticed and the YAML says in comments. */
  notes: string[];
  columns: SampleColumn[];
  rows: number;
  /** The spreadsheet row (or list position) of each record. */
  rowNumbers: number[];
}

const MAX_HEADER_SCAN = 30;

/**
 * The sample without the rows that are not records (a total, a source line, a note, the labels
 * repeated), by the sync's own rule: init proposes from the records alone, and says which rows a
 * sync will skip.
 */
export function withoutNonRecords(sample: Sample): Sample {
  const keep: number[] = [];
  const skipped: string[] = [];
  const labels = sample.columns.map((c) => c.name);
  for (let r = 0; r < sample.rows; r++) {
    const cells = Object.fromEntries(sample.columns.map((c) => [c.name, c.values[r]]));
    const why = notARecord(cells, labels);
    if (why) skipped.push(`row ${sample.rowNumbers[r] ?? r + 1} (${why})`);
    else keep.push(r);
  }
  if (skipped.length === 0) return sample;
  return {
    ...sample,
    notes: [
      ...sample.notes,
      `${skipped.length} row(s) are not records and a sync skips them: ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; …' : ''}`,
    ],
    columns: sample.columns.map((c) => ({ name: c.name, values: keep.map((r) => c.values[r]) })),
    rows: keep.length,
    rowNumbers: keep.map((r) => sample.rowNumbers[r] ?? r + 1),
  };
}

/** Reads a source's bytes from a path or URL and takes its shape. */
export async function readSample(
  location: string,
  opts: { kind?: SourceKindName; ctx?: AdapterContext } = {},
): Promise<Sample> {
  const ctx = opts.ctx ?? createAdapterContext();
  const loaded = await loadLocation(ctx, location, { timeoutMs: 30_000 });
  if (loaded.status !== 'ok') throw new AdapterError(`${location} answered "not modified"`, 'MALFORMED');
  const body = loaded.body;
  const kind = opts.kind ?? guessKind(location, body, loaded.contentType);
  if (kind === 'api') return sampleJson(body);
  if (kind === 'website') return sampleWebsite(body, loaded.contentType, location, ctx);
  return isZip(body) || /\.xlsx$/i.test(location) ? sampleXlsx(body) : sampleCsv(body);
}

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function guessKind(location: string, body: Buffer, contentType: string | null): SourceKindName {
  if (isZip(body) || /\.(csv|tsv|txt|xlsx)(\?|$)/i.test(location)) return 'spreadsheet';
  if (/json/i.test(contentType ?? '') || /\.json(\?|$)/i.test(location)) return 'api';
  if (/html/i.test(contentType ?? '') || /\.html?(\?|#|$)/i.test(location)) return 'website';
  const head = body
    .subarray(0, 2000)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'api';
  if (/^<(!doctype|html|\?xml)/i.test(head)) return 'website';
  return 'spreadsheet';
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets
// ---------------------------------------------------------------------------------------------

/**
 * The header row among the first rows: the first one that is mostly filled with distinct text
 * (not numbers or dates) and about as wide as the rows below it. Title rows above a table are
 * usually one cell wide, so they are passed over.
 */
export function findHeaderRow(rows: string[][]): number {
  const width = (r: string[]) => r.filter((c) => c.trim() !== '').length;
  const widths = rows
    .slice(0, 200)
    .map(width)
    .filter((w) => w > 0);
  const typical = widths.sort((a, b) => a - b)[Math.floor(widths.length / 2)] ?? 0;
  for (let i = 0; i < Math.min(rows.length, MAX_HEADER_SCAN); i++) {
    const cells = rows[i].map((c) => c.trim()).filter(Boolean);
    if (cells.length < Math.max(2, Math.ceil(typical * 0.6))) continue;
    const texty = cells.filter((c) => !/^[\d\s,.:/\-年月日]+$/.test(c)).length;
    if (texty / cells.length < 0.8 || new Set(cells).size < cells.length * 0.9) continue;
    return i + 1;
  }
  return 1;
}

function columnsOf(
  header: readonly string[],
  records: Array<{ row: number; cells: Record<string, string | undefined> }>,
): { columns: SampleColumn[]; rowNumbers: number[] } {
  const named = header.filter((h) => h !== '');
  const seen = new Set<string>();
  const columns: SampleColumn[] = [];
  for (const name of named) {
    const key = columnKey(name);
    // A repeated header reads as one column (the later one wins in a record): listed once.
    if (seen.has(key)) continue;
    seen.add(key);
    columns.push({ name, values: records.map((r) => r.cells[key] ?? '') });
  }
  return { columns, rowNumbers: records.map((r) => r.row) };
}

function sampleCsv(body: Buffer): Sample {
  const utf8 = hasUtf8Bom(body) || isUtf8(body);
  const encoding = utf8 ? 'utf-8' : 'shift_jis';
  const text = decodeText(body, encoding);
  const firstLines = text.split(/\r?\n/, 20).join('\n');
  const delimiter = [',', '\t', ';'].map((d) => ({ d, n: firstLines.split(d).length })).sort((a, b) => b.n - a.n)[0].d;
  const rows = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false }).data;
  const headerRow = findHeaderRow(rows);
  const { records, rejections } = readCsv(body, { encoding, headerRow, delimiter, requiredColumns: [] });
  const header = rows[headerRow - 1].map((h) => h.normalize('NFKC').replace(/\s+/g, ' ').trim());
  const notes: string[] = [];
  if (rejections.length > 0)
    notes.push(
      `${rejections.length} row(s) do not have the header's ${header.length} cells and will be refused (e.g. row ${rejections[0].row})`,
    );
  const settings: Sample['settings'] = [
    ['format', 'csv'],
    [
      'encoding',
      encoding,
      utf8 ? (hasUtf8Bom(body) ? 'UTF-8 with BOM' : 'UTF-8') : 'not UTF-8: read as Shift_JIS (CP932)',
    ],
  ];
  if (delimiter !== ',') settings.push(['delimiter', delimiter]);
  if (headerRow !== 1) settings.push(['headerRow', headerRow, `rows above it are a title block`]);
  return { kind: 'spreadsheet', settings, notes, ...columnsOf(header, records), rows: records.length };
}

async function sampleXlsx(body: Buffer): Promise<Sample> {
  const exceljs = require('exceljs') as typeof import('exceljs');
  const workbook = new exceljs.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const visible = workbook.worksheets.filter((s) => s.state === 'visible');
  // The sheet with the most filled rows is the table; the others are listed in a comment.
  const sheet = [...visible].sort((a, b) => b.actualRowCount - a.actualRowCount)[0];
  if (!sheet) throw new AdapterError('the workbook has no visible sheet', 'MALFORMED');
  const rows: string[][] = [];
  for (let r = 1; r <= Math.min(sheet.rowCount, 200); r++) {
    const row = sheet.findRow(r);
    const cells: string[] = [];
    if (row)
      for (let c = 1; c <= row.cellCount; c++) {
        const t = cellText((row.findCell(c)?.value ?? null) as CellValue);
        cells.push('text' in t ? t.text : '');
      }
    rows.push(cells);
  }
  const headerRow = findHeaderRow(rows);
  const { records, rejections } = await readXlsx(body, { sheet: sheet.name, headerRow, requiredColumns: [] });
  const header = rows[headerRow - 1].map((h) => h.normalize('NFKC').replace(/\s+/g, ' ').trim());
  const notes: string[] = [];
  const others = visible.filter((s) => s !== sheet).map((s) => s.name);
  if (others.length)
    notes.push(`other sheets (${others.map((n) => `"${n}"`).join(', ')}) would each be a source of their own`);
  if (rejections.length)
    notes.push(
      `${rejections.length} row(s) hold spreadsheet errors and will be refused (e.g. row ${rejections[0].row})`,
    );
  const settings: Sample['settings'] = [
    ['format', 'xlsx'],
    ['sheet', sheet.name],
  ];
  if (headerRow !== 1) settings.push(['headerRow', headerRow, 'rows above it are a title block']);
  return { kind: 'spreadsheet', settings, notes, ...columnsOf(header, records), rows: records.length };
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** Every list of objects in a JSON document, by dotted path ('' for the document itself). */
function listsOf(value: unknown, path = ''): Array<{ path: string; items: unknown[] }> {
  if (Array.isArray(value)) {
    const objects = value.filter((v) => v && typeof v === 'object' && !Array.isArray(v));
    return objects.length > 0 ? [{ path, items: value }] : [];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      /[.\s]/.test(k) ? [] : listsOf(v, path ? `${path}.${k}` : k),
    );
  }
  return [];
}

function sampleJson(body: Buffer): Sample {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(body));
  } catch (e) {
    throw new AdapterError(`not JSON: ${(e as Error).message}`, 'MALFORMED');
  }
  // The records are the longest list of objects in the answer.
  const lists = listsOf(doc).sort((a, b) => b.items.length - a.items.length);
  if (lists.length === 0) throw new AdapterError('the JSON holds no list of objects to read records from', 'MALFORMED');
  const { path, items } = lists[0];
  const flat = items.map((item) => flattenRecord(item));
  const names: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!names.includes(k)) names.push(k);
  // flattenRecord keys its fields by columnKey; the original path is the same text for JSON keys
  // without spaces, which is nearly all of them.
  const columns = names.filter((n) => n !== '').map((name) => ({ name, values: flat.map((f) => f[name] ?? '') }));
  const settings: Sample['settings'] = path
    ? [['records', path, `the longest list of objects in the answer (${items.length})`]]
    : [];
  return { kind: 'api', settings, notes: [], columns, rows: items.length, rowNumbers: items.map((_, i) => i + 1) };
}
