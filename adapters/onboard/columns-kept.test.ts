/**
 * agency:init never trades a column for rows. On files written for this test in the shapes
 * agencies send — a Shift_JIS programme list of 40 rows with one impossible 和暦 date, one period
 * closing before it opens, one blank title and one URL without its scheme, and a consultation
 * workbook of 200 rows with five 法人番号 whose check digit fails and one blank date — every
 * column that matches a field stays mapped; the rows the engine must refuse are refused with their
 * reasons (and said so in the YAML and on stderr, with counts and examples); the optional URL's
 * bad cell lands as blank with a warning, because init proposed `invalid: null` and said so.
 * init runs as a user runs it: the command, as a child process, its YAML redirected to a file.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Workbook } from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'yaml';
import { corporateNumberCheckDigit } from '../../domain/normalize';
import { loadAgencyConfig } from '../core/config';
import { checkAgencyFile } from '../sync/check';

const ROOT = resolve(__dirname, '..', '..');
const silent = { info() {}, warn() {}, error() {}, debug() {} };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-kept-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run agency:init -- <file> [args] > <dir>/<id>.yaml`: the YAML and what init said on stderr. */
async function initCommand(file: string, id: string, args: string[]): Promise<{ yaml: string; stderr: string }> {
  const out = join(dir, `${id}.yaml`);
  writeFileSync(out, '');
  const fd = openSync(out, 'r+');
  let stderr = '';
  await new Promise<void>((done, fail) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'madoguchi.js'), 'agency', 'init', join(dir, file), ...args],
      { stdio: ['ignore', fd, 'pipe'], cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`init exited ${code}: ${stderr}`))));
  });
  closeSync(fd);
  return { yaml: readFileSync(out, 'utf8'), stderr };
}

const check = async (id: string) =>
  (await checkAgencyFile(loadAgencyConfig(join(dir, `${id}.yaml`), {}), { show: 0, logger: silent })).sources[0];

// ---------------------------------------------------------------------------------------------
// A programme list: 40 rows, three of them bad, one with a URL missing its scheme
// ---------------------------------------------------------------------------------------------

const KINDS = ['補助金', '融資', 'セミナー', '専門家派遣'];
function programRow(i: number): string[] {
  const month = (i % 9) + 1;
  return [
    `P-${String(i).padStart(3, '0')}`,
    `${['設備投資', '販路開拓', '創業', '事業承継'][i % 4]}支援事業${i}`,
    KINDS[i % 4],
    `令和7年${month}月1日`,
    `令和7年${month + 2}月28日`,
    i % 4 === 1 ? '' : `上限${(i % 5) + 1}0万円`,
    i % 4 === 0 ? '2/3以内' : '',
    `https://www.city.example.jp/shien/p${i}.html`,
  ];
}
const PROGRAM_HEADER = ['施策ID', '施策名', '区分', '受付開始', '受付終了', '上限額', '補助率', '詳細URL'];
const programs = Array.from({ length: 40 }, (_, i) => programRow(i + 1));
programs[7][3] = '令和7年2月30日'; // row 9: no such day
programs[15][3] = '令和7年9月1日'; // row 17: closes (令和7年8月28日…) before it opens
programs[15][4] = '令和7年8月28日';
programs[23][1] = ''; // row 25: no title
programs[31][7] = 'www.city.example.jp/shien/p32.html'; // row 33: a URL without its scheme

