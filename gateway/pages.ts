/**
 * The pages people look at, served by the gateway from web/: the one-stop page for firms at `/`
 * (and `/program` for one programme), the analyst dashboard at `/analytics`, the growth
 * committee's page at `/committee` and the consultants' desk at `/desk`. Each is an HTML
 * shell, a bundled script and its CSS; they call this gateway's /graphql with persisted
 * documents only. Public pages and static assets: no route here reads a token or any data.
 */
import { join } from 'node:path';
import { asset, makeBundle, sendAsset, type Asset, type BundleSpec } from './bundle';
import type { Route } from '../server/http';

const WEB = join(__dirname, '..', 'web');
const DOMAIN_VOCABULARY = join(__dirname, '..', 'domain', 'vocabulary.ts');

/**
 * The firms' page is written against React's API and bundled with Preact's compatibility layer in
 * its place: a tenth of the script to parse before the first result shows (bench:web). The
 * dashboard keeps React, which its charts (visx) are built on.
 */
const PREACT: Record<string, string> = {
  react: 'preact/compat',
  'react-dom': 'preact/compat',
  'react-dom/client': 'preact/compat/client',
  'react/jsx-runtime': 'preact/jsx-runtime',
};

interface Page {
  spec: BundleSpec;
  title: string;
  paths: string[];
}

const PAGES: Record<'onestop' | 'analytics' | 'committee' | 'desk', Page> = {
  onestop: {
    spec: {
      name: 'onestop',
      entry: join(WEB, 'onestop', 'main.tsx'),
      inputs: [join(WEB, 'onestop'), join(WEB, 'shared'), join(WEB, 'gql'), DOMAIN_VOCABULARY],
      alias: PREACT,
    },
    title: '窓口 — 支援施策をまとめて探す',
    paths: ['/', '/program'],
  },
  analytics: {
    spec: {
      name: 'analytics',
      entry: join(WEB, 'analytics', 'main.tsx'),
      inputs: [join(WEB, 'analytics'), join(WEB, 'shared'), join(WEB, 'gql'), DOMAIN_VOCABULARY],
    },
    title: '窓口 — 相談統計ダッシュボード',
    paths: ['/analytics'],
  },
  committee: {
    spec: {
      name: 'committee',
      entry: join(WEB, 'committee', 'main.tsx'),
      inputs: [join(WEB, 'committee'), join(WEB, 'shared'), join(WEB, 'gql'), DOMAIN_VOCABULARY],
      alias: PREACT,
    },
    title: '窓口 — 成長企業発掘・育成委員会',
    paths: ['/committee'],
  },
  desk: {
    spec: {
      name: 'desk',
      entry: join(WEB, 'desk', 'main.tsx'),
      inputs: [join(WEB, 'desk'), join(WEB, 'shared'), join(WEB, 'gql'), DOMAIN_VOCABULARY],
      alias: PREACT,
    },
    title: '窓口 — 相談窓口デスク',
    paths: ['/desk'],
  },
};

/**
 * Scripts, styles, data and fonts from this origin only; the system's fonts need no font file.
 * No inline script, no frames, no form posting elsewhere.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function shell(name: string, title: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/web/${name}.css">
</head>
<body>
<div id="app"></div>
<noscript>このページを使うには JavaScript を有効にしてください。</noscript>
<script src="/web/${name}.js"></script>
</body>
</html>`;
}

interface PageAssets {
  js: Asset;
  css: Asset;
}

const built = new Map<string, Promise<PageAssets>>();

export function buildPageAssets(name: keyof typeof PAGES): Promise<PageAssets> {
  let assets = built.get(name);
  if (!assets) {
    assets = makeBundle(PAGES[name].spec).then(({ js, css }) => ({
      js: asset('text/javascript; charset=utf-8', js),
      css: asset('text/css; charset=utf-8', css),
    }));
    assets.catch(() => built.delete(name));
    built.set(name, assets);
  }
  return assets;
}

/** Every page's bundle, for `npm install` and for a start that warms them. */
export function buildAllPageAssets(): Promise<unknown> {
  return Promise.all(Object.keys(PAGES).map((n) => buildPageAssets(n as keyof typeof PAGES)));
}

// The shells name their assets without a version, so they are revalidated often.
const HEADERS = { csp: PAGE_CSP, cacheControl: 'public, max-age=300' };

export function pageRoutes(): Route[] {
  const routes: Route[] = [];
  for (const [name, page] of Object.entries(PAGES) as Array<[keyof typeof PAGES, Page]>) {
    const html = asset('text/html; charset=utf-8', shell(name, page.title));
    for (const path of page.paths)
      routes.push({ method: 'GET', path, handle: (req, res) => sendAsset(req, res, html, HEADERS) });
    routes.push({
      method: 'GET',
      path: `/web/${name}.js`,
      handle: async (req, res) => sendAsset(req, res, (await buildPageAssets(name)).js, HEADERS),
    });
    routes.push({
      method: 'GET',
      path: `/web/${name}.css`,
      handle: async (req, res) => sendAsset(req, res, (await buildPageAssets(name)).css, HEADERS),
    });
  }
  return routes;
}
