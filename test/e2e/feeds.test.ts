/**
 * The public feeds as a reader's software sees them, through the gateway as shipped: the Atom
 * feed's links read by an XML parser (rss-parser), the calendar's date-times by Mozilla's ical.js
 * against RFC 5545 (DTSTAMP, CREATED and LAST-MODIFIED in UTC; DTSTART/DTEND as DATE values or
 * with a TZID).
 */
import pino from 'pino';
import Parser from 'rss-parser';
import { fetch } from 'undici';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { FIXED_NOW } from '../support/paths';
import { testStoreDump } from '../support/store';

let app: Embedded;
let base: string;

beforeAll(async () => {
  app = await startEmbedded({
    storeDump: testStoreDump('demo'),
    port: 0,
    host: '127.0.0.1',
    sync: 'never',
    now: FIXED_NOW,
    logger: pino({ level: 'silent' }),
  });
  base = `http://127.0.0.1:${app.gateway.port}`;
}, 120_000);

afterAll(() => app?.close());

test('the Atom feed’s self link is the URL it was read from, escaped once like the alternate link', async () => {
  const url = `${base}/feeds/programs.atom?q=%E5%89%B5%E6%A5%AD&muni=281000`;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const feed = await new Parser().parseString(await res.text());
  expect(feed.feedUrl).toBe(url);
  expect(feed.link).toBe(`${base}/?q=%E5%89%B5%E6%A5%AD&muni=281000`);
});
