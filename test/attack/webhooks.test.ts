/**
 * Attacks on webhooks (SSRF): a registration may not point the server at itself, the private
 * network or the cloud metadata service — by scheme, IP literal in any spelling, a DNS name that
 * resolves there (now, or only at sending time), or a redirect; and a signature made with another
 * secret, or replayed late, is refused by the published verification.
 */
import { createServer, type Server } from 'node:http';
import { graphql } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { fetch } from 'undici';
import type { Store } from '../../store/store';
import * as webhooks from '../../store/webhooks';
import { desk } from '../../subgraphs/desk';
import { buildSchemaOf } from '../../subgraphs/server';
import { WebhookDispatcher } from '../../subgraphs/desk/webhooks/dispatcher';
import { deskSettingsOf } from '../../subgraphs/desk/settings';
import { parseSettings } from '../../server/settings';
import { checkDestination, guardedAgent, type Lookup } from '../../subgraphs/desk/webhooks/outbound';
import { openTestStore } from '../support/store';

let store: Store;
const COORDINATOR = { role: 'coordinator' as const, subject: 'coord-attack', agencyId: null };

beforeAll(async () => {
  store = await openTestStore('empty');
});
afterAll(async () => {
  await store.close();
});

async function register(url: string) {
  return graphql({
    schema: buildSchemaOf(desk),
    source: `mutation($url: String!) { registerProgramWebhook(url: $url) { webhook { id } } }`,
    variableValues: { url },
    contextValue: desk.createContext(store, { viewer: COORDINATOR }),
  });
}

test.each([
  ['ftp://example.com/hook', /only http and https/],
  ['file:///etc/passwd', /only http and https/],
  ['gopher://127.0.0.1:6379/_FLUSHALL', /only http and https/],
  ['http://user:secret@example.com/hook', /credentials/],
  ['http://127.0.0.1:4000/graphql', /loopback/],
  ['http://localhost:4000/graphql', /loopback/],
  ['http://[::1]:4000/', /loopback/],
  ['http://[::ffff:127.0.0.1]/', /loopback/],
  ['http://2130706433/', /loopback/],
  ['http://0x7f.1/', /loopback/],
  ['http://169.254.169.254/latest/meta-data/', /linkLocal/],
  ['http://10.0.0.8/hook', /private/],
  ['http://192.168.1.1/hook', /private/],
  ['http://100.64.0.1/hook', /carrierGradeNat/],
  ['http://[fd00::1]/hook', /uniqueLocal/],
  ['http://0.0.0.0/hook', /unspecified/],
  // Spellings that must come to the same addresses.
  ['http://0177.0.0.1/', /loopback/],
  ['http://127.1/', /loopback/],
  ['http://LOCALHOST/', /loopback/],
  ['http://127.0.0.1.:80/', /loopback/],
  ['http://%31%32%37.0.0.1/', /loopback/],
  ['http://①②⑦.0.0.1/', /loopback/],
  ['http://[::ffff:7f00:1]/', /loopback/],
  ['http://[0:0:0:0:0:ffff:169.254.169.254]/', /linkLocal/],
  ['http://[64:ff9b::a9fe:a9fe]/', /rfc6052/],
  ['http://[2002:a9fe:a9fe::]/', /6to4/],
  ['http://[::127.0.0.1]/', /IPv4-compatible/],
  ['http://[::a9fe:a9fe]/', /IPv4-compatible/],
  ['http://[fec0::1]/', /deprecatedSiteLocal/],
  ['http://224.0.0.1/', /multicast/],
  ['http://255.255.255.255/', /broadcast/],
])('registering %s is refused', async (url, reason) => {
  const result = await register(url);
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.message).toMatch(reason);
  expect(await store.query('select id from webhooks')).toEqual([]);
});

