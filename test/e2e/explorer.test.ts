/**
 * The explorer in a real browser (Debian's chromium through playwright-core) with every
 * non-loopback request blocked: the page loads from the gateway alone, runs the preloaded
 * directory query, and the answer appears on screen.
 */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { startEmbedded, type Embedded } from '../../gateway/embedded';
import { openTestStore } from '../support/store';
import { FIXED_NOW } from '../support/paths';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: explorer browser test needs chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
const maybe = haveBrowser ? describe : describe.skip;

maybe('explorer', () => {
  let app: Embedded;
  let browser: Browser;

  beforeAll(async () => {
    const store = await openTestStore('demo');
    app = await startEmbedded({ store, port: 0, host: '127.0.0.1', sync: 'never', now: () => FIXED_NOW, logger: pino({ level: 'silent' }) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await app?.store.close();
  });

  test('loads offline, runs the directory example and shows the result', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${app.gateway.port}/explorer`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-tab').first().waitFor();
    expect(await page.locator('.graphiql-tab').count()).toBeGreaterThanOrEqual(3);
    await page.locator('.graphiql-execute-button').click();
    // The first organization by id; the editor renders only the lines in view.
    const response = page.locator('.graphiql-response', { hasText: '明石市産業振興財団' });
    await response.waitFor({ timeout: 30_000 });
    expect(await response.innerText()).toMatch(/"consultationCount": \d+/);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });
});
