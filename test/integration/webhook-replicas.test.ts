/**
 * Two replicas sending webhooks over one store — two processes' connections to one PostgreSQL on
 * the suite's PostgreSQL pass (each following LISTEN/NOTIFY), two dispatchers on the embedded
 * store otherwise — deliver each change to each webhook once: the fan-out cursor moves by
 * compare-and-set with the deliveries it writes, and a delivery is sent under a lease. Together
 * they send one receiving host no more than MADOGUCHI_WEBHOOK_HOST_PER_MINUTE deliveries a
 * minute: the count is the store's, not each process's.
 */
import { createServer, type Server } from 'node:http';
import { openStore, type Store } from '../../store/store';
import { announceSnapshot } from '../../store/engine/notifications';
import { recordProgramChanges } from '../../store/programChanges';
import { createWebhook, deliveriesOf } from '../../store/webhooks';
import { alertSearchOf } from '../../domain/alertSearch';
import { searchIndexFor } from '../../subgraphs/programs/search/holder';
import { deskSettingsOf } from '../../subgraphs/desk/settings';
import { parseSettings } from '../../server/settings';
import { WebhookDispatcher } from '../../subgraphs/desk/webhooks/dispatcher';
import { createTestDatabase, openTestStore, TEST_DATABASE_URL } from '../support/store';
import { FIXED_NOW } from '../support/paths';
import { queueMessages } from '../support/webhooks';

let stores: Store[] = [];
let drop: (() => Promise<void>) | null = null;
let receiver: Server;
const received: Array<{ id: string; changes: string[] }> = [];

