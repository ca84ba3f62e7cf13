/**
 * The embedded system as the e2e and attack tests start it: one place for what every such test
 * shares, so that a test states only what it changes. (The browser they drive: ./browser.ts.)
 */
import pino from 'pino';
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
