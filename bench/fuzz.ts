/**
 * `npm run bench:fuzz`: BENCH_REQUESTS hostile requests (default 10,000) against the embedded
 * system as `npm start` ships it (response cache on, shipped limits), 16 at a time, drawn from
 * every attack of issue 14 and more: fan-out and nested-list queries, aliases, deep JSON, random
 * operation names, forged, expired and future tokens, client-sent identity headers, persisted-query
 * mismatches, crafted cursors and page sizes, differencing statistics, preflights from unknown
 * origins, mutations over GET, oversized bodies and token soup. A tenth of the requests are
 * ordinary queries, measured in the same run as the peer: what hostile traffic does to everyone
 * else. Prints the answers by status class, p50/p99 latency of both, and the process's RSS after
 * a warm-up (ordinary queries, then BENCH_WARMUP hostile ones, default 2,000) and after the run
 * (goal: no 5xx, RSS growth under 10 %).
 *
 * The store is the demo, synced on first use into BENCH_DATA_DIR (kept) or a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { SignJWT } from 'jose';
import { startEmbedded } from '../app/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { markdownTable, percentile } from './report';

const N = Number(process.env.BENCH_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Hostile requests sent before the first RSS reading: caches and heaps reach their working size. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);

/** A small seeded generator, so two runs send the same requests. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shot {
  kind: string;
  method: 'GET' | 'POST' | 'OPTIONS';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function main(): Promise<void> {
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'madoguchi-bench-fuzz-'));
  const secret = randomBytes(32);
  const t0 = performance.now();
  const app = await startEmbedded({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    sync: 'blocking',
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    auth: { secret },
  });
  console.log(`started in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${dataDir}`);
  const url = `http://127.0.0.1:${app.gateway.port}/graphql`;
  const tokens = {
    analyst: await signDevelopmentToken({ role: 'analyst' }, secret),
    staff: await signDevelopmentToken({ role: 'staff', agency: 'hyogo-iac' }, secret),
    coordinator: await signDevelopmentToken({ role: 'coordinator' }, secret),
    noExp: await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('madoguchi')
      .setAudience('madoguchi')
      .setIssuedAt()
      .sign(secret),
    future: await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('madoguchi')
      .setAudience('madoguchi')
      .setIssuedAt(Math.floor(Date.now() / 1000) + 3600)
      .setExpirationTime('2h')
      .sign(secret),
    forged: await signDevelopmentToken({ role: 'coordinator' }, randomBytes(32)),
    none: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"coordinator"}').toString('base64url')}.`,
  };
  const rnd = mulberry32(14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const json = (body: unknown, headers: Record<string, string> = {}): Shot => ({
    kind: '',
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const chain = (n: number) => {
    let inner = 'id';
    for (let i = 0; i < n; i++) inner = `programs { provider { ${inner} } }`;
    return inner;
  };
  const soup = [
    '{',
    '}',
    'organizations',
    'programs',
    '(',
    ')',
    'first:',
    '-1',
    '1e9',
    '"x"',
    'id',
    'name',
    '...',
    'on',
    'Program',
    '$v',
    'query',
    'mutation',
    '#',
    'null',
    ':',
    '[',
    ']',
    '@skip(if: true)',
    'edges',
    'node',
    'alternatives',
    'sources',
    'consultations',
  ];
  const attacks: Array<[string, () => Shot]> = [
    ['fan-out', () => json({ query: `{ organizations { ${chain(1 + Math.floor(rnd() * 5))} } }` })],
    [
      'nested alternatives',
      () => {
        const levels = 1 + Math.floor(rnd() * 8);
        return json({
          query: `{ programs(first: ${1 + Math.floor(rnd() * 100)}) { edges { node { ${'alternatives { '.repeat(levels)}id${' }'.repeat(levels)} } } } }`,
        });
      },
    ],
    [
      'aliases',
      () =>
        json({
          query: `{ ${Array.from({ length: 1 + Math.floor(rnd() * 40) }, (_, i) => `a${i}: organizations { programs { title } }`).join(' ')} }`,
        }),
    ],
    [
      'deep JSON',
      () => {
        const depth = 65 + Math.floor(rnd() * 50_000);
        const where = pick(['variables', 'extensions']);
        return json(`{"query":"{ organizations { id } }","${where}":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
      },
    ],
    [
      'random operation name',
      () => {
        const name = `Op${Math.floor(rnd() * 1e9).toString(36)}`;
        return json({ query: `query ${name} { organizations { id } }`, operationName: name });
      },
    ],
    [
      'bad token',
      () =>
        json(
          { query: '{ consultations(first: 5) { totalCount } }' },
          {
            authorization: `Bearer ${pick([tokens.noExp, tokens.future, tokens.forged, tokens.none, 'garbage', 'a.b.c'])}`,
          },
        ),
    ],
    [
      'client identity header',
      () =>
        json(
          { query: '{ consultations(first: 1) { totalCount } }' },
          {
            'x-madoguchi-identity': Buffer.from('{"role":"coordinator"}').toString('base64url'),
            'x-madoguchi-signature': randomBytes(32).toString('base64url'),
          },
        ),
    ],
    [
      'persisted query mismatch',
      () =>
        json(
          pick([
            {
              query: '{ organizations { id } }',
              extensions: { persistedQuery: { version: 1, sha256Hash: randomBytes(32).toString('hex') } },
            },
            { query: '{ organizations { id } }', extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } },
            { query: '{ organizations { id } }', operationName: 7 },
            { query: '{ organizations { id } }', extensions: 'x' },
            { query: '{ organizations { id } }', variables: [1, 2] },
            { extensions: { persistedQuery: { version: 1, sha256Hash: randomBytes(32).toString('hex') } } },
          ]),
        ),
    ],
    [
      'crafted cursor',
      () =>
        json({
          query: pick([
            'query($a: String) { programs(first: 5, after: $a) { totalCount } }',
            'query($a: String) { search(text: "創業", after: $a) { totalCount } }',
          ]),
          variables: {
            a: Buffer.from(
              pick(['o:9999999999999999999999', 'search:1e400', 'o:-1', 'c:1', `o:${Math.floor(rnd() * 1e7)}`]),
            ).toString('base64url'),
          },
        }),
    ],
    [
      'page sizes',
      () =>
        json({
          query: `{ programs(first: ${pick([-1, 0, 101, 1e9, 2 ** 31])}) { totalCount } sources { rejectedRows(first: ${pick([-5, 1001, 1e6])}) { row } } }`,
        }),
    ],
    [
      'differencing statistics',
      () =>
        json(
          {
            query:
              'query($g: [StatsDimension!]!, $f: StatsFilter) { consultationStats(groupBy: $g, filter: $f) { total cells { count } } }',
            variables: {
              g: [
                pick(['ORGANIZATION', 'MUNICIPALITY', 'INDUSTRY', 'TOPIC', 'MONTH', 'CHANNEL']),
                pick(['MUNICIPALITY', 'CHANNEL']),
              ],
              f: pick([
                {},
                { from: '2025-06-10' },
                { from: '2025-06-01', to: '2025-08-31' },
                { organizationIds: ['hyogo-iac', 'kobe-ipf'] },
                { topics: ['FINANCE'] },
              ]),
            },
          },
          { authorization: `Bearer ${tokens.analyst}` },
        ),
    ],
    [
      'role check through fragments',
      () =>
        json(
          {
            query: pick([
              '{ ... on Query { consultations(first: 1) { totalCount } } }',
              'query { ...Q } fragment Q on Query { companyHistory(corporateNumber: "4011001098993") { corporateNumber } }',
            ]),
          },
          pick<Record<string, string>>([{}, { authorization: `Bearer ${tokens.staff}` }]),
        ),
    ],
    ['sources for anyone', () => json({ query: '{ sources { location lastError rejectedRows { value reason } } }' })],
    [
      'preflight from another origin',
      () => ({
        kind: '',
        method: 'OPTIONS',
        headers: {
          origin: `https://${randomBytes(4).toString('hex')}.example`,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      }),
    ],
    [
      'mutation over GET',
      () => ({
        kind: '',
        method: 'GET',
        path: `?query=${encodeURIComponent('mutation { referConsultation(id: "hyogo-iac:1", to: "kobe-ipf") { id } }')}`,
      }),
    ],
    [
      'oversized body',
      () => json({ query: `{ organizations { id } } #${'x'.repeat(1024 * 1024 + Math.floor(rnd() * 1000))}` }),
    ],
    [
      'token soup',
      () =>
        json(
          pick([
            { query: Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick(soup)).join(' ') },
            { query: 42 },
            '{"query":',
            'not json at all',
          ]),
        ),
    ],
  ];
  const benign: Array<() => Shot> = [
    () => json({ query: '{ organizations { id name kind } }' }),
    () =>
      json({
        query: 'query($t: String) { search(text: $t, first: 10) { totalCount edges { node { title } } } }',
        variables: { t: pick(['創業', '資金繰り', '販路', 'IT']) },
      }),
    () => json({ query: '{ programs(first: 20) { totalCount edges { node { id title provider { name } } } } }' }),
  ];
  const shots: Shot[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    if (i % 10 === 9) shots.push({ ...benign[i % benign.length](), kind: 'ordinary (peer)' });
    else {
      const [kind, make] = attacks[i % attacks.length];
      shots.push({ ...make(), kind });
    }
  }
  const dispatcher = new Agent({ connections: CONCURRENCY });
  const send = async (shot: Shot) => {
    const started = performance.now();
    try {
      const res = await fetch(`${url}${shot.path ?? ''}`, {
        dispatcher,
        method: shot.method,
        headers: shot.headers,
        body: shot.body,
        signal: AbortSignal.timeout(60_000),
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    } catch {
      return { status: 0, ms: performance.now() - started };
    }
  };
  const fire = async (batch: Shot[], into: Array<{ kind: string; status: number; ms: number }>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batch.length) {
          const shot = batch[next++];
          into.push({ kind: shot.kind, ...(await send(shot)) });
        }
      }),
    );
  };
  // Warm up with the ordinary queries, then with the hostile mix (caches, plan stores and the
  // store's heap grow to their working size once), and take the RSS the run starts from: growth
  // after that is what hostile traffic keeps.
  for (let i = 0; i < 200; i++) await send({ ...benign[i % benign.length](), kind: 'warm-up' });
  global.gc?.();
  const rssBenign = process.memoryUsage().rss;
  await fire(shots.slice(0, WARMUP), []);
  await new Promise((r) => setTimeout(r, 12_000));
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const results: Array<{ kind: string; status: number; ms: number }> = [];
  const t1 = performance.now();
  await fire(shots.slice(WARMUP), results);
  const seconds = (performance.now() - t1) / 1000;
  // Let timers, caches' TTLs and sockets settle before the second reading.
  await new Promise((r) => setTimeout(r, 12_000));
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  const healthz = await fetch(`http://127.0.0.1:${app.gateway.port}/healthz`, { dispatcher });
  const rows: string[][] = [];
  const kinds = [...new Set(results.map((r) => r.kind))];
  for (const kind of kinds) {
    const mine = results.filter((r) => r.kind === kind);
    const count = (lo: number, hi: number) => mine.filter((r) => r.status >= lo && r.status < hi).length;
    rows.push([
      kind,
      String(mine.length),
      String(count(200, 300)),
      String(count(400, 500)),
      String(count(500, 600)),
      String(mine.filter((r) => r.status === 0).length),
      percentile(
        mine.map((r) => r.ms),
        50,
      ).toFixed(1),
      percentile(
        mine.map((r) => r.ms),
        99,
      ).toFixed(1),
    ]);
  }
  const hostile = results.filter((r) => r.kind !== 'ordinary (peer)');
  const peer = results.filter((r) => r.kind === 'ordinary (peer)');
  const fiveHundreds = results.filter((r) => r.status >= 500).length;
  rows.push([
    'all hostile',
    String(hostile.length),
    String(hostile.filter((r) => r.status < 300).length),
    String(hostile.filter((r) => r.status >= 400 && r.status < 500).length),
    String(hostile.filter((r) => r.status >= 500).length),
    String(hostile.filter((r) => r.status === 0).length),
    percentile(
      hostile.map((r) => r.ms),
      50,
    ).toFixed(1),
    percentile(
      hostile.map((r) => r.ms),
      99,
    ).toFixed(1),
  ]);
  console.log(
    `\n${N.toLocaleString()} requests, ${CONCURRENCY} at a time, in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)} req/s); /healthz after: ${healthz.status}\n`,
  );
  console.log(markdownTable(['requests', 'n', '2xx', '4xx', '5xx', 'no answer', 'p50 ms', 'p99 ms'], rows, 'right'));
  const growth = (rssAfter - rssBefore) / rssBefore;
  console.log(
    `\nRSS after the ordinary warm-up ${(rssBenign / 2 ** 20).toFixed(0)} MiB; after ${WARMUP} hostile warm-up requests ${(rssBefore / 2 ** 20).toFixed(0)} MiB (working size reached once)`,
  );
  console.log(
    `RSS before the run ${(rssBefore / 2 ** 20).toFixed(0)} MiB, after ${(rssAfter / 2 ** 20).toFixed(0)} MiB: ${(growth * 100).toFixed(1)} % (goal < 10 %)`,
  );
  console.log(
    `5xx: ${fiveHundreds} (goal 0); ordinary p99 ${percentile(
      peer.map((r) => r.ms),
      99,
    ).toFixed(1)} ms against hostile p99 ${percentile(
      hostile.map((r) => r.ms),
      99,
    ).toFixed(1)} ms`,
  );
  await dispatcher.close();
  await app.close();
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
  if (fiveHundreds > 0 || growth >= 0.1) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
