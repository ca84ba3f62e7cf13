/**
 * `npm run bench:growth`: the growth programme at scale. Two stores are filled through the real
 * sync path (CSV adapter, validation, store, committee minutes) from the demo generator — one
 * with BENCH_ROWS consultations (default 1,000,000), one with a tenth of them as the peer — and
 * measured in the same run, alternately:
 *
 * - refreshing every firm's growth signals and score (what a consultation sync triggers): seconds,
 *   seconds per 100,000 consultations, and the large store against the small one;
 * - the committee agenda a coordinator prepares a meeting with, through the gateway (HTTP, JWT,
 *   planning, growth and consultations subgraphs, audit rows): p50/p95/p99 against the store's
 *   own agenda query.
 *
 * Goals: refresh at 1M within 30 s on these machines; agenda p95 within 100 ms.
 * BENCH_DATA_DIR keeps the loaded stores for the next run, which then skips the load.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { writeConsultationFiles } from '../demo/consultations';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { openStore, type Store } from '../store/store';
import { refreshGrowthSignals } from '../store/signals';
import { agenda } from '../store/growth';
import { startEmbedded } from '../app/embedded';
import { signDevelopmentToken } from '../gateway/auth';
import { jstMonthOf } from '../domain/growth/status';
import { markdownTable, percentile, timed } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PEER_ROWS = Math.max(10_000, Math.round(ROWS / 10));
const REFRESH_RUNS = Number(process.env.BENCH_REFRESH_RUNS ?? 3);
const AGENDA_RUNS = Number(process.env.BENCH_RUNS ?? 200);

/** A data directory holding `rows` consultations and the committee minutes, loaded if missing. */
async function loadStore(rows: number, root: string): Promise<{ dataDir: string; note: string }> {
  const dataDir = join(root, `store-${rows}`);
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  try {
    return { dataDir, note: await fill(store, rows, dataDir) };
  } finally {
    await store.close();
  }
}

async function fill(store: Store, rows: number, dataDir: string): Promise<string> {
  const [{ loaded }] = await store.query<{ loaded: number }>('select count(*)::int as loaded from consultations');
  if (loaded === rows) return `${rows.toLocaleString()} consultations reused from ${dataDir}`;
  if (loaded > 0)
    throw new Error(`${dataDir} holds ${loaded} consultations, not ${rows}: remove it or change BENCH_ROWS`);
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-growth-'));
  const t0 = performance.now();
  await writeConsultationFiles(dir, { total: rows });
  const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
    ...process.env,
    MADOGUCHI_CONSULTATION_DIR: dir,
  })
    .map((a) => ({ ...a, sources: a.sources.filter((s) => s.entity === 'consultation' || s.entity === 'committee') }))
    .filter((a) => a.sources.length > 0);
  const reports = await syncAll(store, agencies, createAdapterContext({ logger: pino({ level: 'silent' }) }));
  rmSync(dir, { recursive: true, force: true });
  const failed = reports.filter((r) => r.outcome === 'failed');
  if (failed.length) throw new Error(`sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
  return `${rows.toLocaleString()} consultations and the committee minutes generated and synced in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
}

const timeAgenda = (fn: () => Promise<unknown>, runs: number) => timed(fn, runs, 10);

const AGENDA_QUERY = `query($month: String!) {
  committeeMeeting(month: $month) {
    agenda {
      reasons
      score
      company { id name municipality { name } growth { status score { total contributions { signal points } } } }
    }
  }
}`;

