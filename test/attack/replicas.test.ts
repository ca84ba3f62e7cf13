/**
 * Attacks on replicas. (1) Replaying a captured identity header to another replica. Each subgraph process kept the
 * nonces it accepted in its own memory, so a header taken from one request to one replica of the
 * consultations subgraph was accepted once more by every other replica within its window. On a
 * shared PostgreSQL the nonces are now kept in the store (store/nonces.ts): the first replica to
 * accept a header records it, and every other refuses it. Two subgraph servers with their own
 * connection pools on one database stand for two processes. (2) An analyst spreading statistics
 * tables over replicas, each of which counted its own per-analyst budget: the budget
 * is now counted in the shared store (store/analystBudget.ts). The two-replica tests run on the
 * PostgreSQL pass only: the embedded store serves one process, whose memory already holds every
 * nonce it accepted; its budget is in the store as on PostgreSQL, tested below on both.
 */
import { request } from 'undici';
import { openStore, type Store } from '../../store/store';
import { storeNonces } from '../../store/nonces';
import { storeAnalystBudget } from '../../store/analystBudget';
import { startSubgraph } from '../../subgraphs/server';
import { SUBGRAPHS } from '../../subgraphs';
import { signIdentity } from '../../server/identity';
import { defaultSettings, parseSettings, type Settings } from '../../server/settings';
import type { RunningServer } from '../../server/http';
import { createTestDatabase, openTestStore, TEST_DATABASE_URL } from '../support/store';
import { FIXED_NOW } from '../support/paths';

const SECRET = 'replicas-test-identity-secret-of-enough-length';
const QUERY = JSON.stringify({ query: '{ consultations(first: 1) { totalCount } }' });

async function send(url: string, headers: Record<string, string>) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: QUERY,
  });
  return {
    status: res.statusCode,
    body: (await res.body.json()) as {
      data?: { consultations?: { totalCount: number } } | null;
      errors?: Array<{ message: string }>;
    },
  };
}

/** Two consultations subgraph servers, each with its own connection pool, on one new database. */
function twoReplicas(settings: Settings = defaultSettings()): RunningServer[] {
  const module = SUBGRAPHS.find((m) => m.name === 'consultations')!;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const stores: Store[] = [];
  const replicas: RunningServer[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('demo');
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ databaseUrl: db.url, postgres: { poolSize: 2 } });
      stores.push(store);
      replicas.push(
        await startSubgraph(module, store, { port: 0, now: () => FIXED_NOW, identitySecret: SECRET, settings }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
  });
  return replicas;
}

test('nonces in the store: a nonce is new once, a replay within its window is seen, an expired one is new again', async () => {
  const store = await openTestStore('empty');
  try {
    const nonces = storeNonces(store);
    expect(await nonces.seen('n-1', 60_000)).toBe(false);
    expect(await nonces.seen('n-1', 60_000)).toBe(true);
    expect(await nonces.seen('n-2', 50)).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(await nonces.seen('n-2', 60_000)).toBe(false);
    expect(await nonces.seen('n-2', 60_000)).toBe(true);
  } finally {
    await store.close();
  }
});

test('the analysts’ budget in the store: cells of new tables until the limit, asked ones free, each analyst apart', async () => {
  const store = await openTestStore('empty');
  try {
    const budget = storeAnalystBudget(store, { limit: 100, windowMs: 86_400_000 });
    const granted = async (subject: string, table: string, cells: number) =>
      (await budget.charge(subject, table, cells)).granted;
    expect(await granted('alice', 't1', 40)).toBe(true);
    expect(await granted('alice', 't2', 60)).toBe(true);
    expect(await granted('alice', 't3', 1)).toBe(false);
    // Asked already: the same values again, nothing new to charge.
    expect(await granted('alice', 't1', 40)).toBe(true);
    expect(await granted('bob', 't3', 100)).toBe(true);
    // Concurrent charges of one analyst are serialized: of five new 30-cell tables at once, three fit.
    const burst = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((t) => granted('carol', t, 30)));
    expect(burst.filter(Boolean)).toHaveLength(3);
    // Another process (a replica, or this one after a restart) reads the same account.
    const again = storeAnalystBudget(store, { limit: 100, windowMs: 86_400_000 });
    expect((await again.charge('alice', 't4', 1)).granted).toBe(false);
  } finally {
    await store.close();
  }
});

