/**
 * Attacks on webhook signing secrets at rest: whoever reads the store — a dump, a backup, a
 * replica's disk, a query run elsewhere — must not find a secret that lets them sign messages
 * receivers accept. Registered secrets are stored sealed, rows from before sealing are sealed by
 * the first desk round after the upgrade, and a sealed value that does not open (another
 * deployment's key, or copied onto another webhook's row) disables that webhook with the reason
 * while the others are still delivered — but never one that `madoguchi webhooks rekey` re-sealed
 * after the sender read the old value.
 */
import { createServer, type Server } from 'node:http';
import { graphql } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { migrate } from '../../store/engine/migrate';
import type { Store } from '../../store/store';
import * as webhooks from '../../store/webhooks';
import { desk } from '../../subgraphs/desk';
import { deskSettingsOf } from '../../subgraphs/desk/settings';
import { WebhookDispatcher } from '../../subgraphs/desk/webhooks/dispatcher';
import { rekeySecrets, WRONG_KEY } from '../../subgraphs/desk/webhooks/secrets';
import { buildSchemaOf } from '../../subgraphs/server';
import { parseSettings } from '../../server/settings';
import { bareStore, openTestStore } from '../support/store';
import { queueMessages } from '../support/webhooks';

const COORDINATOR = { role: 'coordinator' as const, subject: 'coord-secrets', agencyId: null };
const env = (identitySecret: string) => ({
  MADOGUCHI_IDENTITY_SECRET: identitySecret,
  MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
  MADOGUCHI_WEBHOOK_RETRY_BASE_MS: '60000',
});
const settings = parseSettings(env('deployment-a-identity-secret-0123456789abcdef'), { envFile: false });
const otherDeployment = parseSettings(env('deployment-b-identity-secret-0123456789abcdef'), { envFile: false });

