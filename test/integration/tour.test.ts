/**
 * The source tree the docs describe (docs/architecture.md, which the README points to) matches
 * the folders: every top-level folder of the repository is in it, and every folder it names
 * (top-level, and the indented ones under them) exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function tourFolders(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const block = /## The source tree\s+```\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/architecture.md has no "## The source tree" code block');
  const named: string[] = [];
  let parent = '';
  for (const line of block.split('\n')) {
    const top = /^([a-z][\w.-]*\/)/.exec(line)?.[1];
    const nested = /^ {2}([a-z][\w.-]*\/)/.exec(line)?.[1];
    if (top) named.push((parent = top));
    else if (nested) named.push(parent + nested);
  }
  return named;
}

test('every folder the tour names exists', () => {
  const missing = tourFolders().filter((f) => !existsSync(join(ROOT, f)) || !statSync(join(ROOT, f)).isDirectory());
  expect(missing).toEqual([]);
});

test('every top-level folder is in the tour', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.includes('/') && !f.startsWith('.'))
    .map((f) => `${f.split('/')[0]}/`);
  const named = new Set(tourFolders());
  expect([...new Set(tracked)].filter((f) => !named.has(f)).sort()).toEqual([]);
});