describe('a Shift_JIS programme list with one bad cell in its date column and one in its URL column', () => {
  test('every column stays mapped; the three bad rows are refused with their reasons, said in the YAML and on stderr', async () => {
    const csv = [PROGRAM_HEADER, ...programs].map((r) => r.join(',')).join('\r\n');
    writeFileSync(join(dir, 'programs.csv'), iconv.encode(`${csv}\r\n`, 'cp932'));
    const { yaml, stderr } = await initCommand('programs.csv', 'kept-programs', ['--name', '架空市']);

    // Every column that matches a field is mapped: none is listed as left out.
    const mapping = parse(yaml).sources[0].mapping;
    expect(mapping).toMatchObject({
      localId: '施策ID',
      title: '施策名',
      opensOn: '受付開始',
      closesOn: '受付終了',
      maxAmount: '上限額',
      subsidyRate: '補助率',
      url: { column: '詳細URL', invalid: null },
    });
    expect(mapping.kind).toMatchObject({ column: '区分' });
    expect(mapping.opensOn).not.toHaveProperty('invalid');
    expect(yaml).not.toMatch(/Columns left out/);
    // The top of the file counts the refusals with an example of each, and names the columns kept.
    expect(yaml).toMatch(/^# On that file: 37 of 40 rows would land and 3 would be refused/m);
    expect(yaml).toMatch(/^# {3}1 × row 9 受付開始 "令和7年2月30日": 令和7年2月30日 is not a calendar date$/m);
    expect(yaml).toMatch(/^# {3}1 × row 17 受付終了 "2025-08-28": application closes \(2025-08-28\) before it opens/m);
    expect(yaml).toMatch(/^# {3}1 × row 25 施策名: required title is empty$/m);
    expect(yaml).toMatch(
      /"受付開始" \(opensOn\) is mapped although some cells cannot be read: 1 row\(s\) refused, e\.g\. row 9/,
    );
    expect(yaml).toMatch(
      /"詳細URL" \(url\) is mapped .*: 1 row\(s\) land without url, with a warning \(invalid: null\)/,
    );
    // Above the field: why this one refuses and that one lands without its value.
    expect(yaml).toMatch(
      /# unsure: 1 row\(s\) hold values opensOn cannot read and will be refused, as opensOn defines/,
    );
    expect(yaml).toMatch(/# unsure: 1 row\(s\) hold values url cannot read: invalid: null lands them without url/);
    // stderr says the same, with counts and examples.
    expect(stderr).toMatch(/37 of 40 rows would land/);
    expect(stderr).toMatch(/agency:init: {3}1 × row 9 受付開始 "令和7年2月30日"/);
    expect(stderr).toMatch(
      /agency:init: {3}"詳細URL" \(url\) is mapped .*row 33 "www\.city\.example\.jp\/shien\/p32\.html"/,
    );

    // The YAML as printed: the dry run lands the 37 and refuses the 3, each with its reason.
    const c = await check('kept-programs');
    expect(c).toMatchObject({ status: 'ok', read: 40, accepted: 37 });
    expect(c.rejected.map((r) => [r.row, r.field, r.reason])).toEqual([
      [9, '受付開始', '令和7年2月30日 is not a calendar date'],
      [17, '受付終了', 'application closes (2025-08-28) before it opens (2025-09-01)'],
      [25, '施策名', 'required title is empty'],
    ]);
    expect(c.warnings).toContainEqual(
      expect.objectContaining({
        field: '詳細URL',
        message: 'read as no url (invalid: null): an http(s) URL expected',
        count: 1,
        rows: [33],
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A consultation workbook: 200 rows, five 法人番号 with a wrong check digit, one blank date
// ---------------------------------------------------------------------------------------------

/** A 法人番号 with its check digit (or, `wrong`, with another digit in its place). */
function corporateNumber(i: number, wrong = false): string {
  const base = String(1_101_000_000 + i * 7919).padStart(12, '0');
  const check = corporateNumberCheckDigit(base);
  return `${wrong ? (check + 1) % 10 : check}${base}`;
}

const BAD_NUMBERS = [12, 57, 88, 140, 199];
const BLANK_DATE = 77;

async function writeConsultations(path: string): Promise<void> {
  const wb = new Workbook();
  const sheet = wb.addWorksheet('相談記録');
  sheet.addRow(['相談番号', '相談日', '法人番号', '企業名', '相談方法', '相談分野', '従業員数']);
  for (let i = 1; i <= 200; i++) {
    sheet.addRow([
      `C-${String(i).padStart(4, '0')}`,
      i === BLANK_DATE ? null : new Date(Date.UTC(2025, i % 12, (i % 27) + 1)),
      corporateNumber(i, BAD_NUMBERS.includes(i)),
      `架空商事${i}`,
      ['窓口', '電話', '訪問', 'メール'][i % 4],
      ['経営', '金融・資金繰り', '販路開拓', '創業'][i % 4],
      (i % 50) + 1,
    ]);
  }
  await wb.xlsx.writeFile(path);
}

describe('a consultation workbook with five 法人番号 that fail their check digit', () => {
  test('the 法人番号 column stays mapped: 194 land with their firm, the 5 and the blank date are refused', async () => {
    await writeConsultations(join(dir, 'consultations.xlsx'));
    const { yaml, stderr } = await initCommand('consultations.xlsx', 'kept-consultations', [
      '--entity',
      'consultation',
      '--name',
      '架空商工会',
    ]);
    const mapping = parse(yaml).sources[0].mapping;
    expect(mapping).toMatchObject({ localId: '相談番号', receivedAt: '相談日', corporateNumber: '法人番号' });
    expect(mapping.corporateNumber).not.toHaveProperty('invalid');
    expect(yaml).toMatch(/^# On that file: 194 of 200 rows would land and 6 would be refused/m);
    expect(yaml).toMatch(/^# {3}5 × row \d+ 法人番号 "\d{13}": check digit/m);
    expect(yaml).toMatch(/^# {3}1 × row 78 相談日: required receivedAt is empty$/m);
    expect(yaml).toMatch(/will be refused, as corporateNumber \(法人番号\) identifies the firm/);
    expect(stderr).toMatch(
      /"法人番号" \(corporateNumber\) is mapped although some cells cannot be read: 5 row\(s\) refused/,
    );

    const c = await check('kept-consultations');
    expect(c).toMatchObject({ status: 'ok', read: 200, accepted: 194 });
    // Spreadsheet rows: the header is row 1, consultation i is row i + 1.
    expect(c.rejected.map((r) => [r.row, r.field])).toEqual(
      [...BAD_NUMBERS.map((i) => [i + 1, '法人番号']), [BLANK_DATE + 1, '相談日']].sort((a, b) => +a[0] - +b[0]),
    );
    for (const r of c.rejected.filter((x) => x.field === '法人番号')) expect(r.reason).toMatch(/check digit/);
  });

  test('a mapping may not choose invalid: null for the 法人番号: the file fails naming field and reason', () => {
    const text = readFileSync(join(dir, 'kept-consultations.yaml'), 'utf8').replace(
      /corporateNumber: 法人番号/,
      'corporateNumber: { column: 法人番号, invalid: null }',
    );
    writeFileSync(join(dir, 'kept-consultations.yaml'), text);
    expect(() => loadAgencyConfig(join(dir, 'kept-consultations.yaml'), {})).toThrow(
      /sources\.0\.mapping\.corporateNumber\.invalid: "invalid: null" applies to optional fields that identify nothing; corporateNumber \(法人番号\) identifies the firm/,
    );
  });
});
