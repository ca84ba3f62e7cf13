/**
 * agency:init on sources it has never seen: a messy Shift_JIS CSV with a title row, and a
 * workbook with a title block and two sheets. The file it prints is used as is: the dry run on
 * it lands the rows a person would land, with the values a person would read.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { loadAgencyConfig } from '../core/config';
import { checkAgencyFile } from '../sync/check';
import { writeProgramsWorkbook } from '../spreadsheet/__fixtures__/programs-workbook';
import { initAgency } from './init';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * agency:init on a file of the test's folder, its YAML written beside it as `<id>.yaml` (as
 * `> agencies/<id>.yaml` would); `check(show)` runs agency:check on that file, its one source.
 */
async function initBeside(file: string, entity: 'program' | 'organization', id: string, name: string) {
  const init = await initAgency({ source: join(dir, file), entity, id, name, outDir: dir });
  writeFileSync(join(dir, `${id}.yaml`), init.yaml);
  const check = async (show: number) =>
    (await checkAgencyFile(loadAgencyConfig(join(dir, `${id}.yaml`), {}), { show, logger: silent })).sources[0];
  return { ...init, check };
}

// Written for this test in the style of the agency lists the issue describes: a title row, words
// in date columns, kinds the vocabulary does not know, a period in 和暦 on both sides.
const MESSY = [
  '令和7年度 中小企業支援施策一覧,,,,,,',
  '施策名,区分,受付開始,受付終了,申請期間,上限額,問合せ先',
  '設備投資補助金,設備導入,令和7年4月1日,令和7年6月30日,令和7年4月1日～令和7年6月30日,上限100万円,産業振興課',
  '専門家派遣事業,伴走支援,随時,通年,随時,,産業振興課',
  '販路開拓補助金,補助金,令和7年5月1日,予算がなくなり次第終了,令和7年5月1日～,上限50万円,商工課',
  '創業融資,融資,通年,通年,通年,"1,000万円",商工課',
  '創業セミナー,セミナー,令和7年7月1日,令和7年7月31日,令和7年7月1日～7月31日,,商工課',
];

describe('a Shift_JIS CSV with a title row and words in its date columns', () => {
  test('init proposes encoding, header row, maps, null words and an id; every row lands as a person reads it', async () => {
    writeFileSync(join(dir, 'messy.csv'), iconv.encode(`${MESSY.join('\r\n')}\r\n`, 'cp932'));
    const { yaml, proposal, check } = await initBeside('messy.csv', 'program', 'messy', '架空市');
    expect(yaml).toMatch(/encoding: shift_jis/);
    expect(yaml).toMatch(/headerRow: 2/);
    expect(yaml).toMatch(/location: messy\.csv/);
    // 設備導入 and 伴走支援 are no kinds: mapped with a comment saying so, その他 by default.
    expect(yaml).toMatch(/unsure: "設備導入", "伴走支援" name no programme kind/);
    expect(yaml).toMatch(/ {10}設備導入: その他/);
    expect(proposal.expected).toEqual({ rows: 5, accepted: 5, refused: 0 });

    const c = await check(5);
    expect(c).toMatchObject({ status: 'ok', read: 5, accepted: 5, rejected: [] });
    const byTitle = new Map(c.sample.map((r) => [r.title, r]));
    // The period column carries both ends, 和暦 on either side, open ends included.
    expect(byTitle.get('設備投資補助金')).toMatchObject({
      kind: 'OTHER',
      opensOn: '2025-04-01',
      closesOn: '2025-06-30',
      maxAmount: 1_000_000,
      contact: '産業振興課',
    });
    expect(byTitle.get('販路開拓補助金')).toMatchObject({ kind: 'SUBSIDY', opensOn: '2025-05-01', maxAmount: 500_000 });
    expect(byTitle.get('販路開拓補助金')).not.toHaveProperty('closesOn');
    expect(byTitle.get('創業融資')).toMatchObject({ kind: 'LOAN', maxAmount: 10_000_000 });
    expect(byTitle.get('創業セミナー')).toMatchObject({
      kind: 'SEMINAR',
      opensOn: '2025-07-01',
      closesOn: '2025-07-31',
    });
    // 随時 and 通年 were read as "no date", each with a warning naming the column.
    expect(c.warnings.map((w) => w.field)).toContain('申請期間');
  });
});

// Written for this test after the way public bodies' subsidy lists name their programmes: the
// bare 補助 or 助成 ends a name as often as 補助金 does, and 補給金 pays part of a cost.
const BARE_WORDS = [
  '補助金名,補助金の概要',
  '商店街活性化補助金,空き店舗の改装費',
  '中小企業団体運営費補助,団体の運営費',
  '創業者家賃助成,事務所家賃の一部',
  '制度融資利子補給金,融資の利子の一部',
  '地域産業振興推進事業,イベントの開催',
  '設備資金融資(国補助),補助は括弧の中',
];

