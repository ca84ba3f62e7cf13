/**
 * Alerts as a firm, a portal and an agency meet them, on the embedded start with the demo store:
 * 豊島区's programme file (Shift_JIS, as published) gains a programme, changes an amount and drops
 * a programme over three syncs. The Atom feed and the calendar of a search for 豊島区 show the new
 * programme after its sync, read by independent parsers (rss-parser, Mozilla's ical.js), with
 * conditional GET; and signed webhooks reach a real receiver that fails 30 % of the time (half of
 * those after processing, as when an answer is lost): every change reaches every matching
 * webhook exactly once after retries, each message verified with the Standard Webhooks library,
 * and the delivery log in the graph shows the retries. Loopback receivers need the install's
 * allowance (MADOGUCHI_WEBHOOK_ALLOW_PRIVATE), which is what this test sets beside fast retries.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import ICAL from 'ical.js';
import pino from 'pino';
import Parser from 'rss-parser';
import { Webhook } from 'standardwebhooks';
import { fetch } from 'undici';
import { loadAgencyConfigs } from '../../adapters/core/config';
import { signDevelopmentToken } from '../../gateway/auth';
import { startDemoEmbedded } from '../support/demo';
import { type Embedded } from '../../app/embedded';
import { parseSettings } from '../../server/settings';
import { mulberry32 } from '../../demo/random';
import { FIXED_NOW, ROOT } from '../support/paths';

const secret = new TextEncoder().encode('alerts-test-secret-alerts-test-secret-12');
let app: Embedded;
let base: string;
let receiver: Server;
let receiverUrl: string;
let csvPath: string;
let header: string;
let rows: string[];

interface Received {
  webhookId: string;
  messageId: string;
  changes: string[];
}
const processed = new Map<string, Received>();
const attemptsById = new Map<string, number>();
let failures = 0;
const secrets = new Map<string, string>();

const env = {
  MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
  MADOGUCHI_WEBHOOK_RETRY_BASE_MS: '50',
  MADOGUCHI_WEBHOOK_RETRY_MAX_MS: '800',
};

beforeAll(async () => {
  // The receiver: 30 % of requests fail; half of those fail after processing (a lost answer).
  const random = mulberry32(31);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      attemptsById.set(id, (attemptsById.get(id) ?? 0) + 1);
      const roll = random();
      if (roll < 0.15) {
        failures++;
        res.writeHead(503).end();
        return;
      }
      const payload = JSON.parse(body) as { data: { webhook: string; changes: Array<{ id: string }> } };
      // The published scheme: HMAC-SHA256 over id.timestamp.body, with the timestamp's tolerance.
      new Webhook(secrets.get(payload.data.webhook)!).verify(body, {
        'webhook-id': id,
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      });
      // Receivers drop repeats by webhook-id, as Standard Webhooks asks.
      if (!processed.has(id))
        processed.set(id, {
          webhookId: payload.data.webhook,
          messageId: id,
          changes: payload.data.changes.map((c) => c.id),
        });
      if (roll < 0.3) {
        failures++;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;

  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-alerts-'));
  csvPath = join(dir, 'programs.csv');
  const text = iconv.decode(readFileSync(join(ROOT, 'demo', 'files', 'toshima-city', 'programs.csv')), 'cp932');
  [header, ...rows] = text.trimEnd().split(/\r?\n/);
  app = await startDemoEmbedded({
    settings: parseSettings(env, { envFile: false }),
    logger: pino({ level: process.env.DEBUG_ALERTS ? 'debug' : 'silent' }),
    auth: { secret },
  });
  base = `http://127.0.0.1:${app.gateway.port}`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await new Promise((r) => receiver?.close(r));
});

async function graphql(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** Writes the file as 豊島区 publishes it (Shift_JIS) and syncs it. */
async function publishAndSync(lines: string[], minutes: number) {
  writeFileSync(csvPath, iconv.encode(`${[header, ...lines].join('\r\n')}\r\n`, 'cp932'));
  const agencies = loadAgencyConfigs(resolve(ROOT, 'agencies'), process.env);
  const agency = agencies.find((a) => a.id === 'toshima-city')!;
  const source = agency.sources.find((s) => s.id === 'programs')!;
  const report = await app.syncSource(agency, { ...source, location: csvPath } as typeof source, {
    atMs: FIXED_NOW.getTime() + minutes * 60_000,
  });
  expect(report.outcome).toBe('updated');
}

