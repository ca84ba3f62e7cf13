/**
 * `npm run bench:scale`: one process on the embedded PGlite store (`npm start`) against the
 * scaled-out set-up on PostgreSQL 15 (2 replicas of each subgraph, 2 gateways balancing over
 * them), with `npm start` on the same PostgreSQL between them to tell the store's share from the
 * processes'. Each holds the demo agencies synced from their systems (about 100,000
 * consultations) and gets the same mixed workload: one-stop search, the directory, staff reading
 * their consultations and analysts' statistics. Every set-up runs in processes of its own; they
 * are measured in turn (A B C, A B C…) in the same run, and the table gives req/s, p50, p99 and
 * errors of each, then p50 by kind of request.
 *
 * BENCH_SECONDS (default 20) per measurement, BENCH_ROUNDS (default 3) turns of every set-up,
 * BENCH_CONCURRENCY (default 16) clients. The response cache is off, so every request reaches the
 * store. PostgreSQL comes from Debian's postgresql-15, started here on loopback as the postgres user.
 */
import { cpus } from 'node:os';
import { Agent, fetch } from 'undici';
import {
  loadAverage,
  startBenchPostgres,
  startEmbeddedStack,
  startScaledOutStack,
  benchToken,
  type Stack,
} from './stacks';
import { markdownTable, percentile, runBench } from './report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Request {
  kind: string;
  body: string;
  token?: string;
}

interface Result {
  latencies: number[];
  byKind: Map<string, number[]>;
  errors: number;
  firstError?: string;
  seconds: number;
}

async function workload(): Promise<Request[]> {
  const staff = await benchToken({ role: 'staff', agency: 'hyogo-iac' });
  const analyst = await benchToken({ role: 'analyst' });
  const q = (kind: string, query: string, token?: string) => ({ kind, body: JSON.stringify({ query }), token });
  return [
    q(
      'search',
      '{ search(text: "創業 融資", first: 10) { totalCount edges { node { id title provider { name } } } } }',
    ),
    q('search', '{ search(text: "販路開拓 展示会", first: 10) { totalCount edges { node { id title } } } }'),
    q('directory', '{ organizations { id name programs { id title } } }'),
    q(
      'staff consultations',
      '{ consultations(first: 20) { totalCount edges { node { id receivedAt topics summary } } } }',
      staff,
    ),
    q(
      'analyst stats',
      '{ consultationStats(groupBy: [ORGANIZATION, MONTH]) { total cells { count suppressed } } }',
      analyst,
    ),
    q(
      'analyst stats',
      '{ consultationStats(groupBy: [TOPIC, MUNICIPALITY], filter: { from: "2025-10-01", to: "2025-12-31" }) { total cells { count } } }',
      analyst,
    ),
  ];
}

async function post(
  url: string,
  request: Request,
  dispatcher?: Agent,
): Promise<{ status: number; json: { data?: unknown; errors?: unknown[] } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  const res = await fetch(url, { method: 'POST', headers, body: request.body, dispatcher });
  return { status: res.status, json: (await res.json()) as { data?: unknown; errors?: unknown[] } };
}

/** A closed loop of CONCURRENCY clients over the mix, spread over the set-up's gateways. */
async function measure(stack: Stack, mix: Request[], seconds: number): Promise<Result> {
  const dispatcher = new Agent({ connections: CONCURRENCY * 2 });
  const result: Result = { latencies: [], byKind: new Map(), errors: 0, seconds: 0 };
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, c) => {
      for (let i = c; performance.now() < end; i++) {
        const request = mix[i % mix.length];
        const t = performance.now();
        try {
          const { status, json } = await post(stack.urls[i % stack.urls.length], request, dispatcher);
          if (status !== 200 || json.errors) {
            result.errors += 1;
            result.firstError ??= `${status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`;
          }
        } catch (e) {
          result.errors += 1;
          result.firstError ??= String(e);
        }
        const ms = performance.now() - t;
        result.latencies.push(ms);
        const ofKind = result.byKind.get(request.kind) ?? [];
        ofKind.push(ms);
        result.byKind.set(request.kind, ofKind);
      }
    }),
  );
  await dispatcher.close();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Every set-up must hold the same data, or the comparison means nothing. */