describe('a list whose names end in the bare 補助 or 助成', () => {
  test('init reads the kind from the last programme word outside brackets, bare forms included', async () => {
    writeFileSync(join(dir, 'bare.csv'), `${BARE_WORDS.join('\n')}\n`);
    const { yaml, check } = await initBeside('bare.csv', 'program', 'bare', '架空県');
    expect(yaml).toMatch(/ {10}補助: 補助金/);
    expect(yaml).toMatch(/ {10}助成: 助成金/);
    const c = await check(6);
    expect(c).toMatchObject({ status: 'ok', read: 6, accepted: 6, rejected: [] });
    const kinds = Object.fromEntries(c.sample.map((r) => [r.title, r.kind]));
    expect(kinds).toEqual({
      商店街活性化補助金: 'SUBSIDY',
      中小企業団体運営費補助: 'SUBSIDY',
      創業者家賃助成: 'GRANT',
      制度融資利子補給金: 'SUBSIDY',
      地域産業振興推進事業: 'OTHER',
      // 補助 inside the brackets qualifies; 融資 outside names the programme.
      '設備資金融資(国補助)': 'LOAN',
    });
  });
});

describe('a workbook with a title block, merged cells and a second sheet', () => {
  test('init takes the larger sheet, the header on row 4, and proposes a file that lands the good rows', async () => {
    await writeProgramsWorkbook(join(dir, 'programs.xlsx'));
    const { yaml, check } = await initBeside('programs.xlsx', 'program', 'workbook', '架空センター');
    expect(yaml).toMatch(/format: xlsx\n\s+sheet: 施策一覧\n(\s+#.*\n)?\s+headerRow: 4/);
    expect(yaml).toMatch(/other sheets \("セミナー"\) would each be a source of their own/);
    expect(yaml).toMatch(/localId: 施策ID/);
    const c = await check(0);
    // The #N/A cell's row and the one whose closing day comes before its opening are refused; the rest land.
    expect(c).toMatchObject({ status: 'ok', read: 7, accepted: 5 });
    expect(c.rejected.map((r) => [r.row, r.field])).toEqual([
      [10, '上限額'],
      [12, '受付終了'],
    ]);
  });
});

describe('npm run agency:init -- <file> > agencies/x.yaml', () => {
  test('takes its id from the file it is redirected to and leaves in it the YAML alone', async () => {
    const out = join(dir, 'redirected.yaml');
    // What npm run writes to stdout before the script starts.
    writeFileSync(out, '\n> madoguchi@0.1.0 agency:init\n> node bin/madoguchi.js agency init\n\n');
    const fd = openSync(out, 'r+');
    const root = resolve(__dirname, '..', '..');
    await new Promise<void>((done, fail) => {
      const child = spawn(
        process.execPath,
        [join(root, 'bin', 'madoguchi.js'), 'agency', 'init', join(dir, 'messy.csv')],
        { stdio: ['ignore', fd, 'ignore'], cwd: root },
      );
      child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`init exited ${code}`))));
    });
    closeSync(fd);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('# Proposed by agency:init from messy.csv')).toBe(true);
    expect(loadAgencyConfig(out, {})).toMatchObject({ id: 'redirected', sources: [{ location: 'messy.csv' }] });
  }, 30_000);
});

// Written for this test: a directory as an agency keeps one, its rows numbered, no kind column,
// the municipality only in the address.
const DIRECTORY = [
  '番号,名称,所在地,電話番号',
  '1,みなと商工会議所,兵庫県神戸市中央区港島1-1,078-000-0001',
  '2,架空県信用保証協会,〒650-0001 神戸市中央区加納町1-1,078-000-0002',
  '3,山あい町商工会,兵庫県多可郡多可町中区1-1,0795-00-0003',
  '4,ハローワーク架空,姫路市北条1-1,079-000-0004',
  '5,子育てひろば「ひだまり」,府中市宮西町1-1,042-000-0005',
];

describe('a directory whose rows are numbered, with no kind column and places only in addresses', () => {
  test('init prefixes the numbers with the agency id, reads kinds from names and the agency from its own name; sync reads municipalities from addresses', async () => {
    writeFileSync(join(dir, 'directory.csv'), `${DIRECTORY.join('\n')}\n`);
    const { yaml, check } = await initBeside('directory.csv', 'organization', 'taka-directory', '多可町');
    // Organization ids are shared by every agency: "1" would clash with the next numbered directory.
    expect(yaml).toMatch(/ {6}id: \{ template: "taka-directory-\{番号\}" \}/);
    expect(yaml).not.toMatch(/番号: not mapped/);
    // The agency named after a town is that town's local government.
    expect(yaml).toMatch(/organization:\n {2}name: 多可町\n {2}kind: 自治体\n {2}municipality: "283657"/);
    const c = await check(5);
    expect(c).toMatchObject({ status: 'ok', read: 5, accepted: 5, rejected: [] });
    const byName = Object.fromEntries(c.sample.map((r) => [r.name, [r.id, r.kind, r.municipalityCode ?? null]]));
    expect(byName).toEqual({
      みなと商工会議所: ['taka-directory-1', 'CHAMBER_OF_COMMERCE', '281107'],
      架空県信用保証協会: ['taka-directory-2', 'CREDIT_GUARANTEE_CORPORATION', '281107'],
      // 多可郡 names where the town is; 中区 is a part of the town, not a ward.
      山あい町商工会: ['taka-directory-3', 'SOCIETY_OF_COMMERCE', '283657'],
      ハローワーク架空: ['taka-directory-4', 'EMPLOYMENT_BODY', '282014'],
      // 府中市 alone may be Tokyo's or Hiroshima's: no municipality rather than a guess; a bare
      // child-rearing ひろば names no kind of body.
      '子育てひろば「ひだまり」': ['taka-directory-5', 'OTHER', null],
    });
  });
});

