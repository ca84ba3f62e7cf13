/**
 * `npm run bench:soak`: a steady load for BENCH_SOAK_MINUTES (default 30) on two set-ups side by
 * side, in the same run: the embedded default (`npm start` on PGlite, one process) and the
 * scaled-out one on PostgreSQL 15 (2 gateways, 2 replicas of each subgraph), both with their
 * shipped settings (response cache on). Each gets BENCH_SOAK_RATE requests a second (default 5)
 * at a fixed pace, whatever their answers' speed (an open loop), drawn from a varied mix: one-stop
 * searches with changing words and page sizes, the directory, staff of every agency reading their
 * consultations, analysts' statistics over changing groupings and date ranges (uncovered ones
 * too), so caches fill and turn over as they would.
 *
 * Before the clock starts, each set-up gets 30 s of unmeasured requests from two clients, and the
 * freshly loaded PostgreSQL a VACUUM ANALYZE. Every minute it notes each set-up's requests, errors, p50 and p99, and memory: the `npm start`
 * process's RSS (gateway thread and store thread together), the sum of the scaled-out node
 * processes' RSS and the PostgreSQL server's proportional set size. It prints them as a table,
 * draws them as a PNG chart (BENCH_SOAK_CHART, default in the temp dir) and says whether the goal
 * was met: memory growth under 5 % from the end of the warm-up (BENCH_SOAK_WARMUP_MINUTES,
 * default a fifth of the soak, at most 5) to the last minute, and 0 errors. It also reports the embedded default's RSS right
 * after start, once its first sync is in, after the warm-up and after the soak.
 *
 * Beside the steady mix, each set-up has a team of analysts (BENCH_SOAK_ANALYSTS, default 4)
 * querying all along, each a closed loop with BENCH_SOAK_THINK_MS (default 500) between an answer
 * and its next query; the second goal is theirs: 0 errors, and the steady mix's anonymous
 * searches answered within 300 ms at the 99th percentile meanwhile.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { mulberry32 } from '../demo/consultations';
import { openStore } from '../store/store';
import { lastDayOf } from '../store/stats';
import {
  AGENCIES_WITH_LOGS,
  benchToken,
  loadAverage,
  rssBytes,
  startBenchPostgres,
  startEmbeddedStack,
  startScaledOutStack,
  treePssBytes,
  type Stack,
} from './stacks';
import { writeLineChartsPng } from './chart';
import { markdownTable, percentile, runBench } from './report';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 5);
const WARMUP_MINUTES = Number(
  process.env.BENCH_SOAK_WARMUP_MINUTES ?? Math.max(1, Math.min(5, Math.round(MINUTES / 5))),
);
const CHART =
  process.env.BENCH_SOAK_CHART ??
  join(tmpdir(), `madoguchi-soak-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
const GOAL_GROWTH = 0.05;
/** Requests allowed in flight per set-up; past it a tick is counted as an error, not queued. */
const MAX_IN_FLIGHT = 64;
const TIMEOUT_MS = 30_000;
const SAMPLE_MS = 5_000;
const WARMUP_SECONDS = 30;
const MiB = 1024 * 1024;

/** Analysts querying all along beside the steady mix (the analysts' team), and their pause between queries. */
const ANALYSTS = Number(process.env.BENCH_SOAK_ANALYSTS ?? 4);
const THINK_MS = Number(process.env.BENCH_SOAK_THINK_MS ?? 500);
/** Goal: anonymous searches' p99 while the analysts query. */
const GOAL_SEARCH_P99_MS = 300;

/** The share of the mix that is analysts' statistics. */
const STATS_SHARE = 0.2;

interface Request {
  body: string;
  token?: string;
  /** Anonymous one-stop searches are timed apart: the goal is theirs. */
  kind?: 'search';
}

