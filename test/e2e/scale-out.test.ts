/**
 * Scale-out on a real PostgreSQL 15 of the test's own (started, stopped and killed here): subgraph
 * replicas as processes (`start:subgraph`) over one database, a gateway balancing over them, and
 * syncing processes that share the sources' leases. Faults as they happen in production:
 *
 * - a subgraph replica killed (SIGKILL) under load: no failed request (failover), window measured;
 * - PostgreSQL restarted under load: coded errors while it is down (never a 500 or a crash),
 *   recovery without restarting anything, every acknowledged referral kept exactly once;
 * - the syncing leader killed in the middle of writing a snapshot: another process takes the
 *   lease and writes the new one; readers only ever see the old snapshot or the new one.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadAgencyConfigs } from '../../adapters/core/config';
import { createAdapterContext } from '../../adapters/core/adapter';
import { syncAll, type SyncReport } from '../../adapters/sync/sync';
import { openStore, type Store } from '../../store/store';
import { startDemoAgencyServers, type DemoAgencyServers } from '../../demo/servers';
import { signDevelopmentToken } from '../../gateway/auth';
import type { RunningGateway } from '../../gateway/gateway';
import { startPostgresServer, freePort, type PostgresServer } from '../support/postgres';
import { describeWithPostgres } from '../support/postgres-suite';
import { startChild, startSubgraphProcess, type Child } from '../support/processes';
import { CACHE_DIR, FIXED_NOW, ROOT } from '../support/paths';
import { JWT_SECRET, gql, startTestGateway } from './gateway-helpers';

interface Outcome {
  at: number;
  ok: boolean;
  status: number;
  codes: string[];
}

describeWithPostgres('scale-out on PostgreSQL', () => {
  let pg: PostgresServer;
  let store: Store;
  let demo: DemoAgencyServers;
  let consultationDir: string;
  let gateway: RunningGateway;
  const children: Record<string, Child> = {};
  let staffToken: string;
  // One consultation per referral: a consultation is referred to an agency once (issue 14).
  let ownConsultations: string[];
  // Subgraph processes and the gateway here must share the identity secret, as in production.
  const IDENTITY_SECRET = 'scale-out-test-identity-secret-of-enough-length';
  const env = () => ({
    MADOGUCHI_IDENTITY_SECRET: IDENTITY_SECRET,
    DATABASE_URL: pg.url('madoguchi'),
    MADOGUCHI_CONSULTATION_DIR: consultationDir,
    MADOGUCHI_DEMO_URL: demo.baseUrl,
    MADOGUCHI_LEASE_TTL_MS: '1500',
  });

  beforeAll(async () => {
    pg = await startPostgresServer();
    const admin = await openStore({ databaseUrl: pg.url() });
    await admin.query('create database madoguchi');
    await admin.close();
    consultationDir = mkdtempSync(join(tmpdir(), 'madoguchi-scale-'));
    cpSync(join(CACHE_DIR, 'consultations'), consultationDir, { recursive: true });
    demo = await startDemoAgencyServers({ port: 0, now: () => FIXED_NOW });
    store = await openStore({ databaseUrl: pg.url('madoguchi') });
    const agencies = loadAgencyConfigs(resolve(ROOT, 'agencies'), { ...process.env, ...env() });
    const reports = await syncAll(store, agencies, createAdapterContext({ clock: () => FIXED_NOW }));
    // Every source lands, but an agency's declared organization that a directory lists is the
    // directory's entry: that one says unchanged, naming the directory.
    expect(reports.filter((r) => r.outcome !== 'updated' && !(r.outcome === 'unchanged' && r.listedBy))).toEqual([]);
    const ports = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
    const started = await Promise.all([
      startSubgraphProcess('organizations', ports[0], env()),
      startSubgraphProcess('programs', ports[1], env()),
      startSubgraphProcess('programs', ports[2], env()),
      startSubgraphProcess('consultations', ports[3], env()),
      startSubgraphProcess('consultations', ports[4], env()),
    ]);
    ['organizations', 'programs-a', 'programs-b', 'consultations-a', 'consultations-b'].forEach(
      (n, i) => (children[n] = started[i]),
    );
    const url = (p: number) => `http://127.0.0.1:${p}/graphql`;
    gateway = await startTestGateway(
      {
        organizations: url(ports[0]),
        programs: `${url(ports[1])},${url(ports[2])}`,
        consultations: `${url(ports[3])},${url(ports[4])}`,
      },
      { logger: pino({ level: 'silent' }), identitySecret: IDENTITY_SECRET },
    );
    staffToken = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-iac', sub: 'scale-out-test' }, JWT_SECRET);
    ownConsultations = (
      await store.query<{ id: string }>(
        `select id from consultations where organization_id = 'hyogo-iac' order by id limit 2000`,
      )
    ).map((c) => c.id);
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(children).map((c) => c.kill('SIGKILL')));
    await store?.close();
    await demo?.close();
    await pg?.close();
    if (consultationDir) rmSync(consultationDir, { recursive: true, force: true });
  });

  // Every read a document of its own (an alias), so the gateway's response cache, on as shipped,
  // answers none of them: the replicas carry the whole load.
  let n = 0;
  const READS = [
    () => ({
      query: `{ r${n}: search(text: "創業 融資", first: ${1 + (n++ % 10)}) { totalCount edges { node { id } } } }`,
    }),
    () => ({ query: `{ r${n++}: organizations { id name programs { id } } }` }),
    () => ({ query: `{ r${n}: programs(first: ${1 + (n++ % 10)}) { totalCount edges { node { id title } } } }` }),
  ];

  async function send(body: Record<string, unknown>, token?: string): Promise<Outcome> {
    try {
      const r = await gql(gateway.url, body, token);
      const codes = (r.errors ?? []).map((e) => String(e.extensions?.code ?? 'NONE'));
      return { at: Date.now(), ok: r.status === 200 && codes.length === 0 && Boolean(r.data), status: r.status, codes };
    } catch (e) {
      return { at: Date.now(), ok: false, status: 0, codes: [`FETCH ${(e as Error).message}`] };
    }
  }

  /** Readers (and an optional writer) until `stop()`; every outcome with its time. */
  function load(
    concurrency: number,
    extra?: (outcomes: Outcome[]) => Promise<void>,
  ): { outcomes: Outcome[]; stop(): Promise<void> } {
    const outcomes: Outcome[] = [];
    let running = true;
    const workers = Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; running; i++) outcomes.push(await send(READS[i % READS.length]()));
    });
    const writer = extra
      ? (async () => {
          while (running) await extra(outcomes);
        })()
      : Promise.resolve();
    return {
      outcomes,
      stop: async () => {
        running = false;
        await Promise.all([...workers, writer]);
      },
    };
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Waits at least `minMs`, then until `enough()` (a count of answers: the machine may be slow), at most `maxMs`. */
  async function until(enough: () => boolean, minMs: number, maxMs = 30_000): Promise<void> {
    const start = Date.now();
    await sleep(minMs);
    while (!enough() && Date.now() - start < maxMs) await sleep(100);
  }

  test('a subgraph replica killed under load: no failed request, failover window measured', async () => {
    const run = load(6);
    await until(() => run.outcomes.length >= 10, 1_000);
    const killedAt = Date.now();
    await children['programs-b'].kill('SIGKILL');
    await until(() => run.outcomes.filter((o) => o.at > killedAt + 1_000).length >= 20, 3_000);
    await run.stop();
    const failed = run.outcomes.filter((o) => !o.ok);
    const windowMs = failed.length ? Math.max(...failed.map((o) => o.at)) - killedAt : 0;
    console.log(
      `replica killed: ${run.outcomes.length} requests, ${failed.length} failed, failover window ${windowMs} ms`,
    );
    expect(run.outcomes.filter((o) => o.at > killedAt + 1_000).length).toBeGreaterThanOrEqual(20);
    expect(failed.filter((o) => o.at > killedAt + 1_000)).toEqual([]);
    expect(failed).toEqual([]);
    expect(gateway.clients.get('programs')!.endpointStates.some((e) => e.state !== 'closed')).toBe(true);
  });

  test('PostgreSQL restarted under load: coded errors while down, recovery by itself, every referral once', async () => {
    const acknowledged: string[] = [];
    const attempted: string[] = [];
    let r = 0;
    const refer = async (outcomes: Outcome[]) => {
      const note = `restart-${++r}`;
      const id = ownConsultations[r % ownConsultations.length];
      attempted.push(note);
      const o = await send(
        {
          query: `mutation($id: ID!, $note: String) { referConsultation(id: $id, to: "hyogo-cgc", note: $note) { id } }`,
          variables: { id, note },
        },
        staffToken,
      );
      outcomes.push(o);
      if (o.ok) acknowledged.push(note);
      await sleep(20);
    };
    const run = load(4, refer);
    await until(() => acknowledged.length >= 5, 1_000);
    const downAt = Date.now();
    pg.stop();
    await sleep(1_500);
    await pg.start();
    const upAt = Date.now();
    const before = acknowledged.length;
    await until(
      () => run.outcomes.filter((o) => o.at > upAt + 2_000).length >= 10 && acknowledged.length >= before + 3,
      4_000,
    );
    await run.stop();
    const during = run.outcomes.filter((o) => o.at > downAt && o.at <= upAt + 2_000);
    const failed = run.outcomes.filter((o) => !o.ok);
    const codes = [...new Set(failed.flatMap((o) => o.codes))];
    const lastFailure = failed.length ? Math.max(...failed.map((o) => o.at)) - upAt : 0;
    console.log(
      `postgres restart: ${run.outcomes.length} requests, ${failed.length} failed with ${codes.join(', ')}; last failure ${lastFailure} ms after the server was back`,
    );
    // While it was down the graph answered with coded errors, never a server error or a dropped connection.
    expect(during.some((o) => !o.ok)).toBe(true);
    expect(run.outcomes.every((o) => o.status > 0 && o.status < 500)).toBe(true);
    expect(codes.filter((c) => c !== 'STORE_UNAVAILABLE')).toEqual([]);
    // …and recovered by itself.
    expect(run.outcomes.filter((o) => o.at > upAt + 2_000).every((o) => o.ok)).toBe(true);
    expect(run.outcomes.filter((o) => o.at > upAt + 2_000).length).toBeGreaterThan(10);
    expect(acknowledged.length).toBeGreaterThanOrEqual(8);
    const rows = await store.query<{ note: string; n: number }>(
      `select note, count(*)::int as n from referrals where note like 'restart-%' group by note`,
    );
    const counts = new Map(rows.map((x) => [x.note, x.n]));
    expect(acknowledged.filter((note) => counts.get(note) !== 1)).toEqual([]);
    expect(rows.filter((x) => x.n > 1)).toEqual([]);
    expect(rows.every((x) => attempted.includes(x.note))).toBe(true);
  });

  test('the syncing leader killed mid-write: another process takes the lease; readers see the old snapshot or the new, never half', async () => {
    const source = 'hyogo-iac/consultations';
    const count = async () =>
      (
        await store.query<{ n: number }>('select count(*)::int as n from consultations where source_id = $1', [source])
      )[0].n;
    const before = await count();
    // The new content: the log without its last 200 rows.
    const file = join(consultationDir, 'hyogo-iac.csv');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${lines.slice(0, -200).join('\n')}\n`);
    // Writing a row takes 2 ms here, so the leader is surely killed in the middle of its COPY.
    await store.query(
      `create function slow_row() returns trigger language plpgsql as $$ begin perform pg_sleep(0.002); return new; end $$`,
    );
    await store.query(
      `create trigger slow_consultations before insert on consultations for each row execute function slow_row()`,
    );
    const observed = new Set<number>();
    let after = -1;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        observed.add(await count());
        await sleep(25);
      }
    })();
    try {
      const leader = await startChild(
        'test/support/sync-child.ts',
        ['hyogo-iac', 'consultations'],
        { ...env(), SYNC_CHILD_NAME: 'leader-a' },
        null,
      );
      const deadline = Date.now() + 30_000;
      for (;;) {
        const active = await store.query(
          `select 1 from pg_stat_activity where application_name = 'leader-a' and state = 'active' and query ilike 'copy consultations%'`,
        );
        if (active.length) break;
        if (Date.now() > deadline) throw new Error(`the leader never started writing:\n${leader.output()}`);
        await sleep(20);
      }
      // A second process finds the lease taken and waits for it.
      const successor = await startChild(
        'test/support/sync-child.ts',
        ['hyogo-iac', 'consultations'],
        { ...env(), SYNC_CHILD_NAME: 'successor-b' },
        null,
      );
      await sleep(500);
      expect(successor.process.exitCode).toBeNull();
      await leader.kill('SIGKILL');
      expect(await count()).toBe(before);
      expect(await successor.exited).toBe(0);
      const report = JSON.parse(successor.output().trim().split('\n').pop()!) as SyncReport;
      expect(report.outcome).toBe('updated');
      expect(report.accepted).toBeLessThan(before);
      after = report.accepted;
    } finally {
      watching = false;
      await watcher;
      await store.query('drop trigger if exists slow_consultations on consultations');
    }
    expect(await count()).toBe(after);
    expect([...observed].sort()).toEqual([after, before].sort());
    expect(await store.query(`select name from leases where expires_at > now()`)).toEqual([]);
  });
});
