/**
 * The one ingest pipeline end to end, through real files and a real store, with the bad inputs
 * it must survive: a mapped header missing, a derived id that clashes, an unknown vocabulary
 * value, a period that does not parse, a source whose every row is refused — each a clear
 * message, no good row lost, and the same answer from the dry run as from the sync. Also the
 * agency's own organization (provider never null) and an aggregator's provider names.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbook } from 'exceljs';
import { parseAgencyConfig, type AgencyConfig } from '../core/config';
import { createAdapterContext } from '../core/adapter';
import type { Store } from '../../store/store';
import { openTestStore } from '../../test/support/store';
import { startInProcessSupergraph, type InProcessSupergraph } from '../../test/support/supergraph';
import { rejections as listRejections } from '../../store/sources';
import { dryRunTarget, syncAll, syncSource } from './sync';

const CLOCK = () => new Date('2026-11-25T03:00:00Z');
const ctx = () => createAdapterContext({ clock: CLOCK });
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-pipeline-'));
  store = await openTestStore('empty');
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function agency(id: string, body: string): AgencyConfig {
  return parseAgencyConfig(`id: ${id}\nname: ${id} の名前\n${body}`, join(dir, `${id}.yaml`), {});
}
const csv = (name: string, lines: string[]) => writeFileSync(join(dir, name), `${lines.join('\r\n')}\r\n`);

describe('bad input, good rows kept', () => {
  test('an unknown kind without a map, an unparseable period and a derived-id clash each refuse their row only', async () => {
    csv('feed.csv', [
      'URL,コード,タイトル,カテゴリ,申請期間',
      'https://a.example/1,332160,創業補助金,補助金,令和7年4月1日～令和7年5月31日',
      'https://a.example/2,332160,商品券,宝くじ,令和7年4月1日～',
      'https://a.example/3,332160,融資制度,融資,令和7年度中',
      'https://a.example/1,332160,創業補助金（再掲）,補助金,',
      'https://a.example/1,023434,創業補助金,補助金,～令和7年6月30日',
    ]);
    const a = agency(
      'feed-agency',
      `sources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: feed.csv\n    mapping:\n      id: { hash: [URL, コード] }\n      title: タイトル\n      kind: カテゴリ\n      period: 申請期間\n      url: URL\n      area: コード\n`,
    );
    const report = await syncSource(store, a, a.sources[0], ctx());
    expect(report).toMatchObject({ outcome: 'updated', read: 5, accepted: 2, filtered: 0 });
    expect(report.rejected).toEqual([
      { row: 3, field: 'カテゴリ', value: '宝くじ', reason: expect.stringMatching(/^unknown programme kind "宝くじ"/) },
      {
        row: 4,
        field: '申請期間',
        value: '令和7年度中',
        reason: expect.stringMatching(/^"令和7年度中" is not a period of two days/),
      },
      {
        row: 5,
        field: 'id',
        value: expect.stringMatching(/^feed-agency:h-/),
        reason:
          "derived id repeats row 2's: both rows have the same URL + コード; add a column that tells them apart to the id rule",
      },
    ]);
    const rows = await store.query<{
      title: string;
      opens_on: string | null;
      closes_on: string | null;
      area_codes: string[];
    }>(
      `select title, opens_on::text, closes_on::text, area_codes from programs where source_id = 'feed-agency/programs' order by source_row`,
    );
    expect(rows).toEqual([
      { title: '創業補助金', opens_on: '2025-04-01', closes_on: '2025-05-31', area_codes: ['332160'] },
      { title: '創業補助金', opens_on: null, closes_on: '2025-06-30', area_codes: ['023434'] },
    ]);
    // The dry run is the same pipeline: the same counts and the same refusals.
    const dry = await syncSource(dryRunTarget(), a, a.sources[0], ctx());
    expect({ read: dry.read, accepted: dry.accepted, rejected: dry.rejected }).toEqual({
      read: report.read,
      accepted: report.accepted,
      rejected: report.rejected,
    });
  });

  test('a mapped column missing from the header fails the source, naming the closest header, and keeps the last good data', async () => {
    const a = agency(
      'feed-agency',
      `sources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: feed.csv\n    mapping:\n      id: { hash: [URL, コード] }\n      title: タイトル\n      kind: カテゴリー\n      url: URL\n`,
    );
    const report = await syncSource(store, a, a.sources[0], ctx(), { force: true });
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/column\(s\) "カテゴリー" \(closest: "カテゴリ"\) not in the header of CSV at row 1/);
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where source_id = 'feed-agency/programs'`,
    );
    expect(n).toBe(2);
  });

  test('a source whose every row is refused fails with its top reasons counted and three sample rows, in the report, the store and the graph', async () => {
    csv('refused.csv', ['ID,名称,種別', 'A1,創業相談,宝くじ', 'A2,融資,宝くじ', 'A3,セミナー,福引', 'A4,,宝くじ']);
    const a = agency(
      'refused-agency',
      `sources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: refused.csv\n    mapping:\n      localId: ID\n      title: 名称\n      kind: 種別\n`,
    );
    const report = await syncSource(store, a, a.sources[0], ctx());
    expect(report).toMatchObject({ outcome: 'failed', read: 4, accepted: 0 });
    expect(report.rejected).toHaveLength(4);
    expect(report.error).toMatch(
      /^every one of 4 rows was refused; keeping the last good data\. Top reasons: 3 × 種別: unknown programme kind "…"/,
    );
    expect(report.error).toContain('1 × 名称: required title is empty');
    expect(report.error).toMatch(
      /For example: row 2 種別 "宝くじ": unknown programme kind "宝くじ".*; row 3 種別 "宝くじ".*; row 4 種別 "福引"/,
    );
    // Row 5 had two problems: counted once, both kept.
    expect(report.rejected[3]).toMatchObject({ row: 5, field: '名称', reasons: [{ field: '種別', value: '宝くじ' }] });
    expect((await listRejections(store, ['refused-agency/programs'], 10)).map((r) => r.row)).toEqual([2, 3, 4, 5, 5]);

    // The agency's own staff: lastError and refused values carry internal detail, for them and coordinators only.
    const staff = { role: 'staff' as const, subject: 'pipeline-test', agencyId: 'refused-agency' };
    const graph: InProcessSupergraph = await startInProcessSupergraph(() => store, CLOCK, staff);
    try {
      const res = await graph.run(
        '{ sources(agencyId: "refused-agency") { status lastError rejectedCount rejectedRows { row field value reason } } }',
      );
      const [source] = (
        res.data as {
          sources: Array<{ status: string; lastError: string; rejectedCount: number; rejectedRows: unknown[] }>;
        }
      ).sources;
      expect(source.status).toBe('FAILED');
      expect(source.lastError).toMatch(/Top reasons: 3 × 種別/);
      expect(source.rejectedCount).toBe(4);
      expect(source.rejectedRows).toContainEqual({
        row: 2,
        field: '種別',
        value: '宝くじ',
        reason: expect.stringMatching(/^unknown programme kind/),
      });
    } finally {
      await graph.stop();
    }
  });

  test('rows a where: filter leaves out are counted as filtered, not refused', async () => {
    csv('mixed.csv', ['ID,名称,区分', 'N1,お知らせ,ニュース', 'P1,創業補助金,補助金', 'P2,【終了】旧補助金,補助金']);
    const a = agency(
      'mixed-agency',
      `sources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: mixed.csv\n    where:\n      keep: { column: 区分, is: [補助金, 融資] }\n      drop: { column: 名称, matches: '^【終了】' }\n    mapping:\n      localId: ID\n      title: 名称\n      kind: 区分\n`,
    );
    expect(await syncSource(store, a, a.sources[0], ctx())).toMatchObject({
      outcome: 'updated',
      read: 3,
      filtered: 2,
      accepted: 1,
      rejected: [],
    });
  });
});

describe('workbooks as agencies keep them', () => {
  test('a header with a line break and full-width brackets is found; an invalid 法人番号 refuses its row instead of landing', async () => {
    const wb = new Workbook();
    const sheet = wb.addWorksheet('相談');
    sheet.addRow(['相談番号', '受付日', '方法', '法人番号', '従業員数\n（人）', '業種', '対応結果']);
    sheet.addRow(['C1', '令和7年4月1日', '窓口', '4011001098993', 12, '小売業', '継続相談']);
    sheet.addRow(['C2', '令和7年4月2日', '電話', '4011001098994', '不明', '飲食店', '助言']);
    sheet.addRow(['C3', '令和7年4月3日', '訪問', '', 3, '建設業', '紹介']);
    await wb.xlsx.writeFile(join(dir, 'log.xlsx'));
    const a = agency(
      'log-agency',
      `sources:\n  - id: consultations\n    kind: spreadsheet\n    entity: consultation\n    format: xlsx\n    location: log.xlsx\n    mapping:\n      localId: 相談番号\n      receivedAt: 受付日\n      channel: 方法\n      corporateNumber: 法人番号\n      employees: 従業員数（人）\n      industry: 業種\n      outcome: 対応結果\n`,
    );
    const report = await syncSource(store, a, a.sources[0], ctx());
    expect(report).toMatchObject({ outcome: 'updated', read: 3, accepted: 2 });
    expect(report.rejected).toEqual([
      {
        row: 3,
        field: '法人番号',
        value: '4011001098994',
        reason: expect.stringMatching(/^check digit should be [0-35-9], got 4$/),
      },
    ]);
    const rows = await store.query(
      `select local_id, employees, industry, outcome from consultations where source_id = 'log-agency/consultations' order by local_id`,
    );
    expect(rows).toEqual([
      { local_id: 'C1', employees: 12, industry: 'I', outcome: 'CONTINUING' },
      { local_id: 'C3', employees: 3, industry: 'D', outcome: 'REFERRED' },
    ]);
  });
});

describe("the agency's own organization and an aggregator's providers", () => {
  test('an agency without a directory entry is the provider of its programmes; a directory entry of the same id takes its place', async () => {
    csv('own.csv', [
      'ID,名称,種別,実施機関',
      'O1,創業補助金,補助金,',
      'O2,商店街補助金,補助金,豊島区',
      'O3,観光補助金,補助金,どこかの町',
    ]);
    const own = agency(
      'own-agency',
      `organization:\n  kind: 自治体\n  municipality: 浅口市\n  url: https://www.city.asakuchi.lg.jp/\nsources:\n  - id: programs\n    kind: spreadsheet\n    entity: program\n    location: own.csv\n    mapping:\n      localId: ID\n      title: 名称\n      kind: 種別\n      providerName: 実施機関\n`,
    );
    csv('toshima.csv', ['機関ID,名称,機関種別', 'toshima-city,豊島区,自治体']);
    const directory = agency(
      'directory-agency',
      `sources:\n  - id: directory\n    kind: spreadsheet\n    entity: organization\n    location: toshima.csv\n    mapping:\n      id: 機関ID\n      name: 名称\n      kind: 機関種別\n`,
    );
    const reports = await syncAll(store, [directory, own], ctx(), { workers: 0 });
    expect(reports.every((r) => r.outcome === 'updated')).toBe(true);
    const programs = await store.query<{ local_id: string; provider_id: string; provider_name: string | null }>(
      `select local_id, provider_id, provider_name from programs where source_id = 'own-agency/programs' order by local_id`,
    );
    // The name the directory knows resolves to its organization; others keep the text.
    expect(programs).toEqual([
      { local_id: 'O1', provider_id: 'own-agency', provider_name: null },
      { local_id: 'O2', provider_id: 'toshima-city', provider_name: '豊島区' },
      { local_id: 'O3', provider_id: 'own-agency', provider_name: 'どこかの町' },
    ]);
    const [org] = await store.query(
      `select id, name, kind, municipality_code, url, source_id, source_kind from organizations where id = 'own-agency'`,
    );
    expect(org).toEqual({
      id: 'own-agency',
      name: 'own-agency の名前',
      kind: 'LOCAL_GOVERNMENT',
      municipality_code: '332160',
      url: 'https://www.city.asakuchi.lg.jp/',
      source_id: 'own-agency/organization',
      source_kind: 'CONFIG',
    });

    // Later the directory lists the agency itself: its entry wins, the declared one and its source go.
    csv('toshima.csv', ['機関ID,名称,機関種別', 'toshima-city,豊島区,自治体', 'own-agency,浅口市産業振興課,自治体']);
    await syncAll(store, [directory, own], ctx(), { workers: 0 });
    expect(await store.query(`select name, source_id from organizations where id = 'own-agency'`)).toEqual([
      { name: '浅口市産業振興課', source_id: 'directory-agency/directory' },
    ]);
    expect(await store.query(`select id from sources where id = 'own-agency/organization'`)).toEqual([]);
  });
});
