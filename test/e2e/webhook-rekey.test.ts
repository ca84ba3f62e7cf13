/**
 * `madoguchi webhooks rekey` as docs/operations.md tells an operator to type it, as a child
 * process against a real store (a data folder on the embedded pass, a database of its own on the
 * PostgreSQL pass): after MADOGUCHI_IDENTITY_SECRET was rotated, every secret sealed under the old
 * key opens under the new one, the webhooks disabled for that alone are enabled again, and the
 * ones it cannot open are named and left as they were. Attacks: the old secret is never an
 * argument and never printed; a wrong or missing old secret changes nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/store';
import * as webhooks from '../../store/webhooks';
import { WebhookSecretBox, WRONG_KEY } from '../../subgraphs/desk/webhooks/secrets';
import { CACHE_DIR, ROOT } from '../support/paths';
import { runToEnd } from '../support/run';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/store';

const OLD = 'old-identity-secret-0123456789abcdef0123456789';
const NEW = 'new-identity-secret-fedcba9876543210fedcba9876';
const THIRD = 'some-other-deployments-secret-00000000000000';
const secretOf = (id: string) => `whsec_${Buffer.from(`signing secret of ${id}`).toString('base64')}`;

let dir: string;
let target: { env: NodeJS.ProcessEnv; open(): Promise<Store>; done(): Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-rekey-'));
  if (TEST_DATABASE_URL) {
    const db = await createTestDatabase('empty');
    target = {
      env: { DATABASE_URL: db.url },
      open: () => openStore({ databaseUrl: db.url, postgres: { poolSize: 2 } }),
      done: db.drop,
    };
  } else {
    const dataDir = join(dir, 'data');
    const first = await openStore({ dataDir, loadFrom: new Blob([readFileSync(join(CACHE_DIR, 'empty-store.tar'))]) });
    await first.close();
    target = { env: { MADOGUCHI_DATA_DIR: dataDir }, open: () => openStore({ dataDir }), done: async () => {} };
  }
});
afterAll(async () => {
  await target.done();
  rmSync(dir, { recursive: true, force: true });
});

/** `madoguchi webhooks rekey …` with the deployment's new secret and the old one in OLD_IDENTITY_SECRET (and `stdin`). */
function rekey(args: string[], extra: NodeJS.ProcessEnv = {}, stdin?: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    NODE_OPTIONS: '',
    ...target.env,
    MADOGUCHI_IDENTITY_SECRET: NEW,
    OLD_IDENTITY_SECRET: OLD,
    ...extra,
  };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return runToEnd(
    [process.execPath, join(ROOT, 'bin', 'madoguchi.js'), 'webhooks', 'rekey', ...args],
    env,
    120_000,
    ROOT,
    stdin,
  );
}

interface Row {
  id: string;
  sealed: string;
  disabledAt: string | null;
  disabledReason: string | null;
}
const rowsOf = (store: Store) =>
  store.query<Row>(
    `select id, secret_sealed as sealed, disabled_at::text as "disabledAt", disabled_reason as "disabledReason" from webhooks order by id`,
  );