const NEW_ROW =
  '"TSM-901","事業承継チャレンジ補助金","ジギョウショウケイチャレンジホジョキン","区内で事業を引き継いだ中小企業が、承継後の新たな取組に要する経費の一部を補助します。","補助金","事業承継","区内の中小企業者","豊島区","200万円","2/3以内","2026/11/01","2026/12/05","文化商工部 生活産業課 03-3981-0000","https://www.city.toshima.lg.jp/sangyo/shien/shokei-challenge.html","2026/11/25"';

const REGISTER = `mutation($url: String!, $search: AlertSearchInput) {
  registerProgramWebhook(url: $url, search: $search) { secret webhook { id url search { municipality { code } supportFields } } } }`;

test('a new programme reaches the feed, the calendar and every matching webhook exactly once, signed, despite a flaky receiver', async () => {
  const coordinator = await signDevelopmentToken({ role: 'coordinator', sub: 'coord-alerts' }, secret);
  const searches = {
    all: {},
    toshima: { municipalityCode: '131164' },
    succession: { text: '事業承継', municipalityCode: '131164' },
    technology: { supportFields: ['TECHNOLOGY'], municipalityCode: '131164' },
  };
  const ids: Record<string, string> = {};
  for (const [name, search] of Object.entries(searches)) {
    const r = await graphql(REGISTER, { url: receiverUrl, search }, coordinator);
    expect(r.errors).toBeUndefined();
    expect(r.data.registerProgramWebhook.secret).toMatch(/^whsec_/);
    ids[name] = r.data.registerProgramWebhook.webhook.id;
    secrets.set(ids[name], r.data.registerProgramWebhook.secret);
  }
  const feedUrl = `${base}/feeds/programs.atom?muni=131164`;
  const before = await fetch(feedUrl);
  expect(before.status).toBe(200);
  const etagBefore = before.headers.get('etag')!;
  const bodyBefore = await before.text();
  // Kept until the data changes: the same body again, and 304 to a reader holding its ETag.
  expect(await (await fetch(feedUrl)).text()).toBe(bodyBefore);
  const current = await fetch(feedUrl, { headers: { 'if-none-match': etagBefore } });
  expect(current.status).toBe(304);
  expect(current.headers.get('etag')).toBe(etagBefore);

  // Sync 1: a new programme (closing 2026-12-05, within 14 days of the 2026-11-25 day of the test).
  await publishAndSync([...rows, NEW_ROW], 60);
  // Sync 2: TSM-002's ceiling goes up. Sync 3: TSM-003 is dropped from the file.
  const changed = rows.map((r) => (r.startsWith('"TSM-002"') ? r.replace('"1,000万円"', '"2,000万円"') : r));
  await publishAndSync([...changed, NEW_ROW], 120);
  await publishAndSync([...changed.filter((r) => !r.startsWith('"TSM-003"')), NEW_ROW], 180);

  // The feed, read by a real feed parser.
  const res = await fetch(feedUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  // The syncs' changes replaced the kept feed: a new body, and the old ETag no longer matches.
  expect(res.headers.get('etag')).not.toBe(etagBefore);
  const xml = await res.text();
  expect(xml).not.toBe(bodyBefore);
  expect((await fetch(feedUrl, { headers: { 'if-none-match': etagBefore } })).status).toBe(200);
  const feed = await new Parser().parseString(xml);
  const titles = feed.items.map((i) => i.title);
  expect(titles).toContain('[新着] 事業承継チャレンジ補助金');
  expect(titles).toContain('[締切間近] 事業承継チャレンジ補助金');
  expect(titles).toContain('[変更] 運転資金融資あっせん');
  expect(titles.some((t) => t?.startsWith('[受付終了] '))).toBe(true);
  const added = feed.items.find((i) => i.title === '[新着] 事業承継チャレンジ補助金')!;
  expect(added.id).toMatch(/^urn:madoguchi:program-alert:change:\d+$/);
  // `updated` is the time of the snapshot that showed it (sync 1, an hour after the fixed clock).
  expect(new Date((added as { isoDate?: string }).isoDate ?? '').getTime()).toBe(FIXED_NOW.getTime() + 3_600_000);
  expect(added.link).toBe(`${base}/program?id=${encodeURIComponent('toshima-city:TSM-901')}`);
  // The same entry keeps its id on the next read; a current copy gets 304.
  const again = await new Parser().parseString(await (await fetch(feedUrl)).text());
  expect(again.items.find((i) => i.title === added.title)!.id).toBe(added.id);
  const etag = res.headers.get('etag')!;
  expect((await fetch(feedUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);
  const lastModified = res.headers.get('last-modified')!;
  expect((await fetch(feedUrl, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
  // Another search does not list it.
  const tech = await new Parser().parseString(
    await (await fetch(`${base}/feeds/programs.atom?muni=131164&field=TECHNOLOGY`)).text(),
  );
  expect(tech.items.map((i) => i.title).join('\n')).not.toContain('事業承継チャレンジ補助金');

  // The calendar, read by ical.js.
  const ics = await fetch(`${base}/feeds/programs.ics?muni=131164&field=SUCCESSION`);
  expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  const calendar = new ICAL.Component(ICAL.parse(await ics.text()));
  const events = calendar.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
  const closing = events.find((e) => e.summary === '締切: 事業承継チャレンジ補助金')!;
  expect(closing).toBeDefined();
  expect(closing.startDate.toString()).toBe('2026-12-05');
  expect(closing.startDate.isDate).toBe(true);
  expect(closing.uid).toBe('toshima-city:TSM-901:closes@madoguchi');
  expect(events.find((e) => e.summary === '受付開始: 事業承継チャレンジ補助金')!.startDate.toString()).toBe(
    '2026-11-01',
  );

  // The webhooks: wait until every delivery is settled.
  const deadline = Date.now() + 60_000;
  const LOG = `query { programWebhooks { id deliveries { id status changes attempts log { statusCode } } } }`;
  let hooks: Array<{
    id: string;
    deliveries: Array<{ id: string; status: string; changes: number; attempts: number }>;
  }> = [];
  for (;;) {
    hooks = (await graphql(LOG, {}, coordinator)).data.programWebhooks;
    const all = hooks.flatMap((h) => h.deliveries);
    if (all.length > 0 && all.every((d) => d.status !== 'PENDING')) break;
    if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const byHook = new Map(hooks.map((h) => [h.id, h]));
  for (const h of hooks) for (const d of h.deliveries) expect(d.status).toBe('DELIVERED');
  // Every message was processed once; each change reached each webhook in exactly one message.
  const received = [...processed.values()];
  for (const name of Object.keys(searches)) {
    const mine = received.filter((r) => r.webhookId === ids[name]);
    const changes = mine.flatMap((r) => r.changes);
    expect(new Set(changes).size).toBe(changes.length);
    expect(mine.length).toBe(byHook.get(ids[name])!.deliveries.length);
  }
  const count = (name: string) => received.filter((r) => r.webhookId === ids[name]).flatMap((r) => r.changes).length;
  // 3 changes (added, changed, dropped) in 豊島区 for the first two; the succession search sees the
  // new programme only; the technology search none of them.
  expect(count('all')).toBe(3);
  expect(count('toshima')).toBe(3);
  expect(count('succession')).toBe(1);
  expect(count('technology')).toBe(0);
  // The receiver failed, so some messages were sent more than once, always under the same id.
  expect(failures).toBeGreaterThan(0);
  expect([...attemptsById.values()].some((n) => n > 1)).toBe(true);
  const retried = hooks.flatMap((h) => h.deliveries).filter((d) => d.attempts > 1);
  for (const d of retried) expect(attemptsById.get(d.id)).toBe(d.attempts);
}, 180_000);

test('webhook registration and delivery logs are for coordinators and listed owners; feeds refuse bad searches', async () => {
  const staff = await signDevelopmentToken({ role: 'staff', agency: 'toshima-city', sub: 'staff-1' }, secret);
  const refused = await graphql(REGISTER, { url: receiverUrl, search: {} }, staff);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const anonymous = await graphql(REGISTER, { url: receiverUrl, search: {} });
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const other = await signDevelopmentToken({ role: 'coordinator', sub: 'coord-other' }, secret);
  const theirs = await graphql(`query { programWebhooks { id } }`, {}, other);
  expect(theirs.data.programWebhooks).toEqual([]);
  for (const q of ['muni=999999', 'field=NOPE', 'emp=-1', `q=${'あ'.repeat(201)}`]) {
    const res = await fetch(`${base}/feeds/programs.atom?${q}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  }
  expect((await fetch(`${base}/feeds/programs.ics?q=${'a'.repeat(3000)}`)).status).toBe(414);
});
