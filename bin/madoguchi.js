#!/usr/bin/env node
// The `madoguchi` command. In production (NODE_ENV=production) it runs the compiled JavaScript of
// `npm run build` (dist/) with plain node, no TypeScript at run time; elsewhere the TypeScript
// sources through tsx, so an edit needs no build. This is the one place that reads NODE_ENV
// before the settings are parsed: it decides which code to load.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'app', 'cli.js');
if (process.env.NODE_ENV === 'production') {
  if (!existsSync(compiled)) {
    if (process.argv[2] === 'prepare') {
      // `npm install` in production, before the build: nothing to prepare yet (and no demo data).
      console.log('madoguchi: production install; run npm run build, then madoguchi prepare');
      process.exit(0);
    }
    console.error('madoguchi: NODE_ENV=production runs the compiled build: run npm run build first');
    process.exit(1);
  }
  require(compiled).run();
} else {
  // tsx's hooks for require() and import() alike, as `node --import tsx` installs them.
  import('tsx').then(
    () => require(join(root, 'app', 'cli.ts')).run(),
    (e) => {
      // An install without devDependencies (npm install --omit=dev) has no tsx: nothing to prepare.
      if (process.argv[2] === 'prepare') process.exit(0);
      console.error(
        `madoguchi: cannot load TypeScript (${e.message}): install the devDependencies, or set NODE_ENV=production and run npm run build`,
      );
      process.exit(1);
    },
  );
}
