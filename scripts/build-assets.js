#!/usr/bin/env node
// The second half of `npm run build`: tsc compiles the TypeScript into dist/ (tsconfig.build.json);
// this copies beside it what the compiled code reads from its own folders at run time — schemas
// (.graphql), migrations (.sql), data files, the demo's files — and the sources the gateway bundles
// for browsers with esbuild (web/, the explorer's app). The generated demo logs stay where the
// agency files look for them (demo/generated), linked from dist/.
'use strict';
const { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const FOLDERS = ['app', 'server', 'gateway', 'subgraphs', 'store', 'adapters', 'domain', 'demo'];
const SKIP = new Set(['node_modules', '__fixtures__', 'generated', 'dist']);

let copied = 0;
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (SKIP.has(name)) continue;
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!/\.tsx?$/.test(name) || path === join(root, 'gateway', 'explorer', 'app.ts')) {
      const to = join(dist, relative(root, path));
      mkdirSync(join(to, '..'), { recursive: true });
      cpSync(path, to);
      copied += 1;
    }
  }
}

if (!existsSync(join(dist, 'app', 'cli.js'))) {
  console.error('build-assets: dist/app/cli.js is missing; run tsc -p tsconfig.build.json first');
  process.exit(1);
}
for (const folder of FOLDERS) copyAssets(join(root, folder));
// The pages' sources, bundled by esbuild at start or by `madoguchi prepare`.
rmSync(join(dist, 'web'), { recursive: true, force: true });
cpSync(join(root, 'web'), join(dist, 'web'), { recursive: true });
const generated = join(dist, 'demo', 'generated');
rmSync(generated, { recursive: true, force: true });
symlinkSync(join('..', '..', 'demo', 'generated'), generated);
console.log(`build: dist/ compiled, ${copied} data files and web/ copied`);
