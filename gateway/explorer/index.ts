/**
 * The explorer served by the gateway itself, from assets bundled locally with esbuild (GraphiQL,
 * React): it works on an agency network without internet, unlike Apollo's CDN-hosted Sandbox.
 * The bundle is made at `npm install` and kept as ../bundle.ts describes; served gzipped, with a
 * policy that allows this origin only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asset, bundlePath, makeBundle, sendAsset, type Asset, type BundleSpec } from '../bundle';
import type { Route } from '../../server/http';

interface Assets {
  js: Asset;
  css: Asset;
}

const SPEC: BundleSpec = {
  name: 'explorer',
  entry: join(__dirname, 'app.ts'),
  inputs: [join(__dirname, 'app.ts'), join(__dirname, 'examples.ts')],
};

let assets: Promise<Assets> | undefined;

/** The cached bundle for the current sources: the app, its examples and the lockfile name it. */
export function explorerBundlePath(): string {
  return bundlePath(SPEC);
}

export function buildExplorerAssets(): Promise<Assets> {
  assets ??= makeBundle(SPEC).then(({ js }) => ({
    js: asset('text/javascript; charset=utf-8', js),
    css: asset('text/css; charset=utf-8', readFileSync(require.resolve('graphiql/style.css'), 'utf8')),
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
const PAGE_ASSET = asset('text/html; charset=utf-8', PAGE);

// Only this origin: the page must never reach out to a CDN.
const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; worker-src 'self' blob:";

const HEADERS = { csp: CSP, cacheControl: 'public, max-age=300' };

export function explorerRoutes(): Route[] {
  return [
    { method: 'GET', path: '/explorer', handle: (req, res) => sendAsset(req, res, PAGE_ASSET, HEADERS) },
    {
      method: 'GET',
      path: '/explorer/app.js',
      handle: async (req, res) => sendAsset(req, res, (await buildExplorerAssets()).js, HEADERS),
    },
    {
      method: 'GET',
      path: '/explorer/app.css',
      handle: async (req, res) => sendAsset(req, res, (await buildExplorerAssets()).css, HEADERS),
    },
  ];
}
