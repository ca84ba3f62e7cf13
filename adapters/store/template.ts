/**
 * An empty, migrated store kept as a PGlite dump, so a first start fills a new data directory in
 * well under a second instead of running initdb (about 2.4 s). `npm install` writes it; without
 * it a first start simply runs initdb. The file is named after the PGlite version that wrote it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function pgliteVersion(): string {
  // The package's exports hide its package.json: find it beside the resolved entry point.
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@electric-sql/pglite"')) {
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the template for the installed PGlite lives (inside node_modules, so it goes with it). */
export function templatePath(): string {
  const pkg = dirname(require.resolve('@electric-sql/pglite'));
  const nodeModules = pkg.slice(0, pkg.lastIndexOf('node_modules') + 'node_modules'.length);
  return join(nodeModules, '.cache', 'madoguchi', `empty-store-pglite-${pgliteVersion()}.tar`);
}

/** The template's bytes when there is one and the data directory is new or empty. */
export function templateFor(dataDir: string): Blob | undefined {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return undefined;
  const path = templatePath();
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** Writes the template atomically (a reader never sees half a file). */
export function writeTemplate(bytes: Buffer): string {
  const path = templatePath();
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
  return path;
}