beforeAll(async () => {
  if (TEST_DATABASE_URL) {
    const db = await createTestDatabase('demo');
    drop = db.drop;
    stores = [
      await openStore({ databaseUrl: db.url, postgres: { poolSize: 3 } }),
      await openStore({ databaseUrl: db.url, postgres: { poolSize: 3 } }),
    ];
  } else {
    const store = await openTestStore('demo');
    stores = [store, store];
  }
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { changes: Array<{ id: string }> } };
      received.push({ id: String(req.headers['webhook-id']), changes: body.data.changes.map((c) => c.id) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  for (const s of new Set(stores)) await s.close();
  await drop?.();
  await new Promise((r) => receiver.close(r));
});

test('each change reaches each webhook once, whichever replica sees it', async () => {
  const [a, b] = stores;
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const settings = deskSettingsOf(
    parseSettings({ MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }, { envFile: false }),
  );
  const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const dispatchers = await Promise.all(
    [a, b].map((store) =>
      new WebhookDispatcher(store, {
        settings,
        searchIndex: () => searchIndexFor(store).refresh(),
        now: () => FIXED_NOW,
      }).start(),
    ),
  );
  await Promise.all(dispatchers.map((d) => d.idle()));
  for (const [i, search] of [{}, { municipalityCode: '280003' }, { supportFields: ['FINANCE'] }].entries())
    await createWebhook(a, {
      id: `wh_r${i}`,
      owner: 'coord',
      url,
      search: alertSearchOf(search),
      sealedSecret: settings.secrets.seal(secret, `wh_r${i}`),
      at: new Date().toISOString(),
    });
  // Five snapshots of one agency's programmes, each changing every ceiling, written as a sync writes them.
  const source = 'hyogo-cgc/programs';
  for (let round = 1; round <= 5; round++) {
    await (round % 2 ? a : b).transaction(async (tx) => {
      await tx.query(`update programs set max_amount = coalesce(max_amount, 0) + 1000000 where source_id = $1`, [
        source,
      ]);
      await recordProgramChanges(tx, source, new Date(FIXED_NOW.getTime() + round * 60_000).toISOString());
      await announceSnapshot(tx, source, 'program');
    });
  }
  const [{ n }] = await a.query<{ n: number }>(
    `select count(*)::int as n from program_changes where source_id = $1 and change = 'CHANGED'`,
    [source],
  );
  expect(n).toBeGreaterThanOrEqual(5 * 5);
  // Every webhook matches hyogo-cgc's guarantees (兵庫県-wide, FINANCE): 3 webhooks × 5 snapshots.
  const deadline = Date.now() + 30_000;
  while (received.length < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all(dispatchers.map((d) => d.stop()));
  expect(received).toHaveLength(15);
  expect(new Set(received.map((r) => r.id)).size).toBe(15);
  const perMessage = received.map((r) => r.changes.length);
  expect(perMessage.every((k) => k > 0)).toBe(true);
  const [{ delivered }] = await a.query<{ delivered: number }>(
    `select count(*)::int as delivered from webhook_deliveries where status = 'DELIVERED'`,
  );
  expect(delivered).toBe(15);
});

/** The cap counts calendar minutes of the store's clock: start well inside one so the test stays in it. */
async function startOfAMinute(store: Store): Promise<void> {
  const [{ s }] = await store.query<{ s: number }>(`select extract(second from clock_timestamp())::float8 as s`);
  if (s > 30) await new Promise((r) => setTimeout(r, (60.5 - s) * 1000));
}

test('replicas together send one host at most MADOGUCHI_WEBHOOK_HOST_PER_MINUTE a minute; the rest wait, unattempted', async () => {
  const [a, b] = stores;
  let hits = 0;
  const victim = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(204).end();
  });
  // Its own loopback address: the first test's deliveries to 127.0.0.1 count in that host's minute.
  await new Promise<void>((r) => victim.listen(0, '127.0.0.2', r));
  const port = (victim.address() as { port: number }).port;
  const CAP = 5;
  const settings = deskSettingsOf(
    parseSettings(
      { MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.2/32', MADOGUCHI_WEBHOOK_HOST_PER_MINUTE: String(CAP) },
      { envFile: false },
    ),
  );
  // Many owners' webhooks to one host (the per-owner limit is not what is tested here).
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    const id = `wh_cap${i}`;
    ids.push(id);
    await createWebhook(a, {
      id,
      owner: `owner-${i}`,
      url: `http://127.0.0.2:${port}/in/${i}`,
      search: alertSearchOf({}),
      sealedSecret: settings.secrets.seal(`whsec_${Buffer.alloc(32, i).toString('base64')}`, id),
      at: new Date().toISOString(),
    });
  }
  // 80 messages: more than one claim (32) each, so both replicas hold some at once.
  const messages = ids.flatMap((webhookId) =>
    Array.from({ length: 10 }, (_, k) => ({ id: `msg_cap_${webhookId}_${k}`, webhookId })),
  );
  await queueMessages(a, messages);
  const dispatchers = [a, b].map(
    (store) => new WebhookDispatcher(store, { settings, searchIndex: () => Promise.reject(new Error('unused')) }),
  );
  await startOfAMinute(a);
  const started = Date.now();
  await Promise.all(dispatchers.map((d) => d.sendDue()));
  // A replica coming late in the same minute finds the host's minute spent.
  await queueMessages(b, [{ id: 'msg_cap_late', webhookId: ids[0] }]);
  await dispatchers[1].sendDue();
  await Promise.all(dispatchers.map((d) => d.stop()));
  victim.closeAllConnections();
  await new Promise((r) => victim.close(r));

  expect(hits).toBe(CAP);
  const deliveries = (await deliveriesOf(a, ids, 100)).flat();
  expect(deliveries).toHaveLength(messages.length + 1);
  expect(deliveries.filter((d) => d.status === 'DELIVERED')).toHaveLength(CAP);
  const waiting = deliveries.filter((d) => d.status === 'PENDING');
  expect(waiting).toHaveLength(messages.length + 1 - CAP);
  for (const d of waiting) {
    expect(d.attempts).toBe(0);
    const due = Date.parse(d.nextAttemptAt!);
    expect(due % 60_000).toBe(0);
    expect(due).toBeGreaterThan(started);
    expect(due).toBeLessThanOrEqual(started + 60_000);
  }
  const [{ attempts }] = await a.query<{ attempts: number }>(
    `select count(*)::int as attempts from webhook_attempts where delivery_id like 'msg_cap_%'`,
  );
  expect(attempts).toBe(CAP);
}, 90_000);
