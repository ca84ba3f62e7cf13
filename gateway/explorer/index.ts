/**
 * The explorer served by the gateway itself, from assets bundled locally with esbuild (GraphiQL,
 * React): it works on an agency network without internet, unlike Apollo's CDN-hosted Sandbox.
 * `npm install` bundles it (gateway/prepare.ts) into node_modules/.cache, under a name that
 * changes with its sources and the installed packages; a start reads that file, or bundles it
 * there on first use when it is missing. Either way it is then kept in memory.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { build } from 'esbuild';
import { installCachePath } from '../../store/template';
import type { Route } from '../../subgraphs/shared/http';

interface Assets {
  js: string;
  css: string;
}

let assets: Promise<Assets> | undefined;

/** The cached bundle for the current sources: the app, its examples and the lockfile name it. */
export function explorerBundlePath(): string {
  const hash = createHash('sha256');
  const root = join(__dirname, '..', '..');
  for (const file of [join(__dirname, 'app.ts'), join(__dirname, 'examples.ts'), join(root, 'package-lock.json'), join(root, 'package.json')]) {
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return installCachePath(`explorer-${hash.digest('hex').slice(0, 16)}.js`);
}

async function bundle(): Promise<string> {
  const cached = explorerBundlePath();
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const result = await build({
    entryPoints: [join(__dirname, 'app.ts')],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const js = result.outputFiles[0].text;
  try {
    // Written whole and then renamed, so a reader never sees half a bundle.
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(`${cached}.${process.pid}.partial`, js);
    renameSync(`${cached}.${process.pid}.partial`, cached);
    // Bundles of earlier sources are never read again.
    for (const f of readdirSync(dirname(cached))) if (/^explorer-[0-9a-f]{16}\.js$/.test(f) && f !== basename(cached)) rmSync(join(dirname(cached), f), { force: true });
  } catch {
    // A read-only node_modules: the bundle is simply made again next time.
  }
  return js;
}

export function buildExplorerAssets(): Promise<Assets> {
  assets ??= bundle().then((js) => ({ js, css: readFileSync(require.resolve('graphiql/style.css'), 'utf8') }));
  assets.catch(() => (assets = undefined));
  return assets;
}

const PAGE = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Madoguchi explorer (窓口)</title>
<link rel="stylesheet" href="/explorer/app.css">
<style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="explorer"></div>
<script src="/explorer/app.js"></script>
</body>
</html>`;

// Only this origin: the page must never reach out to a CDN.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; worker-src 'self' blob:";

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'public, max-age=300' });
  res.end(body);
}

export function explorerRoutes(): Route[] {
  return [
    { method: 'GET', path: '/', handle: (_, res) => void res.writeHead(302, { location: '/explorer' }).end() },
    { method: 'GET', path: '/explorer', handle: (_, res) => send(res, 'text/html; charset=utf-8', PAGE) },
    { method: 'GET', path: '/explorer/app.js', handle: async (_, res) => send(res, 'text/javascript; charset=utf-8', (await buildExplorerAssets()).js) },
    { method: 'GET', path: '/explorer/app.css', handle: async (_, res) => send(res, 'text/css; charset=utf-8', (await buildExplorerAssets()).css) },
  ];
}
