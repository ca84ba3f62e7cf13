// Jest's TypeScript transform: esbuild strips the types file by file, as tsx does for the
// project's commands, with the compiler options of tsconfig.json. Type errors are `npm run
// typecheck`'s job (npm test runs it first), so the transform only has to be quick: a cold run
// (CI's clean clone) compiles every module the tests load, and esbuild does that in a tenth of
// ts-jest's time (tsconfig's isolatedModules already promises that per-file output suffices).
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'tsconfig.json'), 'utf8'));
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'external',
  sourcesContent: false,
  // import() becomes a require, as tsc's CommonJS output has it: left as is, jest would load the
  // module through its ESM loader, where esbuild's exports are not seen as named exports.
  supported: { 'dynamic-import': false },
  tsconfigRaw: { compilerOptions },
};
const VERSION = createHash('sha256')
  .update(`${esbuild.version}\0${JSON.stringify(OPTIONS)}\0${readFileSync(__filename, 'utf8')}`)
  .digest('hex');

module.exports = {
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(`${VERSION}\0${filename}\0${source}`).digest('hex');
  },
};
