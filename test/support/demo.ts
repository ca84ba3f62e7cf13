/**
 * The embedded system as the e2e and attack tests start it, and the browser the page tests drive:
 * one place for what every such test shares, so that a test states only what it changes.
 */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { startEmbedded, type Embedded, type EmbeddedOptions } from '../../app/embedded';
import { FIXED_NOW } from './paths';
import { embeddedTestStore } from './store';

/**
 * The embedded system on a fresh copy of the demo store: loopback, port 0, no sync (the demo data
 * is already in), the fixed clock the demo's dates are written against, a silent log. `options`
 * overlay these (an auth secret, a logger to read, limits).
 */
export async function startDemo(options: Partial<EmbeddedOptions> = {}): Promise<Embedded> {
  return startEmbedded({
    ...(await embeddedTestStore('demo')),
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: FIXED_NOW,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

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
