/**
 * The embedded system as the e2e and attack tests start it: one place for what every such test
 * shares, so that a test states only what it changes. (The browser they drive: ./browser.ts.)
 */
import pino from 'pino';
import { startEmbedded, type Embedded, type EmbeddedOptions } from '../../app/embedded';
import { FIXED_NOW } from './paths';
import { embeddedTestStore, testStoreDump } from './store';

/**
 * The embedded system on a fresh copy of the demo store: loopback, port 0, no sync (the demo data
 * is already in), the fixed clock the demo's dates are written against, a silent log. `options`
 * overlay these (an auth secret, a logger to read, limits).
 */
export async function startDemo(options: Partial<EmbeddedOptions> = {}): Promise<Embedded> {
  return startEmbedded({ ...(await embeddedTestStore('demo')), ...DEMO_START, ...options });
}

/**
 * The same start, always on the embedded store (a PGlite copy of the demo dump), also in CI's
 * PostgreSQL pass: for the tests of pages, feeds and documents, which are about the gateway, not
 * the store.
 */
export function startDemoEmbedded(options: Partial<EmbeddedOptions> = {}): Promise<Embedded> {
  return startEmbedded({ storeDump: testStoreDump('demo'), ...DEMO_START, ...options });
}

const DEMO_START = {
  port: 0,
  host: '127.0.0.1',
  sync: 'never',
  now: FIXED_NOW,
  logger: pino({ level: 'silent' }),
} satisfies Partial<EmbeddedOptions>;
