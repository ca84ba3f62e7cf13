/**
 * The README's PostgreSQL start as an operator types it: `DATABASE_URL=postgres://… npm start`, a
 * child process running the start script of package.json against a real PostgreSQL 15. The tables
 * and rows land in PostgreSQL and no embedded store is made in the data folder; then two
 * `npm run start:subgraph -- consultations` replicas over the same database answer the same,
 * non-zero counts. (The store used to stay PGlite whenever the data folder was set.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { signIdentity } from '../../server/identity';
import { CACHE_DIR, ROOT } from '../support/paths';
import { freePort, startPostgresServer, type PostgresServer } from '../support/postgres';
import { describeWithPostgres } from '../support/postgres-suite';
import { withAdmin } from '../support/store';

const IDENTITY_SECRET = 'database-url-test-identity-secret-long-enough';

interface Started {
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
}

/** Runs an npm script's command as npm runs it, in its own process group, waiting for `ready`. */
async function script(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Started> {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const clean: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(clean)) if (k.startsWith('MADOGUCHI_') || k.startsWith('npm_')) delete clean[k];
  const child = spawn('sh', ['-c', `${scripts[name]} ${args.join(' ')}`], {
    cwd: ROOT,
    detached: true,
    env: { ...clean, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready:\n${out}`)), 240_000);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
  return { child, out: () => out, exited };
}

async function stop(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  process.kill(-s.child.pid!, 'SIGTERM');
  await s.exited;
}

describeWithPostgres('DATABASE_URL=… npm start', () => {
  let pg: PostgresServer;
  let base: string;
  let start: Started | undefined;
  const replicas: Started[] = [];

  beforeAll(async () => {
    pg = await startPostgresServer();
    await withAdmin(pg.url(), (admin) => admin.query('create database madoguchi'));
    base = mkdtempSync(join(tmpdir(), 'madoguchi-dburl-'));
  });
  afterAll(async () => {
    await Promise.all(replicas.map(stop));
    await stop(start);
    await pg?.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('fills PostgreSQL, not the data folder; two subgraph replicas answer the same non-zero counts', async () => {
    const dataDir = join(base, 'data');
    const env = {
      DATABASE_URL: pg.url('madoguchi'),
      MADOGUCHI_DATA_DIR: dataDir,
      MADOGUCHI_IDENTITY_SECRET: IDENTITY_SECRET,
      // The tests' smaller consultation logs (12,000 rows), generated once by the test setup.
      MADOGUCHI_CONSULTATION_DIR: join(CACHE_DIR, 'consultations'),
      HOST: '127.0.0.1',
    };
    // Both lines, in whichever order a loaded machine prints them: the first sync may finish before
    // the gateway says it is ready.
    start = await script(
      'start',
      [],
      { ...env, PORT: '0' },
      /ready in [\d.]+ s: http[\s\S]*"msg":"sync finished"|"msg":"sync finished"[\s\S]*ready in [\d.]+ s: http/,
    );
    const url = /ready in [\d.]+ s: (http:\/\/[^\s"]+)/.exec(start.out())![1];
    const startLine = start
      .out()
      .split('\n')
      .find((l) => l.includes('madoguchi embedded starting'))!;
    expect(JSON.parse(startLine)).toMatchObject({
      store: expect.stringMatching(/^PostgreSQL 127\.0\.0\.1:\d+\/madoguchi$/),
      demo: 'on',
    });

    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organizations { id } }' }),
    });
    const organizations = ((await res.json()) as { data: { organizations: unknown[] } }).data.organizations;
    expect(organizations.length).toBeGreaterThanOrEqual(20);

    // In PostgreSQL: the schema and the rows.
    const counts = await withAdmin(pg.url('madoguchi'), async (db) => ({
      tables: Number((await db.query(`select count(*) n from pg_tables where schemaname = 'public'`)).rows[0].n),
      organizations: Number((await db.query('select count(*) n from organizations')).rows[0].n),
      consultations: Number((await db.query('select count(*) n from consultations')).rows[0].n),
    }));
    expect(counts.tables).toBeGreaterThan(10);
    expect(counts.organizations).toBe(organizations.length);
    expect(counts.consultations).toBeGreaterThan(10_000);
    // In the data folder: the install's secrets file at most, no embedded store.
    expect(readdirSync(dataDir).filter((f) => f !== 'secrets.json')).toEqual([]);

    // Two replicas of one subgraph over the same database, as scale-out runs them.
    const ports = [await freePort(), await freePort()];
    for (const port of ports)
      replicas.push(
        await script(
          'start:subgraph',
          ['consultations', '--port', String(port)],
          env,
          /subgraph consultations ready at/,
        ),
      );
    const answers = await Promise.all(
      ports.map(async (port) => {
        const body = JSON.stringify({ query: '{ consultations(first: 1) { totalCount } }' });
        const identity = signIdentity({ role: 'coordinator', subject: 'ops', agencyId: null }, IDENTITY_SECRET, {
          subgraph: 'consultations',
          body,
        });
        const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...identity },
          body,
        });
        return ((await r.json()) as { data: { consultations: { totalCount: number } } }).data.consultations.totalCount;
      }),
    );
    expect(answers[0]).toBe(counts.consultations);
    expect(answers[1]).toBe(answers[0]);

    // Every subgraph process answers /healthz, /readyz (its store answers) and /metrics.
    for (const port of ports) {
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      expect((await get('/healthz')).status).toBe(200);
      const ready = await get('/readyz');
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { store: 'ok' } }]);
      expect(await (await get('/metrics')).text()).toMatch(
        /madoguchi_subgraph_requests_total\{subgraph="consultations",status="200"\} 1/,
      );
    }

    // The deployment's sync leader over the same database: per-source sync metrics on its /metrics.
    const leaderPort = await freePort();
    const leader = await script(
      'sync',
      ['--demo', '--watch', '--port', String(leaderPort)],
      env,
      /sync leader ready at/,
    );
    replicas.push(leader);
    expect((await fetch(`http://127.0.0.1:${leaderPort}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${leaderPort}/metrics`)).text();
    expect(metrics).toMatch(
      /madoguchi_source_last_success_timestamp_seconds\{source="hyogo-iac\/consultations"\} \d{10}/,
    );
    expect(metrics).toMatch(/madoguchi_source_rows\{source="hyogo-iac\/programs",kind="accepted"\} [1-9]/);
    expect(metrics).toMatch(/madoguchi_source_sync_duration_seconds\{source="hyogo-iac\/programs"\}/);

    // SIGTERM ends each cleanly.
    for (const r of replicas) {
      process.kill(-r.child.pid!, 'SIGTERM');
      expect(await r.exited).toBe(0);
    }
    process.kill(-start.child.pid!, 'SIGTERM');
    expect(await start.exited).toBe(0);
  });
});
