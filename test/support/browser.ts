/**
 * The browser the page tests drive (Debian's chromium through playwright-core) and what they do
 * in it alike: skip with a visible notice where chromium is absent, keep a page on this machine
 * and collect its errors, move the focus as a keyboard user does, and ask axe-core for serious
 * accessibility violations.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` where chromium is installed; elsewhere `describe.skip`, with a visible notice naming `what`. */
export function describeWithBrowser(what: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  console.warn(`SKIPPED: ${what} need chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
  return describe.skip;
}

/** Chromium, headless, as the page tests run it on these machines. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
}

/** Aborts every request of the page to a host other than this machine, listing it in `blocked`. */
export async function blockOtherHosts(page: Page, blocked: string[]): Promise<void> {
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
}

/**
 * A page kept on this machine (blockOtherHosts) whose page errors and console errors go to
 * `problems` (failed loads aside: `blocked` lists those the test caused).
 */
export async function guardPage(page: Page, blocked: string[], problems: string[]): Promise<void> {
  await blockOtherHosts(page, blocked);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

/** Moves the focus with Tab (as a keyboard user does) until it is on an element matching `selector`. */
export async function tabTo(page: Page, selector: string, max = 300): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`the keyboard never reached ${selector}`);
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(require('axe-core').source as string);
  const result = (await page.evaluate('axe.run()')) as {
    violations: Array<{ id: string; impact: string; nodes: unknown[] }>;
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
}
