/**
 * The public feeds as a reader's software sees them, through the gateway as shipped: the Atom
 * feed's links read by an XML parser (rss-parser), the calendar's date-times by Mozilla's ical.js
 * against RFC 5545 (DTSTAMP, CREATED and LAST-MODIFIED in UTC; DTSTART/DTEND as DATE values or
 * with a TZID).
 */
import ICAL from 'ical.js';
import Parser from 'rss-parser';
import { fetch } from 'undici';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';

let app: Embedded;
let base: string;

beforeAll(async () => {
  app = await startDemoEmbedded({});
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

test('every date-time of the calendar is one RFC 5545 allows, stamped in UTC', async () => {
  const res = await fetch(`${base}/feeds/programs.ics?q=%E8%B3%87%E9%87%91`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) {
    // DTSTAMP is required once; it, CREATED and LAST-MODIFIED must be UTC (RFC 5545 3.8.7).
    expect(event.getAllProperties('dtstamp')).toHaveLength(1);
    for (const name of ['dtstamp', 'created', 'last-modified']) {
      for (const prop of event.getAllProperties(name)) {
        const time = prop.getFirstValue() as ICAL.Time;
        expect(prop.type).toBe('date-time');
        expect(time.zone).toBe(ICAL.Timezone.utcTimezone);
      }
    }
    for (const name of ['dtstart', 'dtend']) {
      for (const prop of event.getAllProperties(name)) {
        const time = prop.getFirstValue() as ICAL.Time;
        if (!time.isDate) expect(prop.getParameter('tzid') ?? time.zone?.tzid).toMatch(/\S/);
      }
    }
  }
  // Each stamp is the instant of the programme's last change the graph gives.
  const graph = (await (
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($s: AlertSearchInput) { programFeed(search: $s) { dates(first: 400) { id updated } } }`,
        variables: { s: { text: '資金' } },
      }),
    })
  ).json()) as { data: { programFeed: { dates: Array<{ id: string; updated: string }> } } };
  const updated = new Map(graph.data.programFeed.dates.map((d) => [`${d.id}@madoguchi`, Date.parse(d.updated)]));
  for (const event of events) {
    const uid = String(event.getFirstPropertyValue('uid'));
    expect((event.getFirstPropertyValue('dtstamp') as ICAL.Time).toUnixTime() * 1000).toBe(updated.get(uid));
  }
});