test('a name that resolves to a public address at registration and to loopback when sending is refused at connection', async () => {
  let answer = '93.184.216.34';
  const lookup: Lookup = (_host, _opts, cb) => cb(null, [{ address: answer, family: 4 }]);
  const policy = { allowed: [], lookup };
  await expect(checkDestination('http://rebind.example/hook', policy)).resolves.toBeInstanceOf(URL);
  answer = '127.0.0.1';
  const hit: string[] = [];
  const server = createServer((req, res) => {
    hit.push(String(req.url));
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = guardedAgent(policy, { connectTimeoutMs: 2000 });
  const error = await fetch(`http://rebind.example:${port}/hook`, { dispatcher: agent }).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(
    /rebind\.example is not allowed: 127\.0\.0\.1 is a loopback address/,
  );
  expect(hit).toEqual([]);
  await agent.close();
  await new Promise((r) => server.close(r));
});

test('a receiver that redirects elsewhere is not followed: the attempt fails and the target is never reached', async () => {
  const reached: string[] = [];
  const target: Server = createServer((req, res) => {
    reached.push(String(req.url));
    res.end();
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/internal`;
  const redirector: Server = createServer((_req, res) => {
    res.writeHead(307, { location: targetUrl });
    res.end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  const settings = deskSettingsOf(
    parseSettings(
      {
        MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32',
        MADOGUCHI_WEBHOOK_RETRY_BASE_MS: '60000',
      },
      { envFile: false },
    ),
  );
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const hook = await webhooks.createWebhook(store, {
    id: 'wh_redirect',
    owner: COORDINATOR.subject,
    url: `http://127.0.0.1:${(redirector.address() as { port: number }).port}/hook`,
    search: {},
    sealedSecret: settings.secrets.seal(secret, 'wh_redirect'),
    at: new Date().toISOString(),
  });
  const from = await webhooks.fanOutCursor(store);
  await webhooks.fanOut(
    store,
    from,
    from,
    [{ id: 'msg_redirect', webhookId: hook.id, changeIds: [], payload: '{}' }],
    new Date().toISOString(),
  );
  const dispatcher = new WebhookDispatcher(store, { settings, searchIndex: () => Promise.reject(new Error('unused')) });
  await dispatcher.sendDue();
  await dispatcher.stop();
  const [attempt] = (await webhooks.attemptsOf(store, ['msg_redirect']))[0];
  expect(attempt.statusCode).toBe(307);
  expect(attempt.error).toMatch(/redirects are not followed/);
  expect(reached).toEqual([]);
  await new Promise((r) => target.close(r));
  await new Promise((r) => redirector.close(r));
});

test('a forged or replayed message fails the published verification', () => {
  const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  const body = '{"type":"programs.changed"}';
  const now = new Date();
  const signature = new Webhook(secret).sign('msg_1', now, body);
  const headers = (ts: Date, sig = signature) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
    'webhook-signature': sig,
  });
  expect(() => new Webhook(secret).verify(body, headers(now))).not.toThrow();
  const other = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
  expect(() => new Webhook(other).verify(body, headers(now))).toThrow();
  expect(() => new Webhook(secret).verify(`${body} `, headers(now))).toThrow();
  // The same message an hour later: outside the timestamp's tolerance.
  const late = new Date(now.getTime() - 3_600_000);
  expect(() =>
    new Webhook(secret).verify(body, headers(late, new Webhook(secret).sign('msg_1', late, body))),
  ).toThrow();
});

/** Sends one message to `url` through a dispatcher, as a change would, and returns its first attempt. */
async function deliverOnce(url: string, id: string, env: Record<string, string> = {}) {
  const settings = deskSettingsOf(
    parseSettings(
      { MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1/32', MADOGUCHI_WEBHOOK_RETRY_BASE_MS: '60000', ...env },
      { envFile: false },
    ),
  );
  const hook = await webhooks.createWebhook(store, {
    id: `wh_${id}`,
    owner: COORDINATOR.subject,
    url,
    search: {},
    sealedSecret: settings.secrets.seal(`whsec_${Buffer.alloc(32, 9).toString('base64')}`, `wh_${id}`),
    at: new Date().toISOString(),
  });
  const from = await webhooks.fanOutCursor(store);
  await webhooks.fanOut(
    store,
    from,
    from,
    [{ id: `msg_${id}`, webhookId: hook.id, changeIds: [], payload: '{}' }],
    new Date().toISOString(),
  );
  const dispatcher = new WebhookDispatcher(store, { settings, searchIndex: () => Promise.reject(new Error('unused')) });
  await dispatcher.sendDue();
  await dispatcher.stop();
  return (await webhooks.attemptsOf(store, [`msg_${id}`]))[0][0];
}

test.each([
  [500, /^HTTP 500 x{10}/],
  [200, null],
])(
  'a receiver answering %i with an endless body is read for a few bytes, not until the timeout',
  async (status, error) => {
    // Hostile or broken: once the headers are out, the body never ends. Reading it whole would hold
    // the sender (and its memory) until the timeout on every attempt of every delivery.
    let sent = 0;
    const receiver = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    const attempt = await deliverOnce(url, `endless_${status}`, { MADOGUCHI_WEBHOOK_TIMEOUT_MS: '5000' });
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    expect(attempt.statusCode).toBe(status);
    if (error) expect(attempt.error).toMatch(error);
    else expect(attempt.error).toBeNull();
    expect(attempt.error?.length ?? 0).toBeLessThanOrEqual(300);
    // Socket buffers aside, the sender stopped reading at once.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(attempt.durationMs).toBeLessThan(4_000);
  },
);
