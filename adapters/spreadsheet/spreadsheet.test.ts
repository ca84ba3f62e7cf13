import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parseAgencyConfig, type AgencyConfig } from '../core/config';
import { createAdapterContext, type FetchFn } from '../core/adapter';
import { syncSource } from '../sync/sync';
import { get as getSource, rejections as listRejections } from '../../store/sources';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { decodeText, readCsv } from './csv';
import { createSpreadsheetAdapter } from '.';

const FIXTURES = join(__dirname, '__fixtures__');

function agency(location: string, extra = ''): AgencyConfig {
  const yaml = `
id: test-agency
name: テスト機関
sources:
  - id: programs
    kind: spreadsheet
    entity: program
    location: ${location}
${extra}
    mapping:
      localId: 施策ID
      title: 施策名
      summary: 概要
      body: 詳細
      kind: 種別
      supportFields: 支援分野
      purposes: { column: 利用目的, split: ['/'] }
      area: 対象地域
      industries: 対象業種
      employeeCeiling: 従業員数
      maxAmount: 上限額
      subsidyRate: 補助率
      opensOn: 受付開始
      closesOn: 受付終了
      url: URL
      contact: 問合せ先
      updatedOn: 更新日
`;
  return parseAgencyConfig(yaml, join(FIXTURES, 'test-agency.yaml'), {});
}

describe('CSV decoding', () => {
  const text = '施策ID,施策名\r\nA-1,創業支援\r\n';
  test.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-8 without BOM', Buffer.from(text)],
    ['Shift_JIS', iconv.encode(text, 'cp932')],
  ])('%s is detected and decoded', (_, bytes) => {
    expect(decodeText(bytes, 'auto')).toBe(text);
  });

  test('CP932 extensions (①, ㈱, 髙) survive', () => {
    const s = '①㈱髙橋製作所';
    expect(decodeText(iconv.encode(s, 'cp932'), 'shift_jis')).toBe(s);
  });

  test('a stray quote inside an unquoted cell is kept as text, as spreadsheet programs read it', () => {
    const csv = Buffer.from('a,b\r\n5" pipe,x\r\n"quoted ""word""",y\r\n');
    const { records, rejections } = readCsv(csv, {
      encoding: 'auto',
      headerRow: 1,
      delimiter: ',',
      requiredColumns: ['a'],
    });
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.cells.a)).toEqual(['5" pipe', 'quoted "word"']);
  });

  test('a row with the wrong cell count is refused with its spreadsheet row number', () => {
    const csv = Buffer.from('a,b\r\n1,2\r\n3\r\n"multi\nline",4\r\n5,6,7\r\n');
    const { records, rejections } = readCsv(csv, {
      encoding: 'auto',
      headerRow: 1,
      delimiter: ',',
      requiredColumns: ['a'],
    });
    expect(records.map((r) => r.row)).toEqual([2, 4]);
    expect(records[1].cells).toEqual({ a: 'multi\nline', b: '4' });
    expect(rejections).toEqual([
      { row: 3, field: null, value: null, reason: 'expected 2 cells, found 1' },
      { row: 5, field: null, value: null, reason: 'expected 2 cells, found 3' },
    ]);
  });

  test('title rows above the header are skipped and a missing mapped column fails the whole file', () => {
    const csv = Buffer.from('令和8年度 施策一覧\r\n\r\nID,名称\r\nX1,相談\r\n');
    expect(readCsv(csv, { encoding: 'auto', headerRow: 3, delimiter: ',', requiredColumns: ['ID'] }).records).toEqual([
      { row: 4, cells: { ID: 'X1', 名称: '相談' } },
    ]);
    expect(() => readCsv(csv, { encoding: 'auto', headerRow: 3, delimiter: ',', requiredColumns: ['施策名'] })).toThrow(
      /"施策名" not in the header/,
    );
  });
});

