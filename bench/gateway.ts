/**
 * `npm run bench:gateway`: Madoguchi's gateway against stock @apollo/gateway + @apollo/server and
 * against Hive Gateway, over the same subgraphs and the same query mix, in one run printing one
 * table.
 *
 * - Subgraphs, in a process of their own (bench/gateway-subgraphs/serve.ts): Madoguchi's three
 *   over the demo agencies' directory and programmes, and four in-memory ones in the shape of the
 *   public federation gateway benchmarks (accounts, inventory, products, reviews).
 * - Scenarios: the one-stop search (four texts in turn), the directory with nested programmes,
 *   and a deep query across the four benchmark subgraphs.
 * - Contenders, each its own process with NODE_ENV=production: (a) Madoguchi with subgraph
 *   deduplication on, and off; (aL) as a, with a live source declared (the demo technology
 *   centre's equipment subgraph, running beside, composed into its supergraph): the built-in
 *   scenarios' throughput with and without it; (b) stock Apollo with defaults; (c) Hive Gateway, installed by
 *   this script into a scratch folder under the OS temp dir (never a project dependency; when it
 *   cannot be installed or run, the table says why and shows a and b only); (r) the same Hive
 *   Gateway on Hive Router's Rust query planner and executor (@graphql-hive/router-runtime,
 *   installed beside it, `--hive-router-runtime`); and Madoguchi with
 *   its response cache on, reported separately. Madoguchi runs with its response cache off unless
 *   said, and with LOG_LEVEL=warn (no per-request access log, which the others do not write).
 * - Load: autocannon, warm-up first, contenders alternately (A B C … A B C …), BENCH_ROUNDS
 *   rounds sharing BENCH_DURATION seconds per contender and scenario. Errors count GraphQL
 *   errors in the bodies as well as non-2xx answers and socket errors. Before measuring, every
 *   contender's answers are compared with stock Apollo's.
 *
 * Environment: BENCH_DURATION (s, default 10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (50),
 * BENCH_WARMUP (s, 3), BENCH_HIVE=false to leave Hive out, BENCH_HIVE_DIR (scratch folder),
 * BENCH_SCENARIO (run the scenarios whose name contains it, e.g. deep), BENCH_CONTENDERS (ids to
 * run, comma-separated, e.g. a,r; stock Apollo always runs, as the reference answers), BENCH_BASELINE
 * (a checkout of another commit, with node_modules: its gateway runs as contender a@, as a does, so
 * that a change is measured against it in the same run), BENCH_PROFILE=1 (CPU
 * profiles of Madoguchi's contenders, summed per stage: ./profile.ts; BENCH_PROFILE_DIR keeps them).
 */
