import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAgency, type CheckArgs } from './check';

/** The command's arguments with its defaults, as the CLI (app/cli.ts) passes them. */
const args = (file: string, more: Partial<CheckArgs> = {}): CheckArgs => ({
  file,
  show: 3,
  demo: false,
  json: false,
  ...more,
});

const FIXTURE = join(__dirname, '..', 'spreadsheet', '__fixtures__', 'programs-sjis-50.csv');
let dir: string;
let out: string[];
let spy: jest.SpyInstance[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-check-'));
  copyFileSync(FIXTURE, join(dir, 'programs.csv'));
  out = [];
  spy = [
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' '))),
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true),
  ];
});
afterEach(() => {
  spy.forEach((s) => s.mockRestore());
  rmSync(dir, { recursive: true, force: true });
});

const agencyFile = (location: string, extra = '', more = '') => {
  const file = join(dir, 'check-agency.yaml');
  writeFileSync(
    file,
    `id: check-agency
name: 確認機関
sources:
  - id: programs
    kind: spreadsheet
    entity: program
    location: ${location}
    encoding: shift_jis
${extra}    mapping:
      localId: 施策ID
      title: 施策名
      kind: 種別
      opensOn: 受付開始
${more}`,
  );
  return file;
};

test('a dry run prints counts, the top reasons, the first records as they would land and every refused row', async () => {
  expect(await checkAgency(args(agencyFile('programs.csv'), { show: 1 }), {})).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/config valid/);
  expect(text).toMatch(/read 50 rows in \d+ ms: 47 would land, 3 would be refused/);
  expect(text).toMatch(/top reasons:\n\s+1 × 受付開始: 令和…年…月…日 is not a calendar date/);
  expect(text).toContain('"id": "check-agency:TST-001"');
  expect(text).toMatch(/row 12 受付開始 "令和8年2月30日": 令和8年2月30日 is not a calendar date/);
  expect(text).toMatch(/row 27 種別 "宝くじ": unknown programme kind "宝くじ"/);
  expect(text).toMatch(/row 44 施策名: required title is empty/);
});

test('--json prints one document counting rows: a row with two problems is refused once, with its further reason', async () => {
  // 受付開始 feeds closesOn as well, so row 12's impossible date is wrong twice in one row.
  const file = agencyFile('programs.csv', '', '      closesOn: 受付開始\n');
  expect(await checkAgency(args(file, { json: true, show: 0 }), {})).toBe(0);
  const doc = JSON.parse(out.filter((l) => l.startsWith('{')).join('\n')) as {
    agency: { id: string; organization: { id: string; name: string; kind: string } };
    sources: Array<{
      id: string;
      status: string;
      read: number;
      accepted: number;
      filtered: number;
      rejected: Array<{
        row: number;
        field: string;
        reason: string;
        reasons?: Array<{ field: string; reason: string }>;
      }>;
      warnings: unknown[];
    }>;
  };
  expect(doc.agency).toMatchObject({
    id: 'check-agency',
    organization: { id: 'check-agency', name: '確認機関', kind: 'OTHER' },
  });
  expect(doc.sources).toHaveLength(1);
  const [source] = doc.sources;
  expect(source).toMatchObject({ id: 'check-agency/programs', status: 'ok', read: 50, accepted: 47, filtered: 0 });
  expect(source.rejected.map((r) => r.row)).toEqual([12, 27, 44]);
  expect(source.rejected[0]).toEqual({
    row: 12,
    field: '受付開始',
    value: '令和8年2月30日',
    reason: '令和8年2月30日 is not a calendar date',
    reasons: [{ field: '受付開始', value: '令和8年2月30日', reason: '令和8年2月30日 is not a calendar date' }],
  });
  expect(source.read).toBe(source.accepted + source.rejected.length + source.filtered);
});

test('a bad file exits 2, an unreachable source 1', async () => {
  expect(await checkAgency(args(agencyFile('programs.csv', '    encodng: utf-8\n')), {})).toBe(2);
  expect(out.join('\n')).toMatch(/sources\.0.*encodng/);
  out.length = 0;
  expect(await checkAgency(args(agencyFile('missing.csv')), {})).toBe(1);
  expect(out.join('\n')).toMatch(/FAILED: cannot read .*missing\.csv/);
  // A missing file argument is the command line's to refuse (exit 2, app/cli.test.ts).
});
