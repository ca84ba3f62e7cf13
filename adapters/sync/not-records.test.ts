/**
 * Rows that are not records — totals, subtotals between blocks, source lines, ※ notes, the column
 * labels repeated — are skipped with the reason, apart from refused rows: in `agency:check --json`
 * (run as the command) and in the sync's report. Real records that merely begin like one (計画…,
 * a title with ※ inside) are not skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAgencyConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import { initAgency } from '../onboard/init';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { notARecord } from './not-records';
import { syncSource } from './sync';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-notrec-'));
  store = await openTestStore('empty');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await store.close();
});

describe('notARecord', () => {
  test.each([
    [{ a: '合計', b: '', c: '45' }, /^a total row \("合計"\)/],
    [{ a: '計', b: '12' }, /^a total row \("計"\)/],
    [{ a: '小 計', b: '3', c: '4' }, /^a total row/],
    [{ a: '出典：架空商工会 相談記録（令和7年度）' }, /^a source line/],
    [{ a: '※ 件数は速報値です' }, /^a note/],
    [{ a: '注1：金額は税込', b: '' }, /^a note/],
    [{ a: '相談日', b: '法人番号', c: '相談方法' }, /^the column labels repeated/],
    [{ a: '項目', b: '概要' }, /^the column labels repeated/],
  ])('%j is skipped', (cells, reason) => {
    expect(notARecord(cells, Object.keys(cells))).toMatch(reason);
  });
  test.each([
    { a: 'P-1', b: '計画策定支援補助金', c: '補助金' },
    { a: '計画策定支援', b: '2025-04-01' },
    { a: 'C-0001', b: '2025-04-01', c: '※要予約', d: '窓口' },
    { a: '※印の制度は終了しました', b: 'P-9', c: '融資' },
    { a: '合計額の2/3を補助する制度', b: '補助金' },
    { a: '補助金', b: '融資' },
  ])('%j is a record', (cells) => {
    expect(notARecord(cells, ['施策名', '区分'])).toBeNull();
  });
});

// A consultation log as agencies keep it by hand: two blocks, a subtotal under each, the labels
// repeated above the second, a total, a source line and a note under the data.
const LOG = [
  '相談番号,相談日,相談方法,企業名',
  'C-001,2025-04-03,窓口,架空商事',
  'C-002,2025-04-10,電話,架空工業',
  'C-003,2025-04-18,訪問,架空食品',
  '計,,,3',
  '相談番号,相談日,相談方法,企業名',
  'C-004,2025-05-02,オンライン,架空運輸',
  'C-005,,窓口,架空建設',
  'C-006,2025-05-20,電話,架空印刷',
  '小計,,,3',
  '合計,,,6',
  '出典：架空商工会 相談記録（令和7年度）,,,',
  '※ 件数は速報値です,,,',
];

describe('a log with subtotals, repeated labels, a total, a source line and a note', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'log.csv'), `${LOG.join('\n')}\n`);
    const { yaml } = await initAgency({
      source: join(dir, 'log.csv'),
      entity: 'consultation',
      id: 'log-agency',
      name: '架空商工会',
      outDir: dir,
    });
    writeFileSync(join(dir, 'log-agency.yaml'), yaml);
  });

  test('init proposes from the records alone and says which rows a sync skips', async () => {
    const { yaml } = await initAgency({ source: join(dir, 'log.csv'), entity: 'consultation', id: 'log-agency' });
    expect(yaml).toMatch(/^# On that file: 5 of 6 rows would land and 1 would be refused/m);
    expect(yaml).toMatch(/^# 6 row\(s\) are not records and a sync skips them: row 5 \(a total row \("計"\)/m);
  });

  test('agency:check --json lists them under skipped with the reason; only the blank date is refused', () => {
    const r = spawnSync(
      'npm',
      ['run', '--silent', 'agency:check', '--', join(dir, 'log-agency.yaml'), '--json', '--show', '0'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const [source] = JSON.parse(r.stdout).sources;
    expect(source).toMatchObject({ status: 'ok', read: 12, accepted: 5, filtered: 0 });
    expect(source.rejected).toEqual([{ row: 8, field: '相談日', value: '', reason: 'required receivedAt is empty' }]);
    expect(source.skipped).toEqual([
      { row: 5, reason: 'a total row ("計"), not a record' },
      { row: 6, reason: 'the column labels repeated ("相談番号", "相談日", "相談方法"), not a record' },
      { row: 10, reason: 'a total row ("小計"), not a record' },
      { row: 11, reason: 'a total row ("合計"), not a record' },
      { row: 12, reason: 'a source line ("出典:架空商工会 相談記録(令和7年度)"), not a record' },
      { row: 13, reason: 'a note ("※ 件数は速報値です"), not a record' },
    ]);
    expect(source.read).toBe(source.accepted + source.rejected.length + source.filtered + source.skipped.length);
  });

  test("the sync's report carries them too, and the store gets the five consultations", async () => {
    const agency = loadAgencyConfig(join(dir, 'log-agency.yaml'), {});
    const report = await syncSource(store, agency, agency.sources[0], createAdapterContext());
    expect(report).toMatchObject({ outcome: 'updated', read: 12, accepted: 5 });
    expect(report.skipped.map((s) => s.row)).toEqual([5, 6, 10, 11, 12, 13]);
    expect(report.rejected.map((x) => x.row)).toEqual([8]);
    const rows = await store.query<{ local_id: string }>(
      'select local_id from consultations where source_id = $1 order by local_id',
      [report.sourceId],
    );
    expect(rows.map((x) => x.local_id)).toEqual(['C-001', 'C-002', 'C-003', 'C-004', 'C-006']);
  });
});
