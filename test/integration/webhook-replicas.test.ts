/**
 * Two replicas sending webhooks over one store — two processes' connections to one PostgreSQL on
 * the suite's PostgreSQL pass (each following LISTEN/NOTIFY), two dispatchers on the embedded
 * store otherwise — deliver each change to each webhook once: the fan-out cursor moves by
 * compare-and-set with the deliveries it writes, and a delivery is sent under a lease.
 */
import { createServer, type Server } from 'node:http';
import { openStore, type Store } from '../../store/store';
import { announceSnapshot } from '../../store/engine/notifications';
import { recordProgramChanges } from '../../store/programChanges';
import { createWebhook } from '../../store/webhooks';
import { alertSearchOf } from '../../domain/alertSearch';
import { searchIndexFor } from '../../subgraphs/programs/search/holder';
import { deskSettingsOf } from '../../subgraphs/desk/settings';
import { parseSettings } from '../../server/settings';
import { WebhookDispatcher } from '../../subgraphs/desk/webhooks/dispatcher';
import { createTestDatabase, openTestStore, TEST_DATABASE_URL } from '../support/store';
import { FIXED_NOW } from '../support/paths';

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
