import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Workbook, stream as excelStream } from 'exceljs';
import { parseAgencyConfig, type AgencyConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { syncSource } from '../sync/sync';
import { get as getSource, rejections as listRejections } from '../../store/sources';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { cellText, readXlsx, streamXlsx } from './xlsx';
import { readCsv, streamCsv } from './csv';
import { isRejection } from './rows';
import { PROGRAM_SHEET, SEMINAR_SHEET, writeProgramsWorkbook } from './__fixtures__/programs-workbook';

const FIXTURES = join(__dirname, '__fixtures__');
let dir: string;
let workbook: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-xlsx-'));
  workbook = join(dir, 'programs.xlsx');
  await writeProgramsWorkbook(workbook);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAPPING = `
    mapping:
      localId: 施策ID
      title: 施策名
      kind: 種別
      supportFields: 支援分野
      maxAmount: 上限額
      subsidyRate: 補助率
      opensOn: 受付開始
      closesOn: 受付終了
      body: 詳細`;

function agency(sources: string): AgencyConfig {
  return parseAgencyConfig(
    `id: xlsx-agency\nname: エクセル機関\nsources:\n${sources}`,
    join(FIXTURES, 'xlsx-agency.yaml'),
    {},
  );
}

const source = (id: string, extra: string) => `
  - id: ${id}
    kind: spreadsheet
    entity: program
    format: xlsx
    location: ${workbook}
${extra}${MAPPING}`;

describe('cell text', () => {
  test.each([
    [null, undefined, ''],
    [1_000_000, '#,##0', '1000000'],
    [0.1 + 0.2, undefined, '0.3'],
    [0.5, '0%', '50%'],
    [2 / 3, '0.0%', '66.6666666666667%'],
    [0.5, '"%"0.00', '0.5'],
    [new Date(Date.UTC(2026, 3, 1)), undefined, '2026-04-01'],
    [new Date(Date.UTC(2026, 3, 1, 9, 30)), undefined, '2026-04-01 09:30:00'],
    [{ richText: [{ text: '一' }, { text: '二' }] }, undefined, '一二'],
    [{ text: 'リンク', hyperlink: 'https://x.example/' }, undefined, 'リンク'],
    [{ formula: 'A1*2', result: 4 }, undefined, '4'],
    [true, undefined, 'TRUE'],
  ])('%j (%s) reads as %j', (value, numFmt, text) => {
    expect(cellText(value as never, numFmt)).toEqual({ text });
  });

  test('an error value is reported as such', () => {
    expect(cellText({ formula: 'X', result: { error: '#REF!' } })).toEqual({ error: '#REF!' });
  });
});

describe('reading a workbook', () => {
  const required = ['施策ID', '施策名', '種別'];

  test('the first sheet, its header on row 4 under a merged title: merged 種別 reaches every row of its range', async () => {
    const { records, rejections } = await readXlsx(readFileSync(workbook), { headerRow: 4, requiredColumns: required });
    expect(records.map((r) => r.row)).toEqual([5, 6, 7, 8, 9, 12]);
    expect(records.slice(0, 3).map((r) => r.cells['種別'])).toEqual(['補助金', '補助金', '補助金']);
    expect(records[0].cells).toMatchObject({
      施策名: 'ものづくり新製品開発補助金',
      上限額: '1000000',
      補助率: '50%',
      受付開始: '2026-04-01',
    });
    expect(records[1].cells['補助率']).toBe('66.6666666666667%');
    expect(records[3].cells['詳細']).toBe('予約制・無料');
    expect(records[5].cells['施策名']).toBe('販路開拓セミナー（詳細）');
    expect(rejections).toEqual([
      { row: 10, field: '上限額', value: '#N/A', reason: 'the cell holds the spreadsheet error #N/A' },
    ]);
  });

  test('a named sheet; a missing one, or a header without a mapped column, fails the file', async () => {
    const bytes = readFileSync(workbook);
    const seminars = await readXlsx(bytes, { sheet: SEMINAR_SHEET, headerRow: 2, requiredColumns: required });
    expect(seminars.records.map((r) => [r.row, r.cells['施策ID']])).toEqual([
      [3, 'SM-01'],
      [4, 'SM-02'],
    ]);
    await expect(readXlsx(bytes, { sheet: '2025年度', headerRow: 2, requiredColumns: required })).rejects.toThrow(
      `the workbook has no sheet "2025年度" (sheets: "${PROGRAM_SHEET}", "${SEMINAR_SHEET}")`,
    );
    await expect(readXlsx(bytes, { headerRow: 1, requiredColumns: required })).rejects.toThrow(
      /"施策ID", "施策名", "種別" not in the header of sheet "施策一覧" at row 1/,
    );
    await expect(
      readXlsx(Buffer.from('PK\u0003\u0004 not really a zip'), { headerRow: 1, requiredColumns: required }),
    ).rejects.toThrow(/XLSX cannot be read/);
  });

  test('streaming gives the same rows as loading, except merged ranges and formula errors', async () => {
    const loaded = await readXlsx(readFileSync(workbook), { headerRow: 4, requiredColumns: required });
    const streamed = [];
    for await (const x of streamXlsx(createReadStream(workbook), {
      sheet: PROGRAM_SHEET,
      headerRow: 4,
      requiredColumns: required,
    }))
      streamed.push(x);
    const records = streamed.filter((x) => !isRejection(x));
    // exceljs's streaming reader drops a formula's cached error, so row 10's #N/A reads as blank.
    expect(records.map((r) => r.row)).toEqual([5, 6, 7, 8, 9, 10, 12]);
    expect(streamed.filter(isRejection)).toEqual([]);
    // Merges come after the rows in the sheet's XML: streamed, a merged range's value stays in its first cell.
    expect(records.map((r) => ('cells' in r ? r.cells['種別'] : null))).toEqual([
      '補助金',
      '',
      '',
      '相談窓口',
      '宝くじ',
      '融資',
      'セミナー',
    ]);
    expect('cells' in records[0] && records[0].cells).toEqual(loaded.records[0].cells);
    const second = [];
    for await (const x of streamXlsx(workbook, { sheet: SEMINAR_SHEET, headerRow: 2, requiredColumns: required }))
      second.push(x);
    expect(second).toEqual(
      (await readXlsx(readFileSync(workbook), { sheet: SEMINAR_SHEET, headerRow: 2, requiredColumns: required }))
        .records,
    );
  });

  test('streamed Japanese text stays whole across chunk boundaries, with shared or inline strings', async () => {
    // Enough text that the sheet's XML and its shared strings span many inflated chunks.
    const rows = Array.from({ length: 1500 }, (_, i) => [
      `J-${i}`,
      `第${i}回 中小企業の事業承継・販路開拓・資金繰りに関する相談（${'窓口'.repeat(i % 7)}）`,
      '起業・創業、金融・資金繰り',
    ]);
    const shared = join(dir, 'japanese-shared.xlsx');
    const sharedBook = new Workbook();
    sharedBook.addWorksheet('相談').addRows([['ID', '概要', '分野'], ...rows]);
    await sharedBook.xlsx.writeFile(shared);
    const inline = join(dir, 'japanese-inline.xlsx');
    const writer = new excelStream.xlsx.WorkbookWriter({ filename: inline, useSharedStrings: false });
    const sheet = writer.addWorksheet('相談');
    for (const r of [['ID', '概要', '分野'], ...rows]) sheet.addRow(r).commit();
    sheet.commit();
    await writer.commit();
    for (const file of [shared, inline]) {
      const streamed = [];
      for await (const x of streamXlsx(file, { headerRow: 1, requiredColumns: ['ID'] })) streamed.push(x);
      expect(streamed).toHaveLength(rows.length);
      expect(streamed.filter((x) => JSON.stringify(x).includes('\uFFFD'))).toEqual([]);
      expect(streamed).toEqual((await readXlsx(readFileSync(file), { headerRow: 1, requiredColumns: ['ID'] })).records);
    }
  });

  test('a streamed CSV gives what the whole-file reader gives, Shift_JIS included', async () => {
    const bytes = readFileSync(join(FIXTURES, 'programs-sjis-50.csv'));
    const opts = { encoding: 'auto' as const, headerRow: 1, delimiter: ',', requiredColumns: ['施策ID'] };
    const whole = readCsv(bytes, opts);
    const streamed = [];
    // Small chunks cut multi-byte characters and quoted cells in two.
    const chunks = Array.from({ length: Math.ceil(bytes.length / 777) }, (_, i) =>
      bytes.subarray(i * 777, (i + 1) * 777),
    );
    for await (const x of streamCsv(Readable.from(chunks), opts)) streamed.push(x);
    expect(streamed.filter((x) => !isRejection(x))).toEqual(whole.records);
    expect(streamed.filter(isRejection)).toEqual(whole.rejections);
    // A stray quote inside an unquoted cell is text to both readers.
    const stray = Buffer.from('施策ID,b\r\n5" pipe,x\r\n"quoted ""word""",y\r\n');
    const strayStreamed = [];
    for await (const x of streamCsv(Readable.from([stray]), opts)) strayStreamed.push(x);
    expect(strayStreamed).toEqual(readCsv(stray, opts).records);
    expect(strayStreamed).toHaveLength(2);
    const broken = Readable.from([Buffer.from('a,b\r\n"1,2\r\n')]);
    await expect(async () => {
      for await (const _ of streamCsv(broken, opts)) void _;
    }).rejects.toThrow(/CSV cannot be parsed/);
  });
});

describe('xlsx source sync', () => {
  let store: Store;
  const clock = () => new Date('2026-11-25T01:00:00Z');
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  test('two sheets of one workbook as two sources: rows land, refusals carry spreadsheet row numbers', async () => {
    const a = agency(
      source('programs', `    sheet: ${PROGRAM_SHEET}\n    headerRow: 4`) +
        source('seminars', `    sheet: ${SEMINAR_SHEET}\n    headerRow: 2`),
    );
    const [programs, seminars] = await Promise.all(
      a.sources.map((s) => syncSource(store, a, s, createAdapterContext({ clock }))),
    );
    expect(programs).toMatchObject({ outcome: 'updated', accepted: 4 });
    expect(seminars).toMatchObject({ outcome: 'updated', accepted: 2 });
    const rejections = await listRejections(store, ['xlsx-agency/programs'], 100);
    expect(rejections.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 9, field: '種別' },
      { row: 10, field: '上限額' },
      { row: 12, field: '受付終了' },
    ]);
    const rows = await store.query<{
      id: string;
      title: string;
      kind: string;
      max_amount: number | null;
      subsidy_ratio: number | null;
      opens_on: string | null;
      body: string | null;
      source_row: number;
    }>(
      `select id, title, kind, max_amount::float8 as max_amount, subsidy_ratio, opens_on::text, body, source_row from programs where agency_id = 'xlsx-agency' order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual([
      'xlsx-agency:SM-01',
      'xlsx-agency:SM-02',
      'xlsx-agency:XL-001',
      'xlsx-agency:XL-002',
      'xlsx-agency:XL-003',
      'xlsx-agency:XL-004',
    ]);
    const byId = Object.fromEntries(rows.map((r) => [r.id.split(':')[1], r]));
    expect(byId['XL-001']).toMatchObject({
      title: 'ものづくり新製品開発補助金',
      kind: 'SUBSIDY',
      max_amount: 1_000_000,
      subsidy_ratio: 0.5,
      opens_on: '2026-04-01',
      body: '対象経費の\n1/2を補助します。',
      source_row: 5,
    });
    expect(byId['XL-002']).toMatchObject({ kind: 'SUBSIDY', subsidy_ratio: 0.6667, opens_on: '2026-05-07' });
    expect(byId['XL-003']).toMatchObject({ kind: 'SUBSIDY', opens_on: '2026-06-01' });
    expect(byId['SM-01']).toMatchObject({ kind: 'SEMINAR', source_row: 3 });
    expect(await getSource(store, 'xlsx-agency/seminars')).toMatchObject({
      status: 'OK',
      kind: 'SPREADSHEET',
      acceptedCount: 2,
    });
  });

  test('a damaged workbook fails its source and keeps the last good rows', async () => {
    const damaged = join(dir, 'damaged.xlsx');
    writeFileSync(damaged, readFileSync(workbook).subarray(0, 2000));
    const a = agency(source('programs', `    sheet: ${PROGRAM_SHEET}\n    headerRow: 4`).replace(workbook, damaged));
    const report = await syncSource(store, a, a.sources[0], createAdapterContext({ clock }));
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/XLSX cannot be read/);
    expect(await getSource(store, 'xlsx-agency/programs')).toMatchObject({
      status: 'FAILED',
      stale: true,
      acceptedCount: 4,
    });
  });

  test('"sheet" on a CSV source is a config error', () => {
    expect(() => agency(source('programs', '    sheet: x').replace('format: xlsx', 'format: csv'))).toThrow(
      /sources\.0\.sheet: "sheet" applies to format: xlsx only/,
    );
  });
});