test('rekey re-seals every secret from the old key to the new one and enables again what only that disabled', async () => {
  const old = WebhookSecretBox.fromServerSecret(OLD);
  const third = WebhookSecretBox.fromServerSecret(THIRD);
  const store = await target.open();
  const at = new Date().toISOString();
  const add = (id: string, box: WebhookSecretBox, owner = 'coord') =>
    webhooks.createWebhook(store, {
      id,
      owner,
      url: `https://hooks.example/${id}`,
      search: {},
      sealedSecret: box.seal(secretOf(id), id),
      at,
    });
  await add('wh_live', old); // not yet seen by a sender since the rotation: still enabled
  await add('wh_keyed', old); // disabled by a sender: its secret did not open with the new key
  await webhooks.disableWebhook(store, 'wh_keyed', WRONG_KEY, at);
  await add('wh_gone', old); // disabled for another reason: re-sealed, stays disabled
  await webhooks.disableWebhook(store, 'wh_gone', 'the receiver answered 410 Gone', at);
  await add('wh_foreign', third); // opens with neither key
  await webhooks.disableWebhook(store, 'wh_foreign', WRONG_KEY, at);
  const before = await rowsOf(store);
  await store.close();

  // A wrong old secret opens nothing: nothing changes, and the command says so (exit 1).
  const wrong = await rekey(['--from-secret-env', 'WRONG_SECRET'], { WRONG_SECRET: 'not-the-old-secret-at-all' });
  expect(wrong.code).toBe(1);
  expect(wrong.stdout).toContain('re-sealed 0 webhook secret(s)');
  expect(wrong.stdout).toContain('could not open with either key 4: wh_foreign, wh_gone, wh_keyed, wh_live');
  let check = await target.open();
  expect(await rowsOf(check)).toEqual(before);
  await check.close();

  // A variable that is not set: exit 2 naming it, nothing opened.
  const unset = await rekey(['--from-secret-env', 'NO_SUCH_VARIABLE']);
  expect(unset.code).toBe(2);
  expect(unset.stderr).toContain('NO_SUCH_VARIABLE is not set');
  // The secret itself as the flag's value is refused before anything runs.
  const literal = await rekey(['--from-secret-env', OLD]);
  expect(literal.code).toBe(2);

  const r = await rekey(['--from-secret-env', 'OLD_IDENTITY_SECRET']);
  expect({ code: r.code, stdout: r.stdout }).toEqual({
    code: 1,
    stdout: [
      're-sealed 3 webhook secret(s) with the current key',
      'enabled again 1: wh_keyed',
      'already under the current key 0',
      'could not open with either key 1: wh_foreign',
      '',
    ].join('\n'),
  });
  for (const out of [r.stdout, r.stderr, wrong.stdout, wrong.stderr, unset.stderr, literal.stderr])
    for (const secret of [OLD, NEW, 'not-the-old-secret-at-all']) expect(out).not.toContain(secret);

  check = await target.open();
  const after = new Map((await rowsOf(check)).map((w) => [w.id, w]));
  await check.close();
  const box = WebhookSecretBox.fromServerSecret(NEW);
  for (const id of ['wh_live', 'wh_keyed', 'wh_gone']) {
    expect(box.open(after.get(id)!.sealed, id)).toBe(secretOf(id));
    expect(() => old.open(after.get(id)!.sealed, id)).toThrow();
  }
  expect(after.get('wh_live')!.disabledAt).toBeNull();
  expect(after.get('wh_keyed')).toMatchObject({ disabledAt: null, disabledReason: null });
  expect(after.get('wh_gone')!.disabledReason).toBe('the receiver answered 410 Gone');
  // What neither key opens is left exactly as it was, still disabled with its reason.
  expect(after.get('wh_foreign')).toEqual(before.find((w) => w.id === 'wh_foreign'));

  // The old secret on stdin instead (here another deployment's, whose webhook came over with its data).
  const piped = await rekey(['--from-secret-stdin'], { OLD_IDENTITY_SECRET: '' }, `${THIRD}\n`);
  expect({ code: piped.code, stdout: piped.stdout }).toEqual({
    code: 0,
    stdout: [
      're-sealed 1 webhook secret(s) with the current key',
      'enabled again 1: wh_foreign',
      'already under the current key 3',
      'could not open with either key 0',
      '',
    ].join('\n'),
  });
  expect(piped.stdout + piped.stderr).not.toContain(THIRD);

  // Twice is harmless: everything readable is already under the new key.
  const again = await rekey(['--from-secret-env', 'OLD_IDENTITY_SECRET', '--json']);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual({
    resealed: [],
    enabled: [],
    leftDisabled: [],
    current: 4,
    unopened: [],
  });
  check = await target.open();
  const last = await rowsOf(check);
  await check.close();
  expect(box.open(last.find((w) => w.id === 'wh_foreign')!.sealed, 'wh_foreign')).toBe(secretOf('wh_foreign'));
}, 300_000);
