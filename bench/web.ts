/**
 * `npm run bench:web`: what a visitor's browser pays for the one-stop page, against the explorer
 * (the gateway's other page) as the peer, in the same run: JavaScript and CSS sent (bytes on the
 * wire, gzip), and the time from navigation start to the first search result on screen (by the
 * page's own clock: a script installed before the page's own records the frame after the result
 * entered the DOM, so the harness's polling adds nothing), in Debian's chromium on loopback, median of 20 visits each, alternating page
 * and peer: first visits (a fresh browser context: nothing cached, nothing stored) and returning
 * visits (bundles in the browser's cache). The page opens a shared search link (/?q=…); the explorer
 * opens the same search as a share link and runs it as soon as its run button is there. Each
 * visit asks another of the judged queries, so neither is served from the gateway's response
 * cache. The system is `npm start`'s, with its defaults, on a temporary data directory, synced
 * before measuring. Goals: ≤ 150 KB gzip of JavaScript for `/`, first result
 * ≤ 300 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startEmbedded } from '../app/embedded';
import { EXAMPLE_OPERATIONS } from '../gateway/explorer/examples';
import { JUDGED_QUERIES } from '../test/support/judged-queries';
import { markdownTable, percentile } from './report';
import { CHROMIUM } from '../test/support/browser';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const GOAL_KB = 150;
const GOAL_MS = 300;

interface Visit {
  /** From navigation start to the result on screen, by the page's own clock. */
  ms: number;
  jsBytes: number;
  cssBytes: number;
}

type Until = (page: Page) => Promise<void>;

/**
 * Installed in every page before its own scripts: watches the DOM and, once `shown()` holds, stamps
 * the time at the next animation frame (when the result is painted) in `window.__resultShownAt`.
 */
function stampWhenShown(shown: string): string {
  return `(() => {
    const shown = ${shown};
    let seen = false;
    const check = () => {
      if (seen || !shown()) return;
      seen = true;
      requestAnimationFrame(() => { window.__resultShownAt = performance.now(); });
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  })();`;
}
const PAGE_SHOWN = stampWhenShown(`() => document.querySelector('.reading') !== null`);
const EXPLORER_SHOWN = stampWhenShown(
  `() => [...document.querySelectorAll('.graphiql-response')].some((e) => e.textContent.includes('"totalCount"'))`,
);

