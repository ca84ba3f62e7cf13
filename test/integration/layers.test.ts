/**
 * The layer rules (.dependency-cruiser.cjs) fail where they should: `npm run lint`'s dependency
 * step, run as a child process on a small tree of fixtures (test/fixtures/layers), passes on the
 * allowed imports alone (domain ← store ← adapters) and fails, naming the rule and the import, once
 * a deliberately wrong import is added: store/ reaching up into adapters/, domain/ naming a store/
 * type (type-only imports count), or an import circle.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'layers');
const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the lint's dependency step, as package.json spells it, in a copy of base/ with `extra` laid over it. */
function lintLayers(extra?: 'upward' | 'upward-type' | 'circle'): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-layers-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, 'base'), dir, { recursive: true });
  if (extra) cpSync(join(FIXTURES, extra), dir, { recursive: true });
  cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  const run = spawnSync('sh', ['-c', scripts['lint:layers']], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('npm run lint runs the layer rules', () => {
  expect(scripts.lint).toContain('lint:layers');
  expect(scripts['lint:layers']).toContain('.dependency-cruiser.cjs');
});

test('the allowed imports pass', () => {
  const run = lintLayers();
  expect(run.output).toContain('no dependency violations found');
  expect(run.status).toBe(0);
});

test('store/ importing adapters/ fails, naming the rule and the import', () => {
  const run = lintLayers('upward');
  expect(run.status).not.toBe(0);
  expect(run.output).toMatch(/store-imports-only-domain: store\/wrong\.ts → adapters\/reader\.ts/);
});

test('a type-only import upwards fails too: a type is a dependency', () => {
  const run = lintLayers('upward-type');
  expect(run.status).not.toBe(0);
  expect(run.output).toMatch(/domain-imports-only-itself: domain\/typed\.ts → store\/records\.ts/);
});

test('an import circle fails, naming its modules', () => {
  const run = lintLayers('circle');
  expect(run.status).not.toBe(0);
  expect(run.output).toMatch(/no-circular: domain\/(first|second)\.ts → /);
});