import { type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { SUBGRAPHS } from '../subgraphs';
import { BENCH_SUBGRAPHS } from './gateway-subgraphs';
import { startEquipmentService } from '../demo/live/equipment';
import { freePort } from './report';
import { stageTable } from './profile';
import {
  compareAnswers,
  load,
  percentile,
  quiesce,
  subgraphCounts,
  type Measurement,
  type Scenario,
} from './gateway-load';
import { HIVE_DIR, installHive, spawnReady, stopChildren, waitForGraphQL } from './gateway-processes';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
/** Profile Madoguchi's contenders (--cpu-prof) and print where their time went, per stage. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** Only the scenarios whose names contain this (e.g. `deep`). */
const ONLY = process.env.BENCH_SCENARIO;
/** Another checkout whose gateway runs beside this one's (contender a@). */
const BASELINE = process.env.BENCH_BASELINE;
/** Only these contenders (ids), besides stock Apollo, which gives the reference answers. */
const PICKED = process.env.BENCH_CONTENDERS?.split(',').map((id) => id.trim());

const SECRETS = {
  MADOGUCHI_IDENTITY_SECRET: 'bench-identity-secret-bench-identity-secret',
  MADOGUCHI_JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-bench',
};

const PRODUCT_FIELDS = 'inStock name price shippingEstimate upc weight';
const DEEP_REVIEWS = `reviews { id body author { id username name reviews { id body product { ${PRODUCT_FIELDS} } } } }`;
const SEARCH = `query OneStopSearch($text: String!) {
  search(text: $text, first: 10) {
    totalCount
    edges { highlight node { id title kind status provider { id name } } }
    facets { supportFields { value count } providers { value count } }
  }
}`;

const SCENARIOS: Scenario[] = [
  {
    name: 'one-stop search',
    bodies: ['創業', '販路拡大', '資金繰り', 'IT'].map((text) => ({
      query: SEARCH,
      variables: { text },
      operationName: 'OneStopSearch',
    })),
  },
  {
    name: 'directory + programmes',
    bodies: [
      {
        query:
          'query Directory { organizations { id name kind municipality { name prefecture } programs { id title kind status } } }',
        operationName: 'Directory',
      },
    ],
  },
  {
    name: 'deep, 4 subgraphs',
    bodies: [
      {
        query: `query TestQuery { users { id username name reviews { id body product { ${PRODUCT_FIELDS} ${DEEP_REVIEWS} } } } topProducts { ${PRODUCT_FIELDS} ${DEEP_REVIEWS} } }`,
        operationName: 'TestQuery',
      },
    ],
  },
];

interface Contender {
  id: string;
  label: string;
  kind: 'madoguchi' | 'stock' | 'hive' | 'hive-rust';
  env?: Record<string, string>;
  /** The checkout whose gateway runs (default: this one). */
  root?: string;
  /** Shown in its own section, not in the comparison. */
  separate?: boolean;
  url?: string;
  child?: ChildProcess;
  failure?: string;
}

async function startContender(c: Contender, supergraphFile: string, hiveBin: string | null): Promise<void> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...SECRETS,
    NODE_ENV: 'production',
    PORT: String(port),
    BENCH_SUPERGRAPH: supergraphFile,
    LOG_LEVEL: 'warn',
    // The deep benchmark query costs 24,420 by Madoguchi's estimate, over the 20,000 an anonymous
    // caller may spend by default: the limit is raised so that it runs, as it does on the others
    // (which have no cost limit). Every other limit stays at its default.
    ...(c.kind === 'madoguchi' ? { MADOGUCHI_MAX_COST: '100000' } : {}),
    ...c.env,
  };
  if (c.kind === 'hive' || c.kind === 'hive-rust') {
    if (!hiveBin) throw new Error('not installed');
    // One process, as the others (Hive's default, stated so that a changed default shows); the
    // Rust contender plans and executes with Hive Router's runtime.
    const { child } = await spawnReady(
      hiveBin,
      [
        'supergraph',
        supergraphFile,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--fork',
        '1',
        ...(c.kind === 'hive-rust' ? ['--hive-router-runtime'] : []),
      ],
      env,
      null,
      60_000,
      HIVE_DIR,
    );
    c.child = child;
    let exited: string | null = null;
    child.once('exit', (code) => (exited = `exited with code ${code}`));
    c.url = `http://127.0.0.1:${port}/graphql`;
    await waitForGraphQL(c.url, 60_000).catch((e: Error) => {
      throw new Error(exited ?? e.message);
    });
    return;
  } else {
    const profiling = PROFILE && c.kind === 'madoguchi' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir(c)}`] : [];
    const root = c.root ?? join(__dirname, '..');
    const { child } = await spawnReady(
      process.execPath,
      [...profiling, '--import', 'tsx', join(root, 'bench', 'gateway-contender.ts'), c.kind],
      env,
      /^READY/,
      60_000,
      root,
    );
    c.child = child;
  }
  c.url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(c.url);
}

let profileRoot = '';
const profileDir = (c: Contender) => join(profileRoot, c.id);

function versionOf(packageJson: string): string {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return '';
  }
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

function pad(s: string, width: number, right = false): string {
  const w = [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  return right ? ' '.repeat(Math.max(0, width - w)) + s : s + ' '.repeat(Math.max(0, width - w));
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'madoguchi-bench-gateway-'));
  profileRoot = join(scratch, 'profiles');
  console.log(
    `bench:gateway — ${cpus().length} cores, Node ${process.version}; ${DURATION} s per contender and scenario in ${ROUNDS} rounds, ${CONNECTIONS} connections, ${WARMUP} s warm-up`,
  );

  console.log('starting the subgraphs (syncing the demo agencies) …');
  const subgraphEnv = { ...process.env, ...SECRETS, NODE_ENV: 'production' };
  const { line } = await spawnReady(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'gateway-subgraphs', 'serve.ts')],
    subgraphEnv,
    /^READY /,
    180_000,
  );
  const { urls, stats } = JSON.parse(line.slice('READY '.length)) as { urls: Record<string, string>; stats: string };
  // Loopback by address: no resolver in the way, and no IPv6 attempt first.
  for (const name of Object.keys(urls)) urls[name] = urls[name].replace('//localhost:', '//127.0.0.1:');

  const composed = composeServices([
    ...SUBGRAPHS.map((m) => ({ name: m.name, typeDefs: m.typeDefs, url: urls[m.name] })),
    ...BENCH_SUBGRAPHS.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: urls[s.name] })),
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const supergraphFile = join(scratch, 'supergraph.graphql');
  writeFileSync(supergraphFile, composed.supergraphSdl);

  // A live source for aL: the demo equipment subgraph, declared in an agency file of its own.
  const equipment = await startEquipmentService();
  const liveAgencies = join(scratch, 'agencies');
  mkdirSync(liveAgencies);
  writeFileSync(
    join(liveAgencies, 'hyogo-itc.yaml'),
    `id: hyogo-itc\nname: 兵庫県立工業技術センター\nsources:\n  - id: equipment\n    kind: graphql-subgraph\n    url: ${equipment.url}\n`,
  );
  const all: Contender[] = [
    {
      id: 'a',
      label: 'a  Madoguchi, dedup on',
      kind: 'madoguchi',
      env: { MADOGUCHI_SUBGRAPH_DEDUP: 'true', MADOGUCHI_RESPONSE_CACHE: 'false' },
    },
    ...(BASELINE
      ? [
          {
            id: 'a@',
            label: `a@ as a, at ${BASELINE.split(/[\\/]/).pop()}`,
            kind: 'madoguchi' as const,
            root: BASELINE,
            env: { MADOGUCHI_SUBGRAPH_DEDUP: 'true', MADOGUCHI_RESPONSE_CACHE: 'false' },
          },
        ]
      : []),
    {
      id: 'aL',
      label: 'aL Madoguchi, dedup on, live source',
      kind: 'madoguchi',
      env: { MADOGUCHI_SUBGRAPH_DEDUP: 'true', MADOGUCHI_RESPONSE_CACHE: 'false', BENCH_LIVE_AGENCIES: liveAgencies },
    },
    {
      id: 'a0',
      label: 'a0 Madoguchi, dedup off',
      kind: 'madoguchi',
      env: { MADOGUCHI_SUBGRAPH_DEDUP: 'false', MADOGUCHI_RESPONSE_CACHE: 'false' },
    },
    { id: 'b', label: 'b  @apollo/gateway, stock', kind: 'stock' },
    { id: 'c', label: 'c  Hive Gateway', kind: 'hive' },
    { id: 'r', label: 'r  Hive Gateway + router-runtime', kind: 'hive-rust' },
    {
      id: 'a+',
      label: 'a+ Madoguchi, response cache on',
      kind: 'madoguchi',
      env: { MADOGUCHI_SUBGRAPH_DEDUP: 'true', MADOGUCHI_RESPONSE_CACHE: 'true' },
      separate: true,
    },
  ];
  const contenders = all.filter((c) => !PICKED || c.kind === 'stock' || PICKED.includes(c.id));

  let hiveBin: string | null = null;
  const hives = contenders.filter((c) => c.kind === 'hive' || c.kind === 'hive-rust');
  if (process.env.BENCH_HIVE === 'false') for (const h of hives) h.failure = 'left out (BENCH_HIVE=false)';
  else {
    try {
      hiveBin = installHive();
      const version = (pkg: string) => versionOf(join(HIVE_DIR, 'node_modules', '@graphql-hive', pkg, 'package.json'));
      for (const h of hives) h.label += ` ${version(h.kind === 'hive' ? 'gateway' : 'router-runtime')}`;
    } catch (e) {
      for (const h of hives) h.failure = (e as Error).message;
    }
  }
  contenders.find((c) => c.id === 'b')!.label += ` ${versionOf(require.resolve('@apollo/gateway/package.json'))}`;
  for (const c of contenders) {
    if (c.failure) continue;
    try {
      await startContender(c, supergraphFile, hiveBin);
      console.log(`  ${c.label.padEnd(34)} ${c.url}`);
    } catch (e) {
      c.failure = `could not run: ${(e as Error).message}`;
      if (c.kind !== 'hive' && c.kind !== 'hive-rust') throw new Error(`${c.label}: ${c.failure}`);
    }
  }
  const running = contenders.filter((c) => !c.failure);
  const measured = running.filter((c) => !PICKED || PICKED.includes(c.id));

  const results = new Map<string, Measurement>();
  const verdicts = new Map<string, Record<string, string>>();
  const scenarios = SCENARIOS.filter((sc) => !ONLY || sc.name.includes(ONLY));
  for (const scenario of scenarios) {
    console.log(`scenario: ${scenario.name}`);
    verdicts.set(scenario.name, await compareAnswers(running, scenario));
    for (const c of measured) {
      await load(c.url!, CONNECTIONS, scenario, WARMUP, false);
      await quiesce(stats);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of measured) {
        await subgraphCounts(stats, true);
        const m = await load(c.url!, CONNECTIONS, scenario, DURATION / ROUNDS, true);
        const calls = await subgraphCounts(stats);
        await quiesce(stats);
        const key = `${scenario.name}|${c.id}`;
        const acc = results.get(key) ?? {
          requests: 0,
          seconds: 0,
          latencies: [],
          graphqlErrors: 0,
          non2xx: 0,
          socketErrors: 0,
          subgraphCalls: 0,
        };
        acc.requests += m.requests;
        acc.seconds += m.seconds;
        for (const l of m.latencies) acc.latencies.push(l);
        acc.graphqlErrors += m.graphqlErrors;
        acc.non2xx += m.non2xx;
        acc.socketErrors += m.socketErrors;
        acc.subgraphCalls += calls;
        results.set(key, acc);
        process.stdout.write(`  round ${round + 1} ${c.id.padEnd(3)} ${fmt(m.requests / m.seconds)} req/s\n`);
      }
    }
  }

  // One table.
  const header = [
    'scenario',
    'contender',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'subgraph req/req',
    'answers',
    '÷ b',
    '÷ c',
    '÷ r',
  ];
  const widths = [24, 40, 8, 8, 8, 8, 8, 17, 16, 7, 7, 7];
  const rows: string[][] = [];
  const rate = (scenario: string, id: string) => {
    const m = results.get(`${scenario}|${id}`);
    return m ? m.requests / m.seconds : NaN;
  };
  for (const section of [false, true]) {
    for (const scenario of scenarios) {
      for (const c of contenders.filter((x) => !!x.separate === section)) {
        const m = results.get(`${scenario.name}|${c.id}`);
        if (!m) {
          rows.push([
            scenario.name,
            c.label,
            '–',
            '–',
            '–',
            '–',
            '–',
            '–',
            c.failure ? `not run: ${c.failure}`.slice(0, 200) : '–',
            '',
            '',
            '',
          ]);
          continue;
        }
        const sorted = m.latencies.sort((x, y) => x - y);
        const r = m.requests / m.seconds;
        const vsB = c.id === 'b' ? '' : fmt(r / rate(scenario.name, 'b'), 2);
        const vsC = c.id === 'c' ? '' : fmt(r / rate(scenario.name, 'c'), 2);
        const vsR = c.id === 'r' ? '' : fmt(r / rate(scenario.name, 'r'), 2);
        rows.push([
          scenario.name,
          c.label,
          fmt(r),
          fmt(percentile(sorted, 50), 1),
          fmt(percentile(sorted, 99), 1),
          String(m.graphqlErrors + m.socketErrors),
          String(m.non2xx),
          fmt(m.subgraphCalls / Math.max(1, m.requests), 2),
          verdicts.get(scenario.name)?.[c.id] ?? '',
          vsB,
          vsC,
          vsR,
        ]);
      }
    }
    if (!section) rows.push(widths.map((w) => '-'.repeat(w)));
  }
  const line2 = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i], i >= 2 && i <= 7)).join(' ');
  console.log('');
  console.log(line2(header));
  console.log(widths.map((w) => '='.repeat(w)).join(' '));
  for (const r of rows) console.log(line2(r));
  console.log('');
  console.log(
    "÷ b, ÷ c, ÷ r: req/s relative to stock Apollo (b), Hive Gateway (c) and Hive Gateway on Hive Router's Rust planner and executor (r) in the same scenario. errors: GraphQL errors in bodies plus socket errors and timeouts.",
  );
  console.log(
    'Rows below the line: Madoguchi with its response cache on (anonymous public queries served from memory for 10 s), not part of the comparison.',
  );
  for (const scenario of scenarios) {
    const a = results.get(`${scenario.name}|a`);
    const b = results.get(`${scenario.name}|b`);
    if (!a || !b) continue;
    const p99 = (m: Measurement) => percentile(m.latencies, 99);
    const goals = [
      `a/b ${fmt(rate(scenario.name, 'a') / rate(scenario.name, 'b'), 2)} (goal ≥ 2.0), p99 ${fmt(p99(a), 1)} vs ${fmt(p99(b), 1)} ms`,
    ];
    if (results.has(`${scenario.name}|c`))
      goals.push(`a/c ${fmt(rate(scenario.name, 'a') / rate(scenario.name, 'c'), 2)} (goal ≥ 1.0)`);
    const r = results.get(`${scenario.name}|r`);
    if (r)
      goals.push(
        `a/r ${fmt(rate(scenario.name, 'a') / rate(scenario.name, 'r'), 2)} (goal ≥ 1.2 at ≤ its p99), p99 ${fmt(p99(a), 1)} vs ${fmt(p99(r), 1)} ms`,
      );
    if (results.has(`${scenario.name}|a@`))
      goals.push(
        `a/a@ ${fmt(rate(scenario.name, 'a') / rate(scenario.name, 'a@'), 2)}, p99 ${fmt(p99(a), 1)} vs ${fmt(p99(results.get(`${scenario.name}|a@`)!), 1)} ms (this checkout against BENCH_BASELINE)`,
      );
    if (results.has(`${scenario.name}|aL`))
      goals.push(
        `aL/a ${fmt(rate(scenario.name, 'aL') / rate(scenario.name, 'a'), 2)} (a live source declared: goal 1.0 within noise)`,
      );
    console.log(`  ${scenario.name}: ${goals.join('; ')}`);
  }
  stopChildren();
  if (PROFILE) {
    // The contenders write their profiles as they exit.
    await Promise.all(
      running
        .filter((c) => c.child)
        .map((c) => new Promise((r) => (c.child!.exitCode === null ? c.child!.once('exit', r) : r(null)))),
    );
    const profiled = running.filter((c) => c.kind === 'madoguchi' && existsSync(profileDir(c)));
    const requests = (c: Contender) =>
      scenarios.reduce((n, sc) => n + (results.get(`${sc.name}|${c.id}`)?.requests ?? 0), 0);
    console.log(
      `\nWhere the time went (CPU profiles of the whole run, ${scenarios.map((sc) => sc.name).join(', ')}; per request: over the measured requests):\n`,
    );
    console.log(
      stageTable(
        profiled.map((c) => ({
          label: c.id,
          file: join(profileDir(c), readdirSync(profileDir(c))[0]),
          requests: requests(c),
        })),
      ),
    );
  }
  // BENCH_PROFILE_DIR keeps the profiles (for a flame graph in Chrome's DevTools).
  if (PROFILE && process.env.BENCH_PROFILE_DIR) cpSync(profileRoot, process.env.BENCH_PROFILE_DIR, { recursive: true });
  await equipment.close();
  rmSync(scratch, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
