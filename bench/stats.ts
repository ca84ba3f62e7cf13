/**
 * `npm run bench:stats`: consultation aggregates at scale, on PGlite and on PostgreSQL 15 in the
 * same run. Writes BENCH_ROWS consultations (default 1,000,000) as the agencies' CSV files with the
 * demo generator and syncs them through the real adapter path (CSV adapter, validation, store,
 * rollups) into an embedded store and into a PostgreSQL of the bench's own (Debian's binaries, on
 * loopback). Then, for typical analyst queries, covered by a rollup or not, it times each store in
 * turn: through the gateway, as bare SQL over the records, and the subgraph's own counting without
 * rollups. A second table shows what one store thread means: four analysts sending an uncovered
 * query at once, and how long a covered query waits meanwhile.
 *
 * BENCH_RUNS (default 30) gateway runs per query, BENCH_DATA_DIR keeps the loaded PGlite store for
 * the next run (the PostgreSQL one is loaded again each run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { writeConsultationFiles } from '../demo/consultations';
import { loadAgencyConfigs, type AgencyConfig } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { openStore, type Store } from '../store/store';
import { startEmbedded, type Embedded } from '../app/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { countConsultations } from '../store/stats';
import type { StatsDimension, StatsFilter } from '../subgraphs/consultations/resolvers.generated';
import { startBenchPostgres, loadAverage } from './stacks';
import { markdownTable, percentile, runBench, timed } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const ANALYSTS = 4;

const time = (fn: () => Promise<unknown>, runs = RUNS) => timed(fn, runs, 3);

const count = async (store: Store) =>
  (await store.query<{ n: number }>('select count(*)::int as n from consultations'))[0].n;

async function load(store: Store, agencies: AgencyConfig[]): Promise<number> {
  const t = performance.now();
  const reports = await syncAll(store, agencies, createAdapterContext());
  const failed = reports.filter((r) => r.outcome === 'failed');
  if (failed.length) throw new Error(`sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  // On disk, as `npm start` runs: the in-memory file system copies a growing table on every resize.
  // BENCH_DATA_DIR keeps the loaded store for the next run, which then skips its load.
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'madoguchi-bench-store-'));
  const pglite = await openStore({ dataDir });
  const { server, databaseUrl } = await startBenchPostgres();
  const apps: Embedded[] = [];
  try {
    const postgres = await openStore({ databaseUrl, postgres: { applicationName: 'madoguchi-bench-load' } });
    const reused = await count(pglite);
    if (reused > 0 && reused !== ROWS)
      throw new Error(
        `BENCH_DATA_DIR holds ${reused} consultations, not BENCH_ROWS=${ROWS}: remove it or change BENCH_ROWS`,
      );
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-stats-'));
    const t0 = performance.now();
    const { total: written } = await writeConsultationFiles(dir, { total: ROWS });
    const generated = (performance.now() - t0) / 1000;
    const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
      ...process.env,
      MADOGUCHI_CONSULTATION_DIR: dir,
    })
      .map((a) => ({ ...a, sources: a.sources.filter((s) => s.entity === 'consultation') }))
      .filter((a) => a.sources.length > 0);
    const loadS = { PGlite: reused ? null : await load(pglite, agencies), PostgreSQL: await load(postgres, agencies) };
    rmSync(dir, { recursive: true, force: true });
    const loaded = { PGlite: await count(pglite), PostgreSQL: await count(postgres) };
    if (loaded.PGlite !== loaded.PostgreSQL)
      throw new Error(`the stores hold different data: ${JSON.stringify(loaded)}`);
    const [{ rollups }] = await pglite.query<{ rollups: number }>(
      'select count(*)::int as rollups from consultation_rollups',
    );
    const loadNote =
      `${loaded.PGlite.toLocaleString()} consultations (${written.toLocaleString()} generated as CSV in ${generated.toFixed(1)} s) synced through the CSV adapter ` +
      `in ${loadS.PGlite === null ? 'an earlier run (BENCH_DATA_DIR)' : `${loadS.PGlite.toFixed(1)} s`} into PGlite and ${loadS.PostgreSQL.toFixed(1)} s into PostgreSQL`;
    // Each embedded start opens its store on its own store thread; every query below (bare SQL
    // included) runs there too, as the gateway's do.
    await pglite.close();
    await postgres.close();
    const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
    const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
    const common = { port: 0, host: '127.0.0.1', sync: 'never' as const, logger, auth: { secret } };
    apps.push(await startEmbedded({ ...common, dataDir }));
    apps.push(await startEmbedded({ ...common, databaseUrl }));
    const storeNames = ['PGlite', 'PostgreSQL'] as const;
    const token = await signDevelopmentToken({ role: 'analyst' }, secret);
    // Analysts count whole months; a range with mid-month edges is a coordinator's question.
    const coordinatorToken = await signDevelopmentToken({ role: 'coordinator' }, secret);
    const month = `to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`;
    const cases: Array<{
      name: string;
      dims: StatsDimension[];
      filter?: StatsFilter;
      sql: string;
      coordinator?: boolean;
    }> = [
      {
        name: 'by agency',
        dims: ['ORGANIZATION'],
        sql: 'select organization_id, count(*) from consultations c group by 1',
      },
      {
        name: 'agency × month',
        dims: ['ORGANIZATION', 'MONTH'],
        sql: `select organization_id, ${month}, count(*) from consultations c group by 1, 2`,
      },
      {
        name: 'topic × month, one quarter',
        dims: ['TOPIC', 'MONTH'],
        filter: { from: '2025-10-01', to: '2025-12-31' },
        sql: `select t, ${month}, count(*) from consultations c cross join lateral unnest(c.topics) t
              where received_at >= '2025-10-01T00:00:00+09:00' and received_at < '2026-01-01T00:00:00+09:00' group by 1, 2`,
      },
      {
        name: 'municipality × industry',
        dims: ['MUNICIPALITY', 'INDUSTRY'],
        sql: 'select municipality_code, industry, count(*) from consultations c group by 1, 2',
      },
      {
        name: 'channel by agency, 3 agencies, 6 months',
        dims: ['ORGANIZATION', 'CHANNEL'],
        filter: {
          from: '2025-04-01',
          to: '2025-09-30',
          organizationIds: ['hyogo-iac', 'toshima-bizsapo', 'hyogo-cgc'],
        },
        sql: `select organization_id, channel, count(*) from consultations c where organization_id = any('{hyogo-iac,toshima-bizsapo,hyogo-cgc}')
              and received_at >= '2025-04-01T00:00:00+09:00' and received_at < '2025-10-01T00:00:00+09:00' group by 1, 2`,
      },
      {
        name: 'municipality × month, 承継 topic',
        dims: ['MUNICIPALITY', 'MONTH'],
        filter: { topics: ['SUCCESSION'] },
        sql: `select municipality_code, ${month}, count(*) from consultations c where topics && '{SUCCESSION}' group by 1, 2`,
      },
      {
        name: 'month × municipality × industry (no rollup)',
        dims: ['MONTH', 'MUNICIPALITY', 'INDUSTRY'],
        sql: `select ${month}, municipality_code, industry, count(*) from consultations c group by 1, 2, 3`,
      },
      {
        name: 'industry × channel, mid-month range (coordinator)',
        dims: ['INDUSTRY', 'CHANNEL'],
        filter: { from: '2025-06-16', to: '2025-11-15' },
        coordinator: true,
        sql: `select industry, channel, count(*) from consultations c
              where received_at >= '2025-06-16T00:00:00+09:00' and received_at < '2025-11-16T00:00:00+09:00' group by 1, 2`,
      },
    ];
    const QUERY = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) { consultationStats(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { keys { value } count suppressed } } }`;
    // A connection per request: the bare SQL peers below hold a thread for seconds at a time, long
    // enough for a server to drop an idle keep-alive socket just as the client reuses it.
    const ask = async (app: Embedded, dims: StatsDimension[], filter?: StatsFilter, coordinator = false) => {
      const dispatcher = new Agent();
      try {
        const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
          dispatcher,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${coordinator ? coordinatorToken : token}`,
          },
          body: JSON.stringify({ query: QUERY, variables: { groupBy: dims, filter: filter ?? null } }),
        });
        const body = (await res.json()) as { errors?: unknown[]; data?: { consultationStats: { total: number } } };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body.data!.consultationStats.total;
      } finally {
        await dispatcher.close();
      }
    };

    const rows: string[][] = [];
    const slowest = {
      name: '',
      ms: 0,
      dims: [] as StatsDimension[],
      filter: undefined as StatsFilter | undefined,
      coordinator: false,
    };
    for (const c of cases) {
      const plan = (await countConsultations(apps[0].store, c.dims, c.filter)).plan;
      // The two stores must agree: compared on coordinators' exact counts (analysts' are perturbed,
      // by a key that each install draws for itself).
      const totals = await Promise.all(apps.map((app) => ask(app, c.dims, c.filter, true)));
      if (totals[0] !== totals[1]) throw new Error(`${c.name}: PGlite counts ${totals[0]}, PostgreSQL ${totals[1]}`);
      // Each measurement on one store, then the same on the other, so both meet the same moment's load.
      const gateway = [];
      const bare = [];
      const noRollups = [];
      for (const app of apps) gateway.push(await time(() => ask(app, c.dims, c.filter, c.coordinator)));
      for (const app of apps) bare.push(await time(() => app.store.query(c.sql), Math.min(RUNS, 10)));
      for (const app of apps)
        noRollups.push(
          await time(() => countConsultations(app.store, c.dims, c.filter, { useRollups: false }), Math.min(RUNS, 10)),
        );
      const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
      for (const [i, name] of storeNames.entries()) {
        rows.push([
          i === 0 ? c.name : '',
          i === 0 ? plan : '',
          name,
          p(gateway[i], 50),
          p(gateway[i], 95),
          p(bare[i], 50),
          p(noRollups[i], 50),
          i === 1 ? (percentile(gateway[1], 50) / percentile(gateway[0], 50)).toFixed(2) : '',
        ]);
      }
      if (plan === 'records' && percentile(gateway[0], 50) > slowest.ms)
        Object.assign(slowest, {
          name: c.name,
          ms: percentile(gateway[0], 50),
          dims: c.dims,
          filter: c.filter,
          coordinator: c.coordinator ?? false,
        });
    }
    console.log(
      `\n${loadNote}, with ${rollups.toLocaleString()} rollup rows; ${RUNS} gateway runs per query after 3 warm-ups`,
    );
    console.log(`Load average ${loadBefore} before, ${loadAverage()} after (2 cores shared with others' work).\n`);
    const header = [
      'query',
      'answered from',
      'store',
      'gateway p50 ms',
      'gateway p95 ms',
      'bare SQL p50 ms',
      'no rollups p50 ms',
      'gateway p50 PostgreSQL ÷ PGlite',
    ];
    console.log(markdownTable(header, rows, 'left'));

    // What one store thread means: ANALYSTS uncovered queries at once, and a covered one meanwhile.
    if (slowest.name) {
      const contention: string[][] = [];
      for (const [i, app] of apps.entries()) {
        const walls: number[] = [];
        const waits: number[] = [];
        for (let run = 0; run < 3; run++) {
          const t = performance.now();
          const heavy = Promise.all(
            Array.from({ length: ANALYSTS }, () => ask(app, slowest.dims, slowest.filter, slowest.coordinator)),
          );
          await new Promise((r) => setTimeout(r, 50)); // the heavy ones are in the store by now
          const t1 = performance.now();
          await ask(app, ['ORGANIZATION']);
          waits.push(performance.now() - t1);
          await heavy;
          walls.push(performance.now() - t);
        }
        contention.push([storeNames[i], percentile(walls, 50).toFixed(0), percentile(waits, 50).toFixed(0)]);
      }
      console.log(
        `\n${ANALYSTS} analysts send "${slowest.name}" at once (median of 3); meanwhile one asks "by agency" (a rollup):\n`,
      );
      console.log(
        markdownTable(['store', `all ${ANALYSTS} answered after ms`, '"by agency" answered after ms'], contention),
      );
    }
  } finally {
    for (const app of apps) await app.close();
    await pglite.close().catch(() => {});
    await server.close();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
