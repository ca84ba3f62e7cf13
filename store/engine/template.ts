/**
 * An empty, migrated store kept as a ready PGlite data directory, so a first start copies it into
 * a new data directory (about 0.7 s with opening, against 1–1.5 s to unpack a dump and 2.4 s or
 * more for initdb). `npm install` builds it; without it a first start simply runs initdb. The
 * directory is named after the PGlite version that wrote it.
 */
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOLDER_NAME, LOCK_NAME } from './dataDirLock';

/**
 * A path in the project's cache inside node_modules (node_modules/.cache/madoguchi), for what
 * `npm install` prepares for the installed packages: it goes with them, and with a fresh install.
 */
function installCachePath(name: string): string {
  return join(nodeModulesDir(), '.cache', 'madoguchi', name);
}

function nodeModulesDir(): string {
  const entry = require.resolve('@electric-sql/pglite');
  return entry.slice(0, entry.lastIndexOf('node_modules') + 'node_modules'.length);
}

/** Where the template for the installed PGlite lives. */
export function templatePath(): string {
  // The package's exports hide its package.json: it sits in the package directory above the entry.
  const { version } = JSON.parse(
    readFileSync(join(nodeModulesDir(), '@electric-sql', 'pglite', 'package.json'), 'utf8'),
  ) as { version: string };
  return installCachePath(`empty-store-pglite-${version}`);
}

/**
 * Fills a new or empty data directory from the template, when there is one. A directory holding
 * only the install's development secrets (written by the first start before the store opens)
 * counts as empty.
 */
export function copyTemplateTo(dataDir: string): void {
  const ours = new Set(['secrets.json', LOCK_NAME, HOLDER_NAME]);
  if (existsSync(dataDir) && readdirSync(dataDir).some((f) => !ours.has(f))) return;
  const path = templatePath();
  if (existsSync(path)) cpSync(path, dataDir, { recursive: true });
}

/**
 * Builds the template with `build` (which must leave a closed, migrated store in the directory
 * it is given) and moves it into place whole: a reader never sees half a template, and of two
 * builds at once the first to finish wins.
 */
export async function buildTemplate(build: (dir: string) => Promise<void>): Promise<string> {
  const path = templatePath();
  const partial = `${path}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await build(partial);
    if (!existsSync(path)) renameSync(partial, path);
  } catch (e) {
    if (!existsSync(path)) throw e;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return path;
}