/** The mix, deterministic from a seed: what a morning of users of both kinds might send. */
async function createMix(seed: number): Promise<() => Request> {
  const rng = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const staff = await Promise.all(AGENCIES_WITH_LOGS.map((agency) => benchToken({ role: 'staff', agency })));
  // A team of analysts, as the network has: each may ask 300 distinct tables a day (issue 14's
  // bound against differencing), so one analyst sending every statistics request of a long soak
  // would be refused, as the product should. Enough of them that none nears the bound.
  const statsRequests = MINUTES * 60 * RATE * STATS_SHARE;
  const analysts = await Promise.all(
    Array.from({ length: Math.max(5, Math.ceil(statsRequests / 200)) }, (_, i) =>
      benchToken({ role: 'analyst', sub: `bench-analyst-${i + 1}` }),
    ),
  );
  const terms = [
    '創業',
    '融資',
    '販路開拓',
    '展示会',
    '事業承継',
    'IT',
    'DX',
    '補助金',
    '設備',
    '人材',
    '海外',
    '知的財産',
    '試験',
    'セミナー',
    '資金繰り',
    'スタートアップ',
    '専門家',
    '省エネ',
  ];
  // The last grouping is kept by no rollup: it is counted from the records every time.
  const groupings = [
    ['ORGANIZATION'],
    ['ORGANIZATION', 'MONTH'],
    ['TOPIC', 'MONTH'],
    ['MUNICIPALITY', 'INDUSTRY'],
    ['INDUSTRY', 'CHANNEL'],
    ['TOPIC', 'CHANNEL', 'INDUSTRY'],
  ];
  const months = [
    '2025-04',
    '2025-05',
    '2025-06',
    '2025-07',
    '2025-08',
    '2025-09',
    '2025-10',
    '2025-11',
    '2025-12',
    '2026-01',
    '2026-02',
    '2026-03',
  ];
  const SEARCH =
    'query($text: String, $first: Int) { search(text: $text, first: $first) { totalCount edges { node { id title provider { name } } } } }';
  const DIRECTORY = '{ organizations { id name programs { id title } } }';
  const MINE =
    'query($first: Int) { consultations(first: $first) { totalCount edges { node { id receivedAt topics summary } } } }';
  const STATS =
    'query($groupBy: [StatsDimension!]!, $filter: StatsFilter) { consultationStats(groupBy: $groupBy, filter: $filter) { total cells { keys { value } count suppressed } } }';
  const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
  return () => {
    const r = rng();
    if (r < 0.4) {
      const text = rng() < 0.5 ? pick(terms) : `${pick(terms)} ${pick(terms)}`;
      return { body: body(SEARCH, { text, first: pick([5, 10, 20]) }), kind: 'search' };
    }
    if (r < 0.55) return { body: body(DIRECTORY) };
    if (r < 1 - STATS_SHARE) return { body: body(MINE, { first: pick([10, 20, 50]) }), token: pick(staff) };
    const from = Math.floor(rng() * months.length);
    const to = Math.min(months.length - 1, from + Math.floor(rng() * 6));
    // Analysts count whole months (a range ending mid-month is refused as BAD_USER_INPUT, a
    // defence against differencing): from the first day of one month to the last day of another.
    const filter = rng() < 0.5 ? { from: `${months[from]}-01`, to: lastDayOf(months[to]) } : null;
    return { body: body(STATS, { groupBy: pick(groupings), filter }), token: pick(analysts) };
  };
}

interface Minute {
  requests: number;
  errors: number;
  latencies: number[];
  /** Anonymous searches of the steady mix. */
  searches: number[];
  /** The team of analysts' own requests (closed loops beside the steady mix). */
  analystRequests: number;
  analystErrors: number;
  /** Refused for the analyst's disclosure budget (RATE_LIMITED): the privacy bound, not a failure. */
  analystBudgetRefusals: number;
  analystLatencies: number[];
  rss: number[];
  postgres: number[];
}

interface Soaked {
  stack: Stack;
  postgresPid?: number;
  minutes: Minute[];
  firstError?: string;
}

