/**
 * `npm run bench:stats`: consultation aggregates at scale. Writes BENCH_ROWS consultations
 * (default 1,000,000) as the agencies' CSV files with the demo generator, syncs them through the
 * real adapter path (CSV adapter, validation, store, rollups) into an embedded store, and times
 * typical analyst queries through the gateway against peers measured in the same run: the same
 * aggregate as bare SQL over the records, and the subgraph's own counting without rollups.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { writeConsultationFiles } from '../demo/consultations';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { openStore } from '../store/store';
import { startEmbedded } from '../gateway/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { countConsultations } from '../store/stats';
import type { StatsDimension, StatsFilter } from '../subgraphs/consultations/resolvers.generated';
import { markdownTable, percentile, timed } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const time = (fn: () => Promise<unknown>, runs = RUNS) => timed(fn, runs, 3);

async function main(): Promise<void> {
  // On disk, as `npm start` runs: the in-memory file system copies a growing table on every resize.
  // BENCH_DATA_DIR keeps the loaded store for the next run, which then skips the load.
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'madoguchi-bench-store-'));
  const store = await openStore({ dataDir });
  let [{ loaded }] = await store.query<{ loaded: number }>('select count(*)::int as loaded from consultations');
  let load = `reused ${loaded.toLocaleString()} consultations from BENCH_DATA_DIR`;
  if (loaded !== ROWS) {
    if (loaded > 0) throw new Error(`BENCH_DATA_DIR holds ${loaded} consultations, not BENCH_ROWS=${ROWS}: remove it or change BENCH_ROWS`);
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-stats-'));
    const t0 = performance.now();
    const { total: written } = await writeConsultationFiles(dir, { total: ROWS });
    const generated = (performance.now() - t0) / 1000;
    const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), { ...process.env, MADOGUCHI_CONSULTATION_DIR: dir })
      .map((a) => ({ ...a, sources: a.sources.filter((s) => s.entity === 'consultation') }))
      .filter((a) => a.sources.length > 0);
    const t1 = performance.now();
    const reports = await syncAll(store, agencies, createAdapterContext());
    rmSync(dir, { recursive: true, force: true });
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length) throw new Error(`sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
    [{ loaded }] = await store.query<{ loaded: number }>('select count(*)::int as loaded from consultations');
    load = `${loaded.toLocaleString()} consultations (${written.toLocaleString()} generated as CSV in ${generated.toFixed(1)} s) synced through the CSV adapter in ${((performance.now() - t1) / 1000).toFixed(1)} s`;
  }
  const [{ rollups }] = await store.query<{ rollups: number }>('select count(*)::int as rollups from consultation_rollups');
  // The embedded start opens the data directory on its own store thread; every query below (bare
  // SQL included) runs there too, as the gateway's do.
  await store.close();
  const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
  const app = await startEmbedded({ dataDir, port: 0, host: '127.0.0.1', sync: 'never', logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }), auth: { secret } });
  const token = await signDevelopmentToken({ role: 'analyst' }, secret);
  const month = `to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`;
  const cases: Array<{ name: string; dims: StatsDimension[]; filter?: StatsFilter; sql: string }> = [
    { name: 'by agency', dims: ['ORGANIZATION'], sql: 'select organization_id, count(*) from consultations c group by 1' },
    { name: 'agency × month', dims: ['ORGANIZATION', 'MONTH'], sql: `select organization_id, ${month}, count(*) from consultations c group by 1, 2` },
    {
      name: 'topic × month, one quarter',
      dims: ['TOPIC', 'MONTH'],
      filter: { from: '2025-10-01', to: '2025-12-31' },
      sql: `select t, ${month}, count(*) from consultations c cross join lateral unnest(c.topics) t
            where received_at >= '2025-10-01T00:00:00+09:00' and received_at < '2026-01-01T00:00:00+09:00' group by 1, 2`,
    },
    { name: 'municipality × industry', dims: ['MUNICIPALITY', 'INDUSTRY'], sql: 'select municipality_code, industry, count(*) from consultations c group by 1, 2' },
    {
      name: 'channel by agency, 3 agencies, 6 months',
      dims: ['ORGANIZATION', 'CHANNEL'],
      filter: { from: '2025-04-01', to: '2025-09-30', organizationIds: ['hyogo-iac', 'toshima-bizsapo', 'hyogo-cgc'] },
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
      name: 'industry × channel, mid-month range',
      dims: ['INDUSTRY', 'CHANNEL'],
      filter: { from: '2025-06-16', to: '2025-11-15' },
      sql: `select industry, channel, count(*) from consultations c
            where received_at >= '2025-06-16T00:00:00+09:00' and received_at < '2025-11-16T00:00:00+09:00' group by 1, 2`,
    },
  ];
  const url = `http://127.0.0.1:${app.gateway.port}/graphql`;
  const QUERY =
    `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) { consultationStats(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { keys { value } count suppressed } } }`;
  const rows: string[][] = [];
  for (const c of cases) {
    const plan = (await countConsultations(app.store, c.dims, c.filter)).plan;
    // A connection per case: the bare SQL peers below hold the event loop for seconds at a time,
    // long enough for the server to drop an idle keep-alive socket just as the client reuses it.
    const dispatcher = new Agent();
    const viaGateway = await time(async () => {
      const res = await fetch(url, {
        dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY, variables: { groupBy: c.dims, filter: c.filter ?? null } }),
      });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    });
    await dispatcher.close();
    const bare = await time(() => app.store.query(c.sql), Math.min(RUNS, 10));
    const noRollups = await time(() => countConsultations(app.store, c.dims, c.filter, { useRollups: false }), Math.min(RUNS, 10));
    rows.push([
      c.name,
      plan,
      percentile(viaGateway, 50).toFixed(1),
      percentile(viaGateway, 95).toFixed(1),
      percentile(bare, 50).toFixed(1),
      percentile(noRollups, 50).toFixed(1),
      (percentile(viaGateway, 95) / percentile(bare, 95)).toFixed(2),
    ]);
  }
  console.log(`\n${load}, with ${rollups.toLocaleString()} rollup rows; ${RUNS} gateway runs per query after 3 warm-ups\n`);
  const header = ['query', 'answered from', 'gateway p50 ms', 'gateway p95 ms', 'bare SQL p50 ms', 'no rollups p50 ms', 'gateway p95 / bare SQL p95'];
  console.log(markdownTable(header, rows, 'left'));
  await app.close();
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