/** A receiver that verifies every message with the secret its webhook was given. */
let receiver: Server;
let receiverUrl: string;
const secretOf = new Map<string, string>();
const verified: string[] = [];
const refused: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook = String(req.url).split('/').pop()!;
      try {
        new Webhook(secretOf.get(hook) ?? `whsec_${Buffer.alloc(32).toString('base64')}`).verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
        verified.push(hook);
        res.writeHead(204).end();
      } catch {
        refused.push(hook);
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

async function register(store: Store, url: string, s = settings) {
  const r = await graphql({
    schema: buildSchemaOf(desk),
    source: `mutation($url: String!) { registerProgramWebhook(url: $url) { secret webhook { id } } }`,
    variableValues: { url },
    contextValue: desk.createContext(store, { viewer: COORDINATOR, settings: s }),
  });
  expect(r.errors).toBeUndefined();
  const { secret, webhook } = (r.data as { registerProgramWebhook: { secret: string; webhook: { id: string } } })
    .registerProgramWebhook;
  return { secret, id: webhook.id };
}

/** One message to each webhook, then one dispatcher round of this deployment. */
async function deliverToEach(store: Store, ids: string[]): Promise<void> {
  await queueMessages(
    store,
    ids.map((id) => ({ id: `msg_${id}`, webhookId: id, payload: '{"type":"programs.changed"}' })),
  );
  const dispatcher = new WebhookDispatcher(store, {
    settings: deskSettingsOf(settings),
    searchIndex: () => Promise.reject(new Error('no changes to match')),
  });
  await dispatcher.start();
  await dispatcher.idle();
  await dispatcher.stop();
}

/** Every way the secret could sit in a text dump: as shown, its base64 body, its bytes in hex. */
function expectNoSecretIn(dump: string, secret: string): void {
  const body = secret.slice('whsec_'.length);
  expect(dump).not.toContain(secret);
  expect(dump).not.toContain(body);
  expect(dump).not.toContain(Buffer.from(body, 'base64').toString('hex'));
  expect(dump).not.toContain(Buffer.from(body, 'base64').toString('base64url'));
}

describe('on a store of today', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());

  test('a registered secret is nowhere in the webhooks table, yet messages are signed with it', async () => {
    const { secret, id } = await register(store, `${receiverUrl}/a`);
    secretOf.set('a', secret);
    const rows = await store.query<Record<string, unknown>>('select * from webhooks where id = $1', [id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].secret).toBeNull();
    expect(String(rows[0].secret_sealed)).toMatch(/^v1\./);
    expectNoSecretIn(JSON.stringify(rows), secret);
    await deliverToEach(store, [id]);
    expect(verified).toContain('a');
    expectNoSecretIn(JSON.stringify(await store.query('select * from webhook_deliveries')), secret);
  });

  test('a sealed secret of another deployment, or copied from another row, disables its webhook with the reason; the rest are sent', async () => {
    const good = await register(store, `${receiverUrl}/good`);
    secretOf.set('good', good.secret);
    const foreign = await register(store, `${receiverUrl}/foreign`, otherDeployment);
    const copied = await register(store, `${receiverUrl}/copied`);
    // An attacker with write access to the table moves a sealed secret they know onto another row.
    await store.query(
      'update webhooks set secret_sealed = (select secret_sealed from webhooks where id = $1) where id = $2',
      [good.id, copied.id],
    );
    await deliverToEach(store, [good.id, foreign.id, copied.id]);
    expect(verified).toContain('good');
    expect(refused).toEqual([]);
    const after = await Promise.all([foreign.id, copied.id].map((id) => webhooks.webhookById(store, id)));
    for (const hook of after) {
      expect(hook!.disabledAt).not.toBeNull();
      expect(hook!.disabledReason).toMatch(/does not decrypt with this server's key .*register the webhook again/);
    }
    const [foreignDelivery] = (await webhooks.deliveriesOf(store, [foreign.id], 5))[0];
    expect(foreignDelivery.status).toBe('FAILED');
    expect(foreignDelivery.lastError).toMatch(/^webhook disabled: the stored signing secret does not decrypt/);
  });

  test('a sender that read a secret before it was re-keyed does not disable the webhook the re-key restored', async () => {
    const hook = await register(store, `${receiverUrl}/raced`, otherDeployment);
    await queueMessages(store, [{ id: 'msg_raced', webhookId: hook.id }]);
    // A replica still on the old secret claims the delivery, reading the sealed value…
    const [claimed] = (await webhooks.claimDue(store, new Date().toISOString(), 60_000, 100)).filter(
      (d) => d.webhookId === hook.id,
    );
    // …the operator re-keys meanwhile…
    const report = await rekeySecrets(
      store,
      deskSettingsOf(otherDeployment).secrets,
      deskSettingsOf(settings).secrets,
      20,
    );
    expect(report.resealed).toContain(hook.id);
    // …and the sender, failing to open what it read, disables it as the dispatcher does: no effect.
    await webhooks.disableWebhook(store, hook.id, WRONG_KEY, new Date().toISOString(), claimed.sealedSecret!);
    expect((await webhooks.webhookById(store, hook.id))!.disabledAt).toBeNull();
    const [delivery] = (await webhooks.deliveriesOf(store, [hook.id], 5))[0];
    expect(delivery.status).toBe('PENDING');
  });
});

test('secrets stored in plaintext before the upgrade are sealed by the first desk round, and still sign', async () => {
  const bare = await bareStore();
  const store = bare.store;
  try {
    await migrate(store, 109);
    const legacy = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
    await store.query(
      `insert into webhooks (id, owner, url, search, secret, created_at, start_after)
       values ('wh_legacy', 'coord', $1, '{}', $2, now(), 0)`,
      [`${receiverUrl}/legacy`, legacy],
    );
    expect(await migrate(store)).toContain(110);
    // The migration alone cannot seal (it never holds the key): the row is as it was.
    expect((await store.query<{ secret: string }>('select secret from webhooks'))[0].secret).toBe(legacy);
    secretOf.set('legacy', legacy);
    // The round seals it first, then sends with the sealed secret opened again.
    await deliverToEach(store, ['wh_legacy']);
    const rows = await store.query<Record<string, unknown>>('select * from webhooks');
    expect(rows[0].secret).toBeNull();
    expectNoSecretIn(JSON.stringify(rows), legacy);
    expect(verified).toContain('legacy');
  } finally {
    await bare.done();
  }
});
