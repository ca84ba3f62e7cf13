/**
 * An empty, migrated store kept as a PGlite dump, so a first start fills a new data directory in
 * well under a second instead of running initdb (about 2.4 s). `npm install` writes it; without
 * it a first start simply runs initdb. The file is named after the PGlite version that wrote it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the template for the installed PGlite lives (inside node_modules, so it goes with it). */
export function templatePath(): string {
  // The package's exports hide its package.json: it sits in the package directory above the entry.
  const entry = require.resolve('@electric-sql/pglite');
  const nodeModules = entry.slice(0, entry.lastIndexOf('node_modules') + 'node_modules'.length);
  const { version } = JSON.parse(readFileSync(join(nodeModules, '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return join(nodeModules, '.cache', 'madoguchi', `empty-store-pglite-${version}.tar`);
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
