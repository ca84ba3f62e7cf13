/**
 * `npm run bench:scale`: one process on the embedded PGlite store against the scaled-out set-up
 * on PostgreSQL 15 (2 replicas of each subgraph, 2 gateways balancing over them), both holding
 * the demo agencies synced from their systems (about 100,000 consultations), under the same mixed
 * workload: one-stop search, the directory, staff reading their consultations and analysts'
 * statistics. Prints req/s, p50, p99 and errors of each, measured in turn in the same run.
 * BENCH_SECONDS (default 20) per measurement, BENCH_CONCURRENCY (default 16).
 * PostgreSQL comes from Debian's postgresql-15 (started here on loopback, as the postgres user).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent, fetch } from 'undici';
import { startEmbedded } from '../gateway/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { startPostgresServer } from '../test/support/postgres';
import { startChild, startSubgraphProcess, type Child } from '../test/support/processes';
import { freePort, markdownTable, percentile } from './report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECRET = 'bench-scale-secret-bench-scale-secret';

interface Result {
  name: string;
  latencies: number[];
  errors: number;
  seconds: number;
}

async function workload(): Promise<Array<{ body: string; token?: string }>> {
  const secret = new TextEncoder().encode(SECRET);
  const staff = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-iac' }, secret);
  const analyst = await signDevelopmentToken({ role: 'analyst' }, secret);
  const q = (query: string, token?: string) => ({ body: JSON.stringify({ query }), token });
  return [
    q('{ search(text: "創業 融資", first: 10) { totalCount edges { node { id title provider { name } } } } }'),
    q('{ search(text: "販路開拓 展示会", first: 10) { totalCount edges { node { id title } } } }'),
    q('{ organizations { id name programs { id title } } }'),
    q('{ consultations(first: 20) { totalCount edges { node { id receivedAt topics summary } } } }', staff),
    q('{ consultationStats(groupBy: [ORGANIZATION, MONTH]) { total cells { count suppressed } } }', analyst),
    q('{ consultationStats(groupBy: [TOPIC, MUNICIPALITY], filter: { from: "2025-10-01", to: "2025-12-31" }) { total cells { count } } }', analyst),
  ];
}

/** A closed loop of CONCURRENCY clients over the mix, spread over the gateways' URLs. */
async function measure(name: string, urls: string[], mix: Array<{ body: string; token?: string }>, seconds: number): Promise<Result> {
  const dispatcher = new Agent({ connections: CONCURRENCY * 2 });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, c) => {
      for (let i = c; performance.now() < end; i++) {
        const { body, token } = mix[i % mix.length];
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const t = performance.now();
        try {
          const res = await fetch(urls[i % urls.length], { method: 'POST', headers, body, dispatcher });
          const json = (await res.json()) as { errors?: unknown[] };
          if (res.status !== 200 || json.errors) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  await dispatcher.close();
  return { name, latencies, errors, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const mix = await workload();
  const env = { MADOGUCHI_JWT_SECRET: SECRET, NODE_ENV: 'production', MADOGUCHI_RESPONSE_CACHE: 'false', LOG_LEVEL: 'warn' };
  Object.assign(process.env, env);
  const results: Result[] = [];

  // Peer: one process on PGlite.
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-scale-'));
  const single = await startEmbedded({ dataDir, port: 0, host: '127.0.0.1', sync: 'blocking', logger: pino({ level: 'warn' }), gateway: { responseCache: { enabled: false } } });
  const singleUrl = `http://127.0.0.1:${single.gateway.port}/graphql`;
  await measure('warm-up', [singleUrl], mix, 3);
  results.push(await measure('1 process, PGlite', [singleUrl], mix, SECONDS));
  await single.close();
  rmSync(dataDir, { recursive: true, force: true });

  // Scaled out: PostgreSQL, 2 replicas of each subgraph, 2 gateways.
  const pg = await startPostgresServer({ shared_buffers: '256MB' });
  const children: Child[] = [];
  try {
    const admin = await (await import('../store/store')).openStore({ databaseUrl: pg.url() });
    await admin.query('create database madoguchi');
    await admin.close();
    const databaseUrl = pg.url('madoguchi');
    const loader = await startEmbedded({ databaseUrl, port: 0, host: '127.0.0.1', sync: 'blocking', logger: pino({ level: 'warn' }) });
    await loader.close();
    const demoEnv = { ...env, DATABASE_URL: databaseUrl, MADOGUCHI_PG_POOL_SIZE: '8' };
    const names = ['organizations', 'programs', 'consultations'];
    const urls: Record<string, string[]> = {};
    for (const name of names) {
      for (let r = 0; r < 2; r++) {
        const port = await freePort();
        children.push(await startSubgraphProcess(name, port, demoEnv));
        (urls[name] ??= []).push(`http://127.0.0.1:${port}/graphql`);
      }
    }
    const gatewayUrls: string[] = [];
    for (let g = 0; g < 2; g++) {
      const port = await freePort();
      const subgraphEnv = Object.fromEntries(names.map((n) => [`SUBGRAPH_${n.toUpperCase()}_URL`, urls[n].join(',')]));
      children.push(await startChild('gateway/index.ts', [], { ...demoEnv, ...subgraphEnv, PORT: String(port), HOST: '127.0.0.1' }, /ready at/));
      gatewayUrls.push(`http://127.0.0.1:${port}/graphql`);
    }
    await measure('warm-up', gatewayUrls, mix, 3);
    results.push(await measure('2 gateways + 2×3 subgraph replicas, PostgreSQL', gatewayUrls, mix, SECONDS));
  } finally {
    await Promise.all(children.map((c) => c.kill()));
    await pg.close();
  }

  const base = results[0].latencies.length / results[0].seconds;
  console.log(`\nMixed workload (search, directory, staff consultations, analyst stats), ${CONCURRENCY} clients, ${SECONDS} s each, response cache off:\n`);
  console.log(
    markdownTable(
      ['set-up', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s vs 1 process'],
      results.map((r) => {
        const rps = r.latencies.length / r.seconds;
        return [r.name, rps.toFixed(0), percentile(r.latencies, 50).toFixed(1), percentile(r.latencies, 99).toFixed(1), String(r.errors), `${(rps / base).toFixed(2)}×`];
      }),
    ),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
