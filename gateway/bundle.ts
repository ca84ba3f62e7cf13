/**
 * Browser bundles the gateway serves (the explorer, the one-stop page, the analyst dashboard),
 * made with esbuild once per set of sources: `npm install` makes them (app/prepare.ts) into
 * node_modules/.cache under a name that changes with their sources and the installed packages; a
 * start reads those files, or bundles on first use when they are missing. Either way they are
 * then kept in memory, with their gzip form, and served with headers that forbid loading anything
 * from elsewhere.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { installCachePath } from '../server/installCache';

const ROOT = join(__dirname, '..');

export interface BundleSpec {
  /** Names the cached files: `<name>-<hash>.js` (and `.css` when the entry imports CSS). */
  name: string;
  entry: string;
  /** Files and folders whose contents the bundle depends on, besides the installed packages. */
  inputs: string[];
  /** Packages bundled in place of others (esbuild's `alias`), e.g. Preact for React. */
  alias?: Record<string, string>;
}

export interface Bundle {
  js: string;
  /** CSS the entry imported; empty when none. */
  css: string;
}

function hashInputs(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) hashInputs(hash, join(path, entry));
    return;
  }
  hash.update(path.slice(ROOT.length));
  hash.update(readFileSync(path));
}

/** The cached bundle's JavaScript file for the current sources and packages. */
export function bundlePath(spec: BundleSpec): string {
  const hash = createHash('sha256');
  for (const input of [...spec.inputs, join(ROOT, 'package-lock.json'), join(ROOT, 'package.json')])
    hashInputs(hash, input);
  hash.update(JSON.stringify(spec.alias ?? {}));
  return installCachePath(`${spec.name}-${hash.digest('hex').slice(0, 16)}.js`);
}

function writeWhole(path: string, text: string): void {
  // Written whole and then renamed, so a reader never sees half a bundle.
  writeFileSync(`${path}.${process.pid}.partial`, text);
  renameSync(`${path}.${process.pid}.partial`, path);
}

export async function makeBundle(spec: BundleSpec): Promise<Bundle> {
  const jsPath = bundlePath(spec);
  const cssPath = jsPath.replace(/\.js$/, '.css');
  if (existsSync(jsPath))
    return { js: readFileSync(jsPath, 'utf8'), css: existsSync(cssPath) ? readFileSync(cssPath, 'utf8') : '' };
  const result = await build({
    entryPoints: { [spec.name]: spec.entry },
    bundle: true,
    write: false,
    outdir: 'out',
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    jsx: 'automatic',
    charset: 'utf8',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: spec.alias,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  try {
    mkdirSync(dirname(jsPath), { recursive: true });
    if (css) writeWhole(cssPath, css);
    writeWhole(jsPath, js);
    // Bundles of earlier sources are never read again.
    const mine = new RegExp(`^${spec.name}-[0-9a-f]{16}\\.(js|css)$`);
    const current = basename(jsPath, '.js');
    for (const f of readdirSync(dirname(jsPath)))
      if (mine.test(f) && !f.startsWith(`${current}.`)) rmSync(join(dirname(jsPath), f), { force: true });
  } catch {
    // A read-only node_modules: the bundle is simply made again next time.
  }
  return { js, css };
}

/** A response body kept as is and gzipped once. */
export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
}

export function asset(type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return { type, body, gzip: gzipSync(body, { level: 9 }) };
}

export interface PageHeaders {
  csp: string;
  cacheControl: string;
}

/** Sends an asset, gzipped when the client accepts it, with the page's security headers. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, a: Asset, headers: PageHeaders): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'content-type': a.type,
    'content-length': String(gzip ? a.gzip.length : a.body.length),
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    vary: 'accept-encoding',
    'cache-control': headers.cacheControl,
    'content-security-policy': headers.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  res.end(gzip ? a.gzip : a.body);
}