test('the budget’s window slides: charges from 23 hours ago still count, so no day boundary can be straddled', async () => {
  const store = await openTestStore('empty');
  try {
    const budget = storeAnalystBudget(store, { limit: 100, windowMs: 86_400_000 });
    const ago = (hours: number, table: string) =>
      store.query(
        `update analyst_charges set asked_at = now() - $1::float8 * interval '1 hour' where subject = 'dave' and table_key = $2`,
        [hours, table],
      );
    // Most of the budget late "yesterday", the rest just now: nothing more until the first falls out.
    expect((await budget.charge('dave', 'late', 90)).granted).toBe(true);
    await ago(23, 'late');
    expect((await budget.charge('dave', 'now', 10)).granted).toBe(true);
    expect((await budget.charge('dave', 'next', 1)).granted).toBe(false);
    await ago(24.5, 'late');
    expect((await budget.charge('dave', 'next', 80)).granted).toBe(true);
    expect((await budget.charge('dave', 'more', 20)).granted).toBe(false);
  } finally {
    await store.close();
  }
});

(TEST_DATABASE_URL ? describe : describe.skip)(
  'two replicas of the consultations subgraph on one PostgreSQL (PostgreSQL pass)',
  () => {
    const replicas = twoReplicas();

    test('a coordinator’s identity header accepted by one replica is refused by the other', async () => {
      const identity = signIdentity({ role: 'coordinator', subject: 'c-1', agencyId: null }, SECRET, {
        subgraph: 'consultations',
        body: QUERY,
      });
      const first = await send(replicas[0].url, identity);
      expect(first.status).toBe(200);
      expect(first.body.data?.consultations?.totalCount).toBeGreaterThan(0);
      const replayed = await send(replicas[1].url, identity);
      expect(replayed.status).toBe(401);
      expect(replayed.body.errors?.[0].message).toMatch(/replayed identity/);
      expect(replayed.body.data?.consultations ?? null).toBeNull();
      // A fresh header for the same request is of course accepted by either.
      const fresh = await send(
        replicas[1].url,
        signIdentity({ role: 'coordinator', subject: 'c-1', agencyId: null }, SECRET, {
          subgraph: 'consultations',
          body: QUERY,
        }),
      );
      expect(fresh.status).toBe(200);
    });
  },
);

(TEST_DATABASE_URL ? describe : describe.skip)(
  'an analyst spreading tables over two replicas (PostgreSQL pass)',
  () => {
    // Both replicas run with MADOGUCHI_ANALYST_CELLS_PER_DAY=30: ORGANIZATION (19 agencies and the
    // total) and CHANNEL (4 and the total) fit, TOPIC does not.
    const replicas = twoReplicas(parseSettings({ MADOGUCHI_ANALYST_CELLS_PER_DAY: '30' }, { envFile: false }));

    const table = (groupBy: string) =>
      JSON.stringify({ query: `{ consultationStats(groupBy: [${groupBy}]) { total } }` });
    async function ask(replica: RunningServer, body: string) {
      const headers = signIdentity({ role: 'analyst', subject: 'analyst-7', agencyId: null }, SECRET, {
        subgraph: 'consultations',
        body,
      });
      const res = await request(replica.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return (await res.body.json()) as {
        data?: { consultationStats?: { total: number | null } } | null;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
    }

    test('a table past the budget is refused by whichever replica it reaches; a table already asked is answered by either', async () => {
      expect((await ask(replicas[0], table('ORGANIZATION'))).data?.consultationStats).toBeTruthy();
      expect((await ask(replicas[1], table('CHANNEL'))).data?.consultationStats).toBeTruthy();
      const third = await ask(replicas[0], table('TOPIC'));
      expect(third.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(third.data?.consultationStats ?? null).toBeNull();
      expect((await ask(replicas[1], table('TOPIC'))).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect((await ask(replicas[1], table('ORGANIZATION'))).data?.consultationStats).toBeTruthy();
    });
  },
);

if (!TEST_DATABASE_URL) {
  // eslint-disable-next-line no-console
  console.log(
    'replicas.test.ts: the two-replica tests (identity replay, analysts’ table budget) run on the PostgreSQL pass only (DATABASE_URL unset)',
  );
}
