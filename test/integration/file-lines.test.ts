/**
 * The file-size rule (.ci/file-lines.mjs, `npm run lint`'s lines step) fails where it should: run
 * as package.json spells it, as a child process, in a small git repository made for the test, it
 * passes a file of 600 lines and a long generated file, and fails naming a hand-written file of 601,
 * with no exceptions left (the files once listed as known fail like any other).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};\n`).join('');

/** A git repository holding these files, with the rule run in it as `npm run lint:lines` does. */
function lintLines(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-lines-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.ci'));
  writeFileSync(join(dir, '.ci', 'file-lines.mjs'), readFileSync(join(ROOT, '.ci', 'file-lines.mjs')));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '.'], { cwd: dir });
  const run = spawnSync('sh', ['-c', scripts['lint:lines']], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('npm run lint runs the file-size rule', () => {
  expect(scripts.lint).toContain('lint:lines');
});

test('600 lines pass, and generated code is not counted', () => {
  const run = lintLines({
    'store/ok.ts': lines(600),
    'subgraphs/x/resolvers.generated.ts': lines(2000),
    'web/gql/graphql.ts': lines(2000),
  });
  expect(run.output).toContain('none over 600');
  expect(run.status).toBe(0);
});

test('a hand-written file of 601 lines fails, named', () => {
  const run = lintLines({ 'store/ok.ts': lines(10), 'domain/heavy.tsx': lines(601) });
  expect(run.status).toBe(1);
  expect(run.output).toContain('domain/heavy.tsx: 601 lines, over 600');
});

test('no exceptions: a file once listed as known over the limit fails like any other', () => {
  const run = lintLines({ 'test/support/judged-queries.ts': lines(601), 'bench/search.ts': lines(700) });
  expect(run.status).toBe(1);
  expect(run.output).toContain('test/support/judged-queries.ts: 601 lines, over 600');
  expect(run.output).toContain('bench/search.ts: 700 lines, over 600');
});