async function main(): Promise<void> {
  const keep = process.env.BENCH_DATA_DIR;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'madoguchi-bench-growth-stores-'));
  if (keep && !existsSync(keep)) mkdirSync(keep, { recursive: true });
  const large = await loadStore(ROWS, root);
  const small = await loadStore(PEER_ROWS, root);
  const stores = [
    { name: ROWS.toLocaleString(), rows: ROWS, ...large },
    { name: PEER_ROWS.toLocaleString(), rows: PEER_ROWS, ...small },
  ];

  // Refresh: alternately, large then small, so both see the same machine.
  const refresh = new Map<string, number[]>(stores.map((s) => [s.name, []]));
  const firms = new Map<string, number>();
  const open = await Promise.all(stores.map((s) => openStore({ dataDir: s.dataDir })));
  for (let run = 0; run < REFRESH_RUNS; run++) {
    for (const [i, s] of stores.entries()) {
      const r = await refreshGrowthSignals(open[i]);
      refresh.get(s.name)!.push(r.ms / 1000);
      firms.set(s.name, r.firms);
    }
  }
  for (const store of open) await store.close();
  const median = (xs: number[]) => percentile(xs, 50);
  const refreshRows = stores.map((s) => {
    const t = median(refresh.get(s.name)!);
    return [
      s.name,
      firms.get(s.name)!.toLocaleString(),
      String(REFRESH_RUNS),
      t.toFixed(1),
      Math.max(...refresh.get(s.name)!).toFixed(1),
      (t / (s.rows / 100_000)).toFixed(2),
    ];
  });
  const ratio = median(refresh.get(stores[0].name)!) / median(refresh.get(stores[1].name)!);

  // Agenda through the gateway, on each store in turn, against the store's own query.
  const secret = new TextEncoder().encode('bench-growth-secret-bench-growth-secret');
  const token = await signDevelopmentToken({ role: 'coordinator' }, secret);
  const month = jstMonthOf(new Date());
  const agendaRows: string[][] = [];
  for (const s of stores) {
    // The embedded start opens the data directory on its store thread, where the store's own
    // query runs too, as the subgraphs' do.
    const app = await startEmbedded({
      dataDir: s.dataDir,
      port: 0,
      host: '127.0.0.1',
      sync: 'never',
      logger: pino({ level: 'silent' }),
      auth: { secret },
    });
    const dispatcher = new Agent();
    let items = 0;
    const viaGateway = await timeAgenda(async () => {
      const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
        dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: AGENDA_QUERY, variables: { month } }),
      });
      const body = (await res.json()) as { errors?: unknown[]; data?: { committeeMeeting: { agenda: unknown[] } } };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      items = body.data!.committeeMeeting.agenda.length;
    }, AGENDA_RUNS);
    await dispatcher.close();
    const bare = await timeAgenda(
      () => agenda(app.store, month, { topScored: 10, includeTopScored: true }),
      Math.min(AGENDA_RUNS, 50),
    );
    await app.close();
    agendaRows.push([
      s.name,
      String(items),
      percentile(viaGateway, 50).toFixed(1),
      percentile(viaGateway, 95).toFixed(1),
      percentile(viaGateway, 99).toFixed(1),
      percentile(bare, 50).toFixed(1),
      percentile(bare, 95).toFixed(1),
    ]);
  }

  console.log(`\n${stores.map((s) => s.note).join('; ')}\n`);
  console.log(
    `Refreshing growth signals and scores (every firm, one transaction), median of ${REFRESH_RUNS} runs taken alternately:\n`,
  );
  console.log(markdownTable(['consultations', 'firms', 'runs', 'median s', 'max s', 's per 100k'], refreshRows));
  console.log(
    `\n${stores[0].name} against ${stores[1].name}: ${ratio.toFixed(1)}× the time for ${(stores[0].rows / stores[1].rows).toFixed(0)}× the consultations (goal: ≤ 30 s at 1,000,000)\n`,
  );
  console.log(
    `Committee agenda (${month}, top 10 scored, with names and explained scores), ${AGENDA_RUNS} gateway runs after 10 warm-ups:\n`,
  );
  console.log(
    markdownTable(
      [
        'consultations',
        'agenda items',
        'gateway p50 ms',
        'gateway p95 ms',
        'gateway p99 ms',
        'store query p50 ms',
        'store query p95 ms',
      ],
      agendaRows,
    ),
  );
  console.log('\n(goal: gateway p95 ≤ 100 ms)');
  if (!keep) rmSync(root, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