/** One visit in a browser context: navigation to result on screen, and what was sent over the wire. */
async function visit(context: BrowserContext, url: string, untilResult: Until): Promise<Visit> {
  const page = await context.newPage();
  const sizes: Array<Promise<{ type: string; bytes: number }>> = [];
  page.on('requestfinished', (request) => {
    const type = request.resourceType();
    if (type === 'script' || type === 'stylesheet')
      sizes.push(request.sizes().then((s) => ({ type, bytes: s.responseBodySize })));
  });
  await page.goto(url);
  await untilResult(page);
  // Polled at a leisurely interval, so the harness takes no time from the page it measures.
  await page.waitForFunction(
    () => (globalThis as { __resultShownAt?: number }).__resultShownAt !== undefined,
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  const ms = (await page.evaluate('window.__resultShownAt')) as number;
  const sent = await Promise.all(sizes);
  await page.close();
  return {
    ms,
    jsBytes: sent.filter((s) => s.type === 'script').reduce((a, s) => a + s.bytes, 0),
    cssBytes: sent.filter((s) => s.type === 'stylesheet').reduce((a, s) => a + s.bytes, 0),
  };
}

async function contextStamping(browser: Browser, stamp: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(stamp);
  return context;
}

/** A first visit: a new context, so nothing is cached and nothing stored. */
async function coldVisit(browser: Browser, url: string, untilResult: Until, stamp: string): Promise<Visit> {
  const context = await contextStamping(browser, stamp);
  try {
    return await visit(context, url, untilResult);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-web-'));
  const started = Date.now();
  const app = await startEmbedded({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    sync: 'blocking',
    logger: pino({ level: 'warn' }),
  });
  console.log(
    `system synced in ${((Date.now() - started) / 1000).toFixed(1)} s; ${RUNS} cold visits each, alternating\n`,
  );
  const base = `http://127.0.0.1:${app.gateway.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-dev-shm-usage', '--disable-gpu'],
  });
  const search = EXAMPLE_OPERATIONS.find((e) => e.name === 'OneStopSearch')!;
  const texts = [...new Set(JUDGED_QUERIES.map((q) => q.text))];
  const cold = { page: [] as Visit[], explorer: [] as Visit[] };
  const warm = { page: [] as Visit[], explorer: [] as Visit[] };
  // The page runs the search of its link by itself; the explorer's run button is pressed once it is there.
  const untilPage: Until = async () => {};
  const untilExplorer: Until = (p) => p.locator('.graphiql-execute-button').click({ timeout: 30_000 });
  // Returning visitors: one context each, whose HTTP cache holds the bundles after the first visit.
  const returning = {
    page: await contextStamping(browser, PAGE_SHOWN),
    explorer: await contextStamping(browser, EXPLORER_SHOWN),
  };
  try {
    // One visit each to warm the gateway and the returning visitors' caches; not counted.
    await visit(returning.page, `${base}/?q=${encodeURIComponent('warm')}`, untilPage);
    await visit(
      returning.explorer,
      `${base}/explorer?${new URLSearchParams({ query: search.query, variables: '{"text":"warm"}' })}`,
      untilExplorer,
    );
    for (let i = 0; i < RUNS; i++) {
      const text = (round: string) => `${texts[i % texts.length]} ${round}${i}`;
      const pageUrl = (t: string) => `${base}/?q=${encodeURIComponent(t)}`;
      const explorerUrl = (t: string) =>
        `${base}/explorer?${new URLSearchParams({ query: search.query, variables: JSON.stringify({ text: t }) })}`;
      cold.page.push(await coldVisit(browser, pageUrl(text('c')), untilPage, PAGE_SHOWN));
      cold.explorer.push(await coldVisit(browser, explorerUrl(text('c')), untilExplorer, EXPLORER_SHOWN));
      warm.page.push(await visit(returning.page, pageUrl(text('w')), untilPage));
      warm.explorer.push(await visit(returning.explorer, explorerUrl(text('w')), untilExplorer));
    }
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const kb = (b: number) => (b / 1024).toFixed(1);
  const p50 = (v: Visit[]) =>
    percentile(
      v.map((x) => x.ms),
      50,
    );
  const p90 = (v: Visit[]) =>
    percentile(
      v.map((x) => x.ms),
      90,
    );
  const row = (name: string, key: 'page' | 'explorer') => [
    name,
    kb(cold[key][0].jsBytes),
    kb(cold[key][0].cssBytes),
    p50(cold[key]).toFixed(0),
    p90(cold[key]).toFixed(0),
    p50(warm[key]).toFixed(0),
    p90(warm[key]).toFixed(0),
  ];
  console.log(
    markdownTable(
      [
        'page',
        'JS sent (KB gzip)',
        'CSS sent (KB gzip)',
        'first result, first visit p50 (ms)',
        'p90',
        'returning visit p50 (ms)',
        'p90',
      ],
      [row('one-stop page /', 'page'), row('explorer (peer)', 'explorer')],
    ),
  );
  console.log(
    `\none-stop page / explorer: JavaScript ${(cold.page[0].jsBytes / cold.explorer[0].jsBytes).toFixed(3)}×, first result ${(p50(cold.page) / p50(cold.explorer)).toFixed(2)}× (first visit), ${(p50(warm.page) / p50(warm.explorer)).toFixed(2)}× (returning)`,
  );
  console.log(
    `goals: JavaScript ≤ ${GOAL_KB} KB gzip ${cold.page[0].jsBytes / 1024 <= GOAL_KB ? 'met' : 'MISSED'}; first result ≤ ${GOAL_MS} ms ${p50(cold.page) <= GOAL_MS ? 'met' : 'MISSED'} on a first visit, ${p50(warm.page) <= GOAL_MS ? 'met' : 'MISSED'} on a returning one`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
