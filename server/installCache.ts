/**
 * A path in the project's cache inside node_modules (node_modules/.cache/madoguchi), for what
 * `npm install` prepares for the installed packages (the gateway's browser bundles): it goes with
 * them, and with a fresh install. The store keeps its template there too (store/template.ts,
 * which finds the folder from PGlite's own package, as the store may not import this library).
 */
import { join } from 'node:path';

export function installCachePath(name: string): string {
  const entry = require.resolve('@apollo/server');
  const nodeModules = entry.slice(0, entry.lastIndexOf('node_modules') + 'node_modules'.length);
  return join(nodeModules, '.cache', 'madoguchi', name);
}