/** Sends one request every 1000/RATE ms to the set-up, round robin over its gateways. */
function steadyLoad(
  soaked: Soaked,
  next: () => Request,
  dispatcher: Agent,
  minuteOf: () => number,
  until: number,
): Promise<void> {
  let inFlight = 0;
  let sent = 0;
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  const fail = (m: Minute, why: string) => {
    m.errors += 1;
    soaked.firstError ??= why;
  };
  return new Promise((done) => {
    const tick = () => {
      const now = performance.now();
      if (now >= until) {
        clearInterval(timer);
        void Promise.all(pending).then(() => done());
        return;
      }
      // Catch up on ticks a busy event loop delayed, so the pace holds on average.
      while (sent < ((now - started) / 1000) * RATE) {
        const request = next();
        const m = soaked.minutes[minuteOf()];
        const url = soaked.stack.urls[sent % soaked.stack.urls.length];
        sent += 1;
        m.requests += 1;
        if (inFlight >= MAX_IN_FLIGHT) {
          fail(m, `more than ${MAX_IN_FLIGHT} requests in flight`);
          continue;
        }
        inFlight += 1;
        const t = performance.now();
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (request.token) headers.authorization = `Bearer ${request.token}`;
        const p = fetch(url, {
          method: 'POST',
          headers,
          body: request.body,
          dispatcher,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        })
          .then(async (res) => {
            const json = (await res.json()) as { errors?: unknown[] };
            if (res.status !== 200 || json.errors)
              fail(m, `${res.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
          })
          .catch((e: unknown) => fail(m, String(e)))
          .finally(() => {
            inFlight -= 1;
            m.latencies.push(performance.now() - t);
            if (request.kind === 'search') m.searches.push(performance.now() - t);
            pending.delete(p);
          });
        pending.add(p);
      }
    };
    const timer = setInterval(tick, Math.max(5, Math.floor(1000 / RATE / 2)));
  });
}

/**
 * The analysts' team: ANALYSTS analysts, each a closed loop (the next query when the last one
 * answered, after THINK_MS), asking statistics over changing groupings — uncovered ones too —
 * and whole-month ranges. Each draws from a dashboard of its own of 250 distinct tables. An
 * analyst may be shown 50,000 cells a day (a table asked again is free), and some of these tables
 * hold thousands: once refused for that budget (RATE_LIMITED, counted apart, not as an error), an
 * analyst asks again only the tables it was already shown, as an analyst at the bound would.
 */
async function analystsTeam(soaked: Soaked, seed: number, minuteOf: () => number, until: number): Promise<void> {
  const STATS =
    'query($groupBy: [StatsDimension!]!, $filter: StatsFilter) { consultationStats(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { keys { value } count suppressed } } }';
  const groupings = [
    ['ORGANIZATION', 'MONTH'],
    ['TOPIC', 'MONTH'],
    ['MUNICIPALITY', 'INDUSTRY'],
    ['MONTH', 'MUNICIPALITY', 'INDUSTRY'],
    ['TOPIC', 'CHANNEL', 'INDUSTRY'],
    ['ORGANIZATION', 'TOPIC', 'MONTH'],
  ];
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 3 + i, 1)).toISOString().slice(0, 7));
  await Promise.all(
    Array.from({ length: ANALYSTS }, async (_, a) => {
      const rng = mulberry32(seed + a);
      const token = await benchToken({ role: 'analyst', sub: `bench-team-analyst-${a + 1}` });
      const dashboard = Array.from({ length: 250 }, () => {
        const groupBy = groupings[Math.floor(rng() * groupings.length)];
        if (rng() < 0.3) return JSON.stringify({ query: STATS, variables: { groupBy, filter: null } });
        const from = Math.floor(rng() * months.length);
        const to = Math.min(months.length - 1, from + Math.floor(rng() * 6));
        return JSON.stringify({
          query: STATS,
          variables: { groupBy, filter: { from: `${months[from]}-01`, to: lastDayOf(months[to]) } },
        });
      });
      const shown: number[] = [];
      let spent = false;
      for (let i = 0; performance.now() < until; i++) {
        const m = soaked.minutes[minuteOf()];
        m.analystRequests += 1;
        const t = performance.now();
        const pickFrom = spent && shown.length ? shown : null;
        const which = pickFrom ? pickFrom[Math.floor(rng() * pickFrom.length)] : Math.floor(rng() * dashboard.length);
        try {
          const res = await fetch(soaked.stack.urls[i % soaked.stack.urls.length], {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: dashboard[which],
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          const json = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
          if (res.status === 200 && json.errors?.length === 1 && json.errors[0].extensions?.code === 'RATE_LIMITED') {
            m.analystBudgetRefusals += 1;
            spent = true;
          } else if (res.status !== 200 || json.errors) {
            m.analystErrors += 1;
            soaked.firstError ??= `analyst: ${res.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`;
          } else if (!shown.includes(which)) shown.push(which);
        } catch (e) {
          m.analystErrors += 1;
          soaked.firstError ??= `analyst: ${String(e)}`;
        }
        m.analystLatencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, THINK_MS));
      }
    }),
  );
}

/** A closed loop of two clients per set-up, not counted: plans, pools and JIT warm before the clock starts. */
async function warmUp(stack: Stack, next: () => Request, seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = 0; performance.now() < end; i++) {
        const request = next();
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (request.token) headers.authorization = `Bearer ${request.token}`;
        await fetch(stack.urls[i % stack.urls.length], { method: 'POST', headers, body: request.body }).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        );
      }
    }),
  );
}

function memory(soaked: Soaked): { rss: number; postgres: number } {
  return {
    rss: soaked.stack.processes.reduce((n, c) => n + rssBytes(c.process.pid!), 0),
    postgres: soaked.postgresPid ? treePssBytes(soaked.postgresPid) : 0,
  };
}

const mib = (bytes: number) => (bytes / MiB).toFixed(0);
const median = (xs: number[]) => (xs.length ? percentile(xs, 50) : NaN);

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const { server, databaseUrl } = await startBenchPostgres();
  const stacks: Stack[] = [];
  try {
    const embeddedRssAtReady: number[] = [];
    const embedded = await startEmbeddedStack('npm start, PGlite', {
      onReady: (pid) => embeddedRssAtReady.push(rssBytes(pid)),
    });
    stacks.push(embedded);
    const embeddedAfterSync = rssBytes(embedded.processes[0].process.pid!);
    // `npm start` on PostgreSQL syncs the demo agencies into it, as one would before scaling out;
    // it stops once they are in, and the scaled-out processes serve what it wrote.
    const loader = await startEmbeddedStack('loader', { databaseUrl });
    await loader.close();
    // What an operator runs after a bulk load; else autovacuum would land in the middle of the soak.
    const admin = await openStore({ databaseUrl });
    await admin.query('vacuum analyze');
    await admin.close();
    const scaled = await startScaledOutStack('2 gateways + 2×3 replicas, PostgreSQL', databaseUrl);
    stacks.push(scaled);

    const soaks: Soaked[] = [
      { stack: embedded, minutes: [] },
      { stack: scaled, postgresPid: server.pid() ?? undefined, minutes: [] },
    ];
    for (const s of soaks)
      for (let i = 0; i < MINUTES; i++)
        s.minutes.push({
          requests: 0,
          errors: 0,
          latencies: [],
          searches: [],
          analystRequests: 0,
          analystErrors: 0,
          analystBudgetRefusals: 0,
          analystLatencies: [],
          rss: [],
          postgres: [],
        });
    console.log(
      `Soak: ${MINUTES} min at ${RATE} req/s on each set-up (warm-up ${WARMUP_MINUTES} min); chart → ${CHART}\n` +
        `npm start on PGlite: RSS ${mib(embeddedRssAtReady[0] ?? 0)} MiB when ready, ${mib(embeddedAfterSync)} MiB once its first sync was in`,
    );

    await Promise.all(soaks.map(async (s, k) => warmUp(s.stack, await createMix(99 + k), WARMUP_SECONDS)));
    const started = performance.now();
    const until = started + MINUTES * 60_000;
    const minuteOf = () => Math.min(MINUTES - 1, Math.floor((performance.now() - started) / 60_000));
    const sampler = setInterval(() => {
      const i = minuteOf();
      for (const s of soaks) {
        const { rss, postgres } = memory(s);
        s.minutes[i].rss.push(rss);
        s.minutes[i].postgres.push(postgres);
      }
    }, SAMPLE_MS);
    let reported = 0;
    const reporter = setInterval(() => {
      const i = reported++;
      if (i >= MINUTES - 1) return;
      console.log(
        `  minute ${i + 1}: ` +
          soaks
            .map(
              (s) =>
                `${s.stack.name}: ${s.minutes[i].requests} req, ${s.minutes[i].errors} errors, p99 ${percentile(s.minutes[i].latencies, 99)?.toFixed(0)} ms, search p99 ${percentile(s.minutes[i].searches, 99)?.toFixed(0)} ms, analysts ${s.minutes[i].analystRequests} req ${s.minutes[i].analystErrors} errors, RSS ${mib(median(s.minutes[i].rss))} MiB`,
            )
            .join('; '),
      );
    }, 60_000);
    await Promise.all(
      soaks.flatMap((s, k) => [
        (async () => {
          const dispatcher = new Agent({ connections: MAX_IN_FLIGHT });
          await steadyLoad(s, await createMix(17 + k), dispatcher, minuteOf, until);
          await dispatcher.close();
        })(),
        analystsTeam(s, 1_000 + k * 10, minuteOf, until),
      ]),
    );
    clearInterval(sampler);
    clearInterval(reporter);
    // The last minute's samples may be cut short by the end; take one more of each.
    for (const s of soaks) {
      const { rss, postgres } = memory(s);
      s.minutes[MINUTES - 1].rss.push(rss);
      s.minutes[MINUTES - 1].postgres.push(postgres);
    }
    const embeddedAfterSoak = rssBytes(embedded.processes[0].process.pid!);

    const cols = (s: Soaked, m: Minute) => {
      const row = [
        String(m.requests),
        String(m.errors),
        m.latencies.length ? percentile(m.latencies, 50).toFixed(0) : '–',
        m.latencies.length ? percentile(m.latencies, 99).toFixed(0) : '–',
        mib(median(m.rss)),
      ];
      return s.postgresPid ? [...row, mib(median(m.postgres))] : row;
    };
    const header = [
      'minute',
      'PGlite req',
      'errors',
      'p50 ms',
      'p99 ms',
      'RSS MiB',
      'scaled-out req',
      'errors',
      'p50 ms',
      'p99 ms',
      'node RSS MiB',
      'PostgreSQL MiB',
    ];
    const rows = Array.from({ length: MINUTES }, (_, i) => [
      String(i + 1),
      ...cols(soaks[0], soaks[0].minutes[i]),
      ...cols(soaks[1], soaks[1].minutes[i]),
    ]);
    console.log(
      `\nLoad average ${loadBefore} before, ${loadAverage()} after (2 cores shared with others' work). Memory: median of the minute's samples (every ${SAMPLE_MS / 1000} s).\n`,
    );
    console.log(markdownTable(header, rows));

    const growth = (perMinute: number[]) =>
      (perMinute[perMinute.length - 1] - perMinute[WARMUP_MINUTES - 1]) / perMinute[WARMUP_MINUTES - 1];
    const summary = soaks.flatMap((s) => {
      const all = s.minutes.flatMap((m) => m.latencies);
      const errors = s.minutes.reduce((n, m) => n + m.errors, 0);
      const rss = s.minutes.map((m) => median(m.rss));
      const lines = [
        [
          s.stack.name,
          'node RSS',
          mib(rss[WARMUP_MINUTES - 1]),
          mib(rss[rss.length - 1]),
          `${(growth(rss) * 100).toFixed(1)} %`,
          String(errors),
          percentile(all, 99).toFixed(0),
        ],
      ];
      if (s.postgresPid) {
        const pg = s.minutes.map((m) => median(m.postgres));
        lines.push([
          '',
          'PostgreSQL Pss',
          mib(pg[WARMUP_MINUTES - 1]),
          mib(pg[pg.length - 1]),
          `${(growth(pg) * 100).toFixed(1)} %`,
          '',
          '',
        ]);
      }
      return lines;
    });
    console.log(
      `\n${markdownTable(['set-up', 'memory', `MiB after warm-up (min ${WARMUP_MINUTES})`, 'MiB at the end', 'growth', 'errors', 'p99 ms overall'], summary)}`,
    );
    console.log(
      `\nnpm start on PGlite, RSS: ${mib(embeddedRssAtReady[0] ?? 0)} MiB when ready, ${mib(embeddedAfterSync)} MiB after its first sync, ` +
        `${mib(median(soaks[0].minutes[WARMUP_MINUTES - 1].rss))} MiB after the warm-up, ${mib(embeddedAfterSoak)} MiB after the soak.`,
    );
    const team = soaks.map((s) => {
      const searches = s.minutes.flatMap((m) => m.searches);
      const analysts = s.minutes.flatMap((m) => m.analystLatencies);
      return [
        s.stack.name,
        String(searches.length),
        searches.length ? percentile(searches, 50).toFixed(0) : '–',
        searches.length ? percentile(searches, 99).toFixed(0) : '–',
        String(s.minutes.reduce((n, m) => n + m.analystRequests, 0)),
        String(s.minutes.reduce((n, m) => n + m.analystErrors, 0)),
        String(s.minutes.reduce((n, m) => n + m.analystBudgetRefusals, 0)),
        analysts.length ? percentile(analysts, 50).toFixed(0) : '–',
        analysts.length ? percentile(analysts, 99).toFixed(0) : '–',
      ];
    });
    console.log(
      `\nThe analysts' team: ${ANALYSTS} analysts querying all along (${THINK_MS} ms between answer and next query), beside the steady mix; anonymous searches of the mix meanwhile:\n`,
    );
    console.log(
      markdownTable(
        [
          'set-up',
          'searches',
          'search p50 ms',
          'search p99 ms',
          'analyst queries',
          'analyst errors',
          'budget refusals',
          'analyst p50 ms',
          'analyst p99 ms',
        ],
        team,
      ),
    );
    for (const s of soaks) {
      const searches = s.minutes.flatMap((m) => m.searches);
      const errors = s.minutes.reduce((n, m) => n + m.errors + m.analystErrors, 0);
      const p99 = searches.length ? percentile(searches, 99) : NaN;
      console.log(
        `${s.stack.name}: goal (0 errors, anonymous search p99 ≤ ${GOAL_SEARCH_P99_MS} ms while ${ANALYSTS} analysts query) ${errors === 0 && p99 <= GOAL_SEARCH_P99_MS ? 'met' : 'NOT met'} (${errors} errors, search p99 ${p99.toFixed(0)} ms)`,
      );
    }
    for (const s of soaks) {
      const errors = s.minutes.reduce((n, m) => n + m.errors, 0);
      const g = growth(s.minutes.map((m) => median(m.rss)));
      const met = errors === 0 && g < GOAL_GROWTH;
      console.log(
        `${s.stack.name}: goal (growth < ${GOAL_GROWTH * 100} % after warm-up, 0 errors) ${met ? 'met' : 'NOT met'}${s.firstError ? `; first error: ${s.firstError}` : ''}`,
      );
    }

    const xs = Array.from({ length: MINUTES }, (_, i) => String(i + 1));
    await writeLineChartsPng(CHART, 'minute', xs, [
      {
        title: `Memory under a steady ${RATE} req/s per set-up`,
        yLabel: 'MiB',
        series: [
          { label: 'npm start, PGlite: process RSS', values: soaks[0].minutes.map((m) => median(m.rss) / MiB) },
          { label: 'scaled-out: 8 node processes, RSS', values: soaks[1].minutes.map((m) => median(m.rss) / MiB) },
          {
            label: 'scaled-out: PostgreSQL server, Pss',
            values: soaks[1].minutes.map((m) => median(m.postgres) / MiB),
          },
        ],
      },
      {
        title: 'Latency per minute',
        yLabel: 'p99 ms',
        series: soaks.map((s) => ({
          label: `${s.stack.name}: p99`,
          values: s.minutes.map((m) => (m.latencies.length ? percentile(m.latencies, 99) : null)),
        })),
      },
    ]);
    console.log(`\nChart written to ${CHART}`);
  } finally {
    for (const stack of stacks.reverse()) await stack.close();
    await server.close();
  }
}

runBench(main);
