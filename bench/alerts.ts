/**
 * `npm run bench:alerts`: how soon a source change reaches a search's feed and its webhooks, with
 * 10,000 registered searches against one (the peer), measured in the same run. 豊島区's programme
 * file gains a programme and is synced through the real pipeline (CSV adapter, store, change
 * log, snapshot notification); the dispatcher (as every desk subgraph process runs it) matches
 * the change against every registered search with the search index and POSTs signed messages
 * to a receiver on loopback. Times from the start of the sync:
 *
 * - feed: until the Atom feed's data (programFeed) for a 豊島区 search lists the new programme;
 * - first webhook: until a 豊島区 webhook's receiver has the message;
 * - all webhooks: until every delivery the change caused is delivered.
 *
 * Three changes per set-up, alternating (1, 10k, 1, 10k, …); medians.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import pino from 'pino';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncSource } from '../adapters/sync/sync';
import { alertSearchKey, alertSearchOf, type AlertSearch } from '../domain/alertSearch';
import { mulberry32 } from '../demo/random';
import { createWebhook } from '../store/webhooks';
import type { Store } from '../store/store';
import { searchIndexFor } from '../subgraphs/programs/search/holder';
import { buildFeed } from '../subgraphs/desk/feed';
import { deskSettingsOf } from '../subgraphs/desk/settings';
import { parseSettings } from '../server/settings';
import { WebhookDispatcher } from '../subgraphs/desk/webhooks/dispatcher';
import { FIXED_NOW, ROOT } from '../test/support/paths';
import { demoStore } from './demo-store';
import { markdownTable, percentile, runBench } from './report';

const REGISTERED = Number(process.env.BENCH_WEBHOOKS ?? 10_000);
const CHANGES = 3;
const TOSHIMA = '131164';
const WORDS = [
  null,
  null,
  null,
  '事業承継',
  '創業',
  '資金繰り',
  '補助金',
  '販路開拓',
  'IT導入',
  '人材',
  '海外展開',
  'セミナー',
  '設備',
  '専門家派遣',
  'ものづくり',
];
const PLACES = [null, null, TOSHIMA, '131016', '130001', '282022', '281000', '282014', '280003', '282031'];
const FIELDS = ['SUCCESSION', 'STARTUP', 'FINANCE', 'SALES', 'DX', 'EMPLOYMENT', 'TECHNOLOGY', 'MANAGEMENT'];

function searches(n: number): AlertSearch[] {
  const random = mulberry32(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  return Array.from({ length: n }, () =>
    alertSearchOf({
      text: pick(WORDS),
      municipalityCode: pick(PLACES),
      supportFields: random() < 0.4 ? [pick(FIELDS)] : [],
      employees: random() < 0.2 ? Math.floor(random() * 100) : null,
    }),
  );
}

runBench(async () => {
  const settings = deskSettingsOf(
    parseSettings(
      {
        MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
        MADOGUCHI_WEBHOOK_RETRY_BASE_MS: '200',
        // Every webhook here points at the one local receiver: the per-host limit would measure itself.
        MADOGUCHI_WEBHOOK_HOST_PER_MINUTE: '1000000',
      },
      { envFile: false },
    ),
  );
  const arrivals = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        data: { webhook: string; changes: Array<{ program: { id: string } }> };
      };
      for (const c of body.data.changes) {
        const key = `${body.data.webhook}|${c.program.id}`;
        if (!arrivals.has(key)) arrivals.set(key, performance.now());
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  const setups: Array<{
    name: string;
    store: Store;
    agencies: Awaited<ReturnType<typeof demoStore>>['agencies'];
    dispatcher: WebhookDispatcher;
    probe: string;
    registered: number;
  }> = [];
  for (const registered of [1, REGISTERED]) {
    const t = Date.now();
    const { store, agencies } = await demoStore();
    const probe = (
      await createWebhook(store, {
        id: `wh_probe_${registered}`,
        owner: 'bench',
        url,
        search: alertSearchOf({ municipalityCode: TOSHIMA }),
        sealedSecret: settings.secrets.seal(
          `whsec_${Buffer.alloc(32, 3).toString('base64')}`,
          `wh_probe_${registered}`,
        ),
        at: new Date().toISOString(),
      })
    ).id;
    const list = searches(registered - 1);
    for (let i = 0; i < list.length; i++)
      await createWebhook(store, {
        id: `wh_${i}`,
        owner: `bench-${i % 50}`,
        url,
        search: list[i],
        sealedSecret: settings.secrets.seal(`whsec_${Buffer.alloc(32, 4).toString('base64')}`, `wh_${i}`),
        at: new Date().toISOString(),
      });
    const dispatcher = await new WebhookDispatcher(store, {
      settings,
      searchIndex: () => searchIndexFor(store).refresh(),
      now: () => FIXED_NOW,
      logger: process.env.BENCH_LOG ? pino({ level: 'debug' }) : undefined,
    }).start();
    await dispatcher.idle();
    console.log(`set-up with ${registered} registered searches ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    setups.push({
      name: `${registered} search${registered === 1 ? '' : 'es'}`,
      store,
      agencies,
      dispatcher,
      probe,
      registered,
    });
  }

  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-alerts-bench-'));
  const text = iconv.decode(readFileSync(join(ROOT, 'demo', 'files', 'toshima-city', 'programs.csv')), 'cp932');
  const [header, ...rows] = text.trimEnd().split(/\r?\n/);
  const search = alertSearchOf({ municipalityCode: TOSHIMA });
  const results = new Map<string, { feed: number[]; first: number[]; all: number[]; deliveries: number[] }>();
  for (let round = 0; round < CHANGES; round++) {
    for (const s of setups) {
      const added = Array.from(
        { length: round + 1 },
        (_, i) =>
          `"TSM-B${i}","ベンチ用の新しい支援制度${i}","","区内の中小企業向けの新しい支援制度です。","補助金","事業承継","区内の中小企業者","豊島区","100万円","1/2以内","2026/11/01","2027/03/31","","https://example.jp/${i}",""`,
      );
      const file = join(dir, `programs-${s.registered}-${round}.csv`);
      writeFileSync(file, iconv.encode(`${[header, ...rows, ...added].join('\r\n')}\r\n`, 'cp932'));
      const agency = s.agencies.find((a) => a.id === 'toshima-city')!;
      const source = agency.sources.find((x) => x.id === 'programs')!;
      const programId = `toshima-city:TSM-B${round}`;
      const before = Number(
        (await s.store.query<{ n: number }>('select count(*)::int as n from webhook_deliveries'))[0].n,
      );
      const start = performance.now();
      await syncSource(
        s.store,
        agency,
        { ...source, location: file } as typeof source,
        createAdapterContext({ clock: () => new Date(FIXED_NOW.getTime() + (round + 1) * 3_600_000) }),
      );
      // The feed: what /feeds/programs.atom would show now.
      let feedAt = 0;
      for (;;) {
        const index = await searchIndexFor(s.store).current();
        const feed = await buildFeed(s.store, index, search, '2026-11-25', alertSearchKey(search));
        if (feed.entries.some((e) => e.programId === programId && e.kind === 'NEW')) {
          feedAt = performance.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const probeKey = `${s.probe}|${programId}`;
      while (!arrivals.has(probeKey)) await new Promise((r) => setTimeout(r, 5));
      let deliveries = 0;
      for (;;) {
        const [row] = await s.store.query<{ total: number; pending: number }>(
          `select count(*)::int as total, count(*) filter (where status = 'PENDING')::int as pending from webhook_deliveries`,
        );
        deliveries = row.total - before;
        if (row.pending === 0 && deliveries > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const allAt = performance.now();
      const r = results.get(s.name) ?? { feed: [], first: [], all: [], deliveries: [] };
      r.feed.push(feedAt - start);
      r.first.push(arrivals.get(probeKey)! - start);
      r.all.push(allAt - start);
      r.deliveries.push(deliveries);
      results.set(s.name, r);
    }
  }
  const peer = results.get(setups[0].name)!;
  const table = setups.map((s) => {
    const r = results.get(s.name)!;
    const m = (xs: number[]) => percentile(xs, 50);
    return [
      String(s.registered),
      String(m(r.deliveries)),
      m(r.feed).toFixed(0),
      m(r.first).toFixed(0),
      (m(r.first) / m(peer.first)).toFixed(1),
      m(r.all).toFixed(0),
    ];
  });
  console.log();
  console.log(
    markdownTable(
      [
        'registered searches',
        'deliveries per change',
        'change → feed ms',
        'change → first webhook ms',
        'first webhook / peer',
        'change → all webhooks ms',
      ],
      table,
    ),
  );
  console.log(
    `\nmedians of ${CHANGES} changes each, alternating; the sync itself (fetch, parse, write) is inside every time.`,
  );
  for (const s of setups) {
    await s.dispatcher.stop();
    await s.store.close();
  }
  receiver.close();
});
