/**
 * Attacks on webhooks as an amplifier: each change is sent once per webhook, so whoever may
 * register webhooks could point many at one victim and have the server multiply every snapshot's
 * deliveries. An owner has at most MADOGUCHI_WEBHOOK_MAX_PER_OWNER enabled webhooks (20 by
 * default), even when registering many at once; never two to the same address for the same
 * search, however the address is spelt; and however many owners point at one host, it gets at
 * most MADOGUCHI_WEBHOOK_HOST_PER_MINUTE deliveries a minute, the rest waiting their turn (across
 * replicas: ../integration/webhook-replicas.test.ts).
 */
import { createServer, type Server } from 'node:http';
import { graphql } from 'graphql';
import type { Store } from '../../store/store';
import * as webhooks from '../../store/webhooks';
import { desk } from '../../subgraphs/desk';
import { deskSettingsOf } from '../../subgraphs/desk/settings';
import { WebhookDispatcher } from '../../subgraphs/desk/webhooks/dispatcher';
import { buildSchemaOf } from '../../subgraphs/server';
import { parseSettings } from '../../server/settings';
import { openTestStore } from '../support/store';
import { queueMessages } from '../support/webhooks';

let store: Store;
beforeAll(async () => {
  store = await openTestStore('empty');
});
afterAll(() => store.close());

// Loopback receivers need the install's allowance; every limit is left at its default.
const settings = parseSettings({ MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32' }, { envFile: false });
const coordinator = (subject: string) => ({ role: 'coordinator' as const, subject, agencyId: null });

async function register(owner: string, url: string, search: Record<string, unknown> = {}) {
  const r = await graphql({
    schema: buildSchemaOf(desk),
    source: `mutation($url: String!, $search: AlertSearchInput) {
      registerProgramWebhook(url: $url, search: $search) { webhook { id } } }`,
    variableValues: { url, search },
    contextValue: desk.createContext(store, { viewer: coordinator(owner), settings }),
  });
  return {
    id: (r.data as { registerProgramWebhook?: { webhook: { id: string } } } | null)?.registerProgramWebhook?.webhook.id,
    code: r.errors?.[0]?.extensions?.code,
    message: r.errors?.[0]?.message,
  };
}

const enabledOf = async (owner: string) =>
  (await webhooks.webhooksOf(store, owner)).filter((w) => w.disabledAt === null).length;

test('an owner gets 20 enabled webhooks by default; the 21st is LIMIT_EXCEEDED until one is disabled', async () => {
  for (let i = 0; i < 20; i++) expect((await register('flooder', `http://127.0.0.1:9/hook/${i}`)).code).toBeUndefined();
  const over = await register('flooder', 'http://127.0.0.1:9/hook/20');
  expect(over.code).toBe('LIMIT_EXCEEDED');
  expect(over.message).toMatch(/at most 20 enabled webhooks per owner/);
  expect(await enabledOf('flooder')).toBe(20);
  const [first] = await webhooks.webhooksOf(store, 'flooder');
  await webhooks.disableWebhook(store, first.id, 'test', new Date().toISOString());
  expect((await register('flooder', 'http://127.0.0.1:9/hook/20')).code).toBeUndefined();
});

test('registrations sent all at once cannot slip past the limit', async () => {
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => register('racer', `http://127.0.0.1:9/race/${i}`)),
  );
  expect(results.filter((r) => r.id).length).toBe(20);
  expect(results.filter((r) => r.code === 'LIMIT_EXCEEDED').length).toBe(10);
  expect(await enabledOf('racer')).toBe(20);
});

test('a second webhook to the same address for the same search is refused, however spelt; another owner may have one', async () => {
  const search = { municipalityCode: '131164', supportFields: ['FINANCE', 'SUCCESSION'] };
  const first = await register('copier', 'http://127.0.0.1/receiver', search);
  expect(first.code).toBeUndefined();
  for (const [url, s] of [
    ['http://127.0.0.1/receiver', search],
    ['HTTP://127.0.0.1:80/receiver', search],
    ['http://127.0.0.1/receiver', { ...search, supportFields: ['SUCCESSION', 'FINANCE'] }],
  ] as const) {
    const again = await register('copier', url, s);
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toBe(`webhook ${first.id} already sends this search to this address`);
  }
  expect(await enabledOf('copier')).toBe(1);
  // Another search, or the same one to another address: a different subscription.
  expect((await register('copier', 'http://127.0.0.1/receiver', { municipalityCode: '131164' })).code).toBeUndefined();
  expect((await register('copier', 'http://127.0.0.1/other', search)).code).toBeUndefined();
  // Another owner's identical webhook is theirs to have (the per-host limit bounds them together).
  expect((await register('someone-else', 'http://127.0.0.1/receiver', search)).code).toBeUndefined();
});

test('many owners pointing at one host get it at most MADOGUCHI_WEBHOOK_HOST_PER_MINUTE deliveries a minute; the rest wait, unattempted', async () => {
  let received = 0;
  const victim: Server = createServer((_req, res) => {
    received++;
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => victim.listen(0, '127.0.0.1', r));
  const port = (victim.address() as { port: number }).port;
  const ids: string[] = [];
  for (const owner of ['amp-1', 'amp-2', 'amp-3'])
    for (const path of ['a', 'b']) ids.push((await register(owner, `http://127.0.0.1:${port}/${path}`)).id!);
  await queueMessages(
    store,
    ids.map((id) => ({ id: `msg_amp_${id}`, webhookId: id })),
  );
  const limited = deskSettingsOf(
    parseSettings(
      { MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', MADOGUCHI_WEBHOOK_HOST_PER_MINUTE: '4' },
      { envFile: false },
    ),
  );
  const dispatcher = new WebhookDispatcher(store, {
    settings: limited,
    searchIndex: () => Promise.reject(new Error('unused')),
  });
  const started = Date.now();
  await dispatcher.sendDue();
  await dispatcher.stop();
  victim.closeAllConnections();
  await new Promise((r) => victim.close(r));
  expect(received).toBe(4);
  const deliveries = (await webhooks.deliveriesOf(store, ids, 5)).flat();
  expect(deliveries.filter((d) => d.status === 'DELIVERED')).toHaveLength(4);
  const waiting = deliveries.filter((d) => d.status === 'PENDING');
  expect(waiting).toHaveLength(2);
  for (const d of waiting) {
    // Not an attempt: no retry budget spent, due again when the host's minute is over.
    expect(d.attempts).toBe(0);
    const due = Date.parse(d.nextAttemptAt!);
    expect(due % 60_000).toBe(0);
    expect(due).toBeGreaterThan(started);
    expect(due).toBeLessThanOrEqual(Date.now() + 60_000);
  }
});