describe('spreadsheet source sync', () => {
  let store: Store;
  const clock = () => new Date('2026-11-25T01:00:00Z');
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  test('a Shift_JIS CSV of 50 rows with 3 bad rows: 47 land, 3 are kept with row, field and reason', async () => {
    const a = agency('programs-sjis-50.csv', '    encoding: shift_jis');
    const report = await syncSource(store, a, a.sources[0], createAdapterContext({ clock }));
    expect(report.outcome).toBe('updated');
    expect(report.accepted).toBe(47);
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where source_id = 'test-agency/programs'`,
    );
    expect(n).toBe(47);
    const rejections = await listRejections(store, ['test-agency/programs'], 100);
    expect(rejections.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 12, field: '受付開始' },
      { row: 27, field: '種別' },
      { row: 44, field: '施策名' },
    ]);
    expect(rejections[0].reason).toMatch(/2/);
    expect(rejections[1].reason).toMatch(/unknown programme kind "宝くじ"/);
    expect(rejections[2].reason).toMatch(/required title/);
    const [p] = await store.query<{
      title: string;
      body: string;
      opens_on: string;
      max_amount: number;
      area_codes: string[];
      purposes: string[];
    }>(
      `select title, body, opens_on::text, max_amount::float8 as max_amount, area_codes, purposes from programs where id = 'test-agency:TST-003'`,
    );
    expect(p.title).toBe('事業承継セミナー 第3回');
    expect(p.body).toBe('第一段落。\n第二段落 です。');
    expect(p.opens_on).toBe('2026-04-01');
    expect(p.area_codes).toEqual(['282022']);
    const [loan] = await store.query<{ max_amount: number; provider_id: string; source_row: number }>(
      `select max_amount::float8 as max_amount, provider_id, source_row from programs where id = 'test-agency:TST-001'`,
    );
    expect(loan).toEqual({ max_amount: 2_000_000, provider_id: 'test-agency', source_row: 2 });
  });

  test('the same bytes again write nothing; a failing source keeps the last good data, marked stale', async () => {
    const a = agency('programs-sjis-50.csv', '    encoding: shift_jis');
    const again = await syncSource(store, a, a.sources[0], createAdapterContext({ clock }));
    expect(again.outcome).toBe('unchanged');

    const broken = agency('does-not-exist.csv');
    const failed = await syncSource(store, broken, broken.sources[0], createAdapterContext({ clock }));
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/cannot read .*does-not-exist\.csv/);
    expect(failed.error).not.toContain(process.cwd());
    const source = await getSource(store, 'test-agency/programs');
    expect(source).toMatchObject({ status: 'FAILED', stale: true, acceptedCount: 47 });
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where source_id = 'test-agency/programs'`,
    );
    expect(n).toBe(47);
  });

  test('a truncated CSV (cut inside a quoted cell) fails the sync instead of landing half a file', async () => {
    const bytes = readFileSync(join(FIXTURES, 'programs-sjis-50.csv'));
    // A download cut off while inside a quoted, multi-line cell: the quote never closes.
    const half = bytes.subarray(0, bytes.lastIndexOf(0x0a, Math.floor(bytes.length / 2)) + 1);
    const truncated = Buffer.concat([half, Buffer.from('TST-099,"cut off\r\nin the middle')]);
    const a = agency('virtual.csv', '    encoding: shift_jis');
    const ctx = createAdapterContext({ clock, readFile: async () => truncated });
    const report = await syncSource(store, a, a.sources[0], ctx, { force: true });
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/CSV cannot be parsed/);
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where source_id = 'test-agency/programs'`,
    );
    expect(n).toBe(47);
  });

  test('the adapter reads over HTTP through the injected fetch, honouring ETag', async () => {
    const bytes = readFileSync(join(FIXTURES, 'programs-sjis-50.csv'));
    const seen: Array<string | null> = [];
    const fetch = (async (_url: string, init?: { headers?: Record<string, string> }) => {
      const inm = init?.headers?.['if-none-match'] ?? null;
      seen.push(inm);
      return inm === '"v1"' ? new Response(null, { status: 304 }) : new Response(bytes, { headers: { etag: '"v1"' } });
    }) as unknown as FetchFn;
    const a = agency('https://agency.example/programs.csv', '    encoding: shift_jis');
    const adapter = createSpreadsheetAdapter(a.sources[0] as never, a.dir)(createAdapterContext({ fetch }));
    const first = await adapter.read({ etag: null, lastModified: null });
    // The adapter only fetches: the bytes go to the sync's pipeline as they came.
    expect(first.status === 'ok' && 'body' in first && first.body.equals(bytes)).toBe(true);
    expect(first.status === 'ok' && first.etag).toBe('"v1"');
    const second = await adapter.read({ etag: '"v1"', lastModified: null });
    expect(second.status).toBe('not-modified');
    expect(seen).toEqual([null, '"v1"']);
  });
});
