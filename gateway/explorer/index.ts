/**
 * The explorer served by the gateway itself, from assets bundled locally with esbuild (GraphiQL,
 * React): it works on an agency network without internet, unlike Apollo's CDN-hosted Sandbox.
 * The bundle is built once, on first use, and kept in memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { build } from 'esbuild';
import type { Route } from '../http';

interface Assets {
  js: string;
  css: string;
}

let assets: Promise<Assets> | undefined;

export function buildExplorerAssets(): Promise<Assets> {
  assets ??= build({
    entryPoints: [join(__dirname, 'app.ts')],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  }).then((result) => ({
    js: result.outputFiles[0].text,
    css: readFileSync(require.resolve('graphiql/style.css'), 'utf8'),
  }));
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