// Written for this test in the layout of the standard open-data set of public facilities
// (公共施設一覧: the publisher's code first, rows numbered with zero padding, Shift_JIS), beside a
// directory whose unique column is a real code (法人番号), which must stay as it is, and one whose
// code column is each body's own (a city's code for its wards' bodies), which must be kept.
const FACILITIES = [
  '都道府県コード又は市区町村コード,NO,名称,住所,電話番号',
  '282014,0000000001,架空市立中央図書館,兵庫県姫路市本町1-1,079-000-0001',
  '282014,0000000002,架空市産業支援センター,兵庫県姫路市本町2-2,079-000-0002',
  '282014,0000000004,架空市民会館,兵庫県加古川市加古川町1-1,079-000-0004',
  '282014,0000000005,架空市民ホール,兵庫県明石市大久保町1-1,078-000-0005',
];
const BY_CORPORATE_NUMBER = [
  '法人番号,名称,所在地',
  '7000020280003,架空町商工会,兵庫県多可郡多可町中区1-1',
  '5000020282014,架空商工会議所,兵庫県姫路市本町1-1',
];
const OWN_CODES = [
  '施設コード,市区町村コード,名称,所在地',
  '1001,281000,架空中央相談所,兵庫県神戸市中央区港島1-1',
  '1004,281000,架空北相談所,兵庫県神戸市北区藤原台1-1',
  '1007,282014,架空姫路相談所,兵庫県姫路市本町1-1',
  '1010,282103,架空加古川相談所,兵庫県加古川市加古川町1-1',
];

describe('a directory numbered with zero padding, one keyed by real codes, one with its own codes', () => {
  test("the publisher's code is left out for the addresses; local numbers are prefixed with the agency id, 法人番号 are not", async () => {
    writeFileSync(join(dir, 'facilities.csv'), iconv.encode(`${FACILITIES.join('\r\n')}\r\n`, 'cp932'));
    const facilities = await initBeside('facilities.csv', 'organization', 'kaku-facilities', '架空市');
    expect(facilities.yaml).toMatch(/encoding: shift_jis/);
    expect(facilities.yaml).toMatch(/ {6}id: \{ template: "kaku-facilities-\{NO\}" \}/);
    // One code (姫路市) on every row while the addresses name two other municipalities: the publisher's.
    expect(facilities.yaml).toMatch(
      /都道府県コード又は市区町村コード: not mapped to municipalityCode: it holds "282014" on 4 of 4 rows while "住所" names 2 municipalities/,
    );
    const c = await facilities.check(4);
    expect(c).toMatchObject({ status: 'ok', read: 4, accepted: 4, rejected: [] });
    expect(c.sample.map((r) => [r.id, r.municipalityCode])).toEqual([
      ['kaku-facilities-0000000001', '282014'],
      ['kaku-facilities-0000000002', '282014'],
      ['kaku-facilities-0000000004', '282103'],
      ['kaku-facilities-0000000005', '282031'],
    ]);

    writeFileSync(join(dir, 'bodies.csv'), `${BY_CORPORATE_NUMBER.join('\n')}\n`);
    const bodies = await initBeside('bodies.csv', 'organization', 'kaku-bodies', '架空協議会');
    expect(bodies.yaml).toMatch(/ {6}id: 法人番号\n/);

    // Each body's own code (神戸市 for bodies in its wards): varied, so kept; codes 1001… prefixed.
    writeFileSync(join(dir, 'own.csv'), `${OWN_CODES.join('\n')}\n`);
    const own = await initBeside('own.csv', 'organization', 'kaku-own', '架空協議会');
    expect(own.yaml).toMatch(/ {6}id: \{ template: "kaku-own-\{施設コード\}" \}/);
    expect(own.yaml).toMatch(/ {6}municipalityCode: 市区町村コード\n/);
    const o = await own.check(4);
    expect(o.sample.map((r) => r.municipalityCode)).toEqual(['281000', '281000', '282014', '282103']);
  });
});
