import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAgency } from './check';

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

const agencyFile = (location: string, extra = '') => {
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
`,
  );
  return file;
};

test('a dry run prints counts, the first records as they would land and every refused row', async () => {
  expect(await checkAgency([agencyFile('programs.csv'), '--show', '1'])).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/config valid/);
  expect(text).toMatch(/read 50 records in \d+ ms: 47 would land, 3 would be refused/);
  expect(text).toContain('"id": "check-agency:TST-001"');
  expect(text).toMatch(/row 12 受付開始 .*/);
  expect(text).toMatch(/row 27 種別 "宝くじ": unknown programme kind "宝くじ"/);
  expect(text).toMatch(/row 44 施策名 "": required title is empty/);
});

test('a bad file exits 2, an unreachable source 1', async () => {
  expect(await checkAgency([agencyFile('programs.csv', '    encodng: utf-8\n')])).toBe(2);
  expect(out.join('\n')).toMatch(/sources\.0.*encodng/);
  out.length = 0;
  expect(await checkAgency([agencyFile('missing.csv')])).toBe(1);
  expect(out.join('\n')).toMatch(/FAILED: cannot read .*missing\.csv/);
  expect(await checkAgency([])).toBe(2);
});
