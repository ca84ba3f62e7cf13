/**
 * The explorer's bundle is made once per set of sources and kept under node_modules/.cache: a
 * start serves that file instead of running esbuild, which on a first start would compete with
 * the sync for the CPU.
 */
import { readFileSync, statSync } from 'node:fs';
import { sep } from 'node:path';

type ExplorerModule = typeof import('./index');
const freshModule = (): ExplorerModule => {
  let loaded: ExplorerModule | undefined;
  jest.isolateModules(() => {
    loaded = require('./index') as ExplorerModule;
  });
  return loaded!;
};

test('the bundle is kept under node_modules/.cache, named after its sources', () => {
  const path = freshModule().explorerBundlePath();
  expect(path).toContain(`${sep}node_modules${sep}.cache${sep}madoguchi${sep}`);
  expect(path).toMatch(/explorer-[0-9a-f]{16}\.js$/);
});

test('a start serves the kept bundle without bundling again', async () => {
  const first = freshModule();
  const built = await first.buildExplorerAssets();
  const path = first.explorerBundlePath();
  expect(readFileSync(path, 'utf8')).toBe(built.js.body.toString('utf8'));
  expect(built.js.body.toString('utf8')).toContain('GraphiQL');
  const before = statSync(path);
  // A new process (a fresh module here) reads the file: a bundle made again would replace it.
  const again = await freshModule().buildExplorerAssets();
  const after = statSync(path);
  expect(again.js.body.equals(built.js.body)).toBe(true);
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
});