async function fingerprint(stack: Stack, analyst: string): Promise<string> {
  const { json } = await post(stack.urls[0], {
    kind: 'check',
    body: JSON.stringify({
      query:
        '{ consultationStats(groupBy: [ORGANIZATION]) { total } search(text: "創業") { totalCount } organizations { id } }',
    }),
    token: analyst,
  });
  const data = json.data as
    | { consultationStats: { total: number }; search: { totalCount: number }; organizations: unknown[] }
    | undefined;
  if (!data) throw new Error(`${stack.name}: ${JSON.stringify(json.errors)}`);
  return `${data.consultationStats.total} consultations, ${data.organizations.length} organizations, ${data.search.totalCount} programmes matching 創業`;
}

async function main(): Promise<void> {
  const mix = await workload();
  const analyst = await benchToken({ role: 'analyst' });
  // Every request reaches the store: the cache would answer the anonymous half from memory.
  const env = { MADOGUCHI_RESPONSE_CACHE: 'false' };
  const loadBefore = loadAverage();
  const { server, databaseUrl } = await startBenchPostgres();
  const stacks: Stack[] = [];
  try {
    stacks.push(await startEmbeddedStack('1 process (npm start), PGlite', { env }));
    // This one also syncs the demo agencies into PostgreSQL for the scaled-out set-up.
    stacks.push(await startEmbeddedStack('1 process (npm start), PostgreSQL', { databaseUrl, env }));
    stacks.push(await startScaledOutStack('2 gateways + 2×3 subgraph replicas, PostgreSQL', databaseUrl, { env }));
    const prints = await Promise.all(stacks.map((s) => fingerprint(s, analyst)));
    if (new Set(prints).size !== 1)
      throw new Error(
        `the set-ups hold different data:\n${stacks.map((s, i) => `  ${s.name}: ${prints[i]}`).join('\n')}`,
      );

    for (const stack of stacks) await measure(stack, mix, 3); // warm-up: plans, pools, JIT
    const results = new Map<Stack, Result[]>(stacks.map((s) => [s, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const stack of stacks) {
        const r = await measure(stack, mix, SECONDS);
        results.get(stack)!.push(r);
        const rps = r.latencies.length / r.seconds;
        console.log(
          `  round ${round + 1}, ${stack.name}: ${rps.toFixed(1)} req/s, ${r.errors} errors${r.firstError ? ` (first: ${r.firstError})` : ''}`,
        );
      }
    }

    const merged = stacks.map((stack) => {
      const rs = results.get(stack)!;
      const latencies = rs.flatMap((r) => r.latencies);
      const byKind = new Map<string, number[]>();
      for (const r of rs) for (const [k, v] of r.byKind) byKind.set(k, [...(byKind.get(k) ?? []), ...v]);
      return {
        stack,
        latencies,
        byKind,
        errors: rs.reduce((n, r) => n + r.errors, 0),
        rps: latencies.length / rs.reduce((s, r) => s + r.seconds, 0),
      };
    });
    const base = merged[0];
    console.log(
      `\n${prints[0]} in every set-up. Mixed workload (search, directory, staff consultations, analyst stats), ` +
        `${CONCURRENCY} clients, ${ROUNDS} × ${SECONDS} s per set-up taken in turn, response cache off; ` +
        `load average ${loadBefore} before, ${loadAverage()} after (${cpus().length} cores).\n`,
    );
    console.log(
      markdownTable(
        ['set-up', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s vs 1 process PGlite', 'p99 vs 1 process PGlite'],
        merged.map((m) => [
          m.stack.name,
          m.rps.toFixed(1),
          percentile(m.latencies, 50).toFixed(0),
          percentile(m.latencies, 99).toFixed(0),
          String(m.errors),
          `${(m.rps / base.rps).toFixed(2)}×`,
          `${(percentile(m.latencies, 99) / percentile(base.latencies, 99)).toFixed(2)}×`,
        ]),
      ),
    );
    const kinds = [...new Set(mix.map((r) => r.kind))];
    console.log('\np50 ms by kind of request:\n');
    console.log(
      markdownTable(
        ['set-up', ...kinds],
        merged.map((m) => [m.stack.name, ...kinds.map((k) => percentile(m.byKind.get(k) ?? [NaN], 50).toFixed(0))]),
      ),
    );
  } finally {
    for (const stack of stacks.reverse()) await stack.close();
    await server.close();
  }
}

runBench(main);
