/**
 * `npm run bench:growth`: the growth programme at scale. Two stores are filled through the real
 * sync path (CSV adapter, validation, store, committee minutes) from the demo generator — one
 * with BENCH_ROWS consultations (default 1,000,000), one with a tenth of them as the peer — and
 * measured in the same run, alternately:
 *
 * - refreshing every firm's growth signals and score (what a consultation sync triggers) as
 *   shipped, grouped on the columnar mirror, against the store's SQL refresh it replaced:
 *   seconds, seconds per 100,000 consultations, and how long each held the store (its time in the
 *   store's transaction);
 * - the committee agenda a coordinator prepares a meeting with, through the gateway (HTTP, JWT,
 *   planning, growth and consultations subgraphs, audit rows): p50/p95/p99 against the store's
 *   own agenda query.
 *
 * - the refresh that follows new consultations — a day's, then a month's (that share of the year
 *   before the newest), landed on a copy of each store through the store's snapshot write, every
 *   agency's file growing: on the mirror it writes only the rows that changed unless too many
 *   did; measured beside the full rewrite of the same data, with the rows that differ, the rows
 *   written and the rows the tables hold.
 *
 * Goals: refresh at 1M within 5 s; agenda p95 within 100 ms.
 * BENCH_DATA_DIR keeps the loaded stores for the next run, which then skips the load;
 * BENCH_AGENDA=false measures the refresh alone; BENCH_LANDED=false leaves out the day and month landed.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { mulberry32, writeConsultationFiles } from '../demo/consultations';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { openStore, type Store } from '../store/store';
import { refreshGrowthSignals } from '../store/signals';
import { ConsultationMirror } from '../store/columnar/mirror';
import { closeColumnar } from '../store/columnar';
import { refreshFromMirror, type MirrorRefreshResult } from '../store/columnar/signals';
import { replaceSource } from '../store/ingest';
import { selectList } from '../store/tables';
import type { ConsultationRecord } from '../domain/records';
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
    await closeColumnar(store); // the load's growth refresh opened one
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

const DAY_MS = 86_400_000;

/**
 * `days` of consultations land on top of what the store holds: every agency's next file adds its
 * share of the year before the newest consultation (days/365 of it), dated over the days after
 * the newest — by firms the agency already served, and one in five by a sole proprietor new to
 * it — written as a sync writes a snapshot. Resolves to the consultations added.
 */
async function land(store: Store, days: number): Promise<number> {
  const [{ newest, yearly, total }] = await store.query<{ newest: string; yearly: number; total: number }>(
    `select max(received_at)::text as newest, count(*)::int as total,
            (count(*) filter (where received_at > (select max(received_at) from consultations) - interval '365 days'))::int as yearly
     from consultations`,
  );
  const sources = await store.query<{ id: string; n: number }>(
    `select source_id as id, count(*)::int as n from consultations group by source_id order by source_id`,
  );
  const rng = mulberry32(202612 + days);
  const start = Date.parse(newest);
  let landed = 0;
  for (const source of sources) {
    const records = await store.query<ConsultationRecord>(
      `select ${selectList('consultation', 'c')} from consultations c where source_id = $1 order by id`,
      [source.id],
    );
    const share = Math.round(((yearly * days) / 365) * (source.n / total));
    const added = Array.from({ length: share }, (_, i): ConsultationRecord => {
      const model = records[Math.floor(rng() * records.length)];
      const fresh = rng() < 0.2;
      const suffix = `-d${days}n${i}`;
      return {
        ...model,
        id: model.id + suffix,
        localId: model.localId + suffix,
        receivedAt: new Date(start + (0.01 + rng() * (days - 0.01)) * DAY_MS).toISOString(),
        corporateNumber: fresh ? null : model.corporateNumber,
        companyName: fresh ? `${model.companyName ?? '事業者'}${suffix}` : model.companyName,
      };
    });
    await replaceSource(store, {
      sourceId: source.id,
      entity: 'consultation',
      records: [...records, ...added],
      rejections: [],
      contentHash: `bench-growth${suffixOf(days)}`,
      etag: null,
      lastModified: null,
      at: new Date().toISOString(),
    });
    landed += share;
  }
  return landed;
}

const suffixOf = (days: number) => `-${days}-days-${Date.now()}`;

interface LandedFigures {
  name: string;
  days: number;
  landed: number;
  catchUp: number;
  shipped: MirrorRefreshResult;
  full: MirrorRefreshResult;
}

/**
 * On a copy of a loaded store: a full refresh from the mirror; then a day of consultations
 * lands, then a month, and after each the mirror is brought up to the store and the refresh as
 * shipped runs (only the changed rows, or every row past the limit), then the full rewrite of the
 * same data.
 */
async function measureLanded(name: string, dataDir: string, root: string): Promise<LandedFigures[]> {
  const copy = join(root, `landed-${name.replace(/\D/g, '')}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dataDir, copy, { recursive: true });
  const store = await openStore({ dataDir: copy });
  const mirror = await ConsultationMirror.open(store);
  const figures: LandedFigures[] = [];
  try {
    await refreshFromMirror(store, mirror);
    for (const days of [1, 30]) {
      const landed = await land(store, days);
      const t = performance.now();
      await mirror.fresh();
      const catchUp = (performance.now() - t) / 1000;
      const shipped = await refreshFromMirror(store, mirror);
      const full = await refreshFromMirror(store, mirror, { write: 'full' });
      for (const r of [shipped, full])
        console.log(
          `  ${name} + ${landed.toLocaleString()} (${days} d), ${r === full ? 'full rewrite' : `as shipped: ${r.write}`}: ${(r.ms / 1000).toFixed(1)} s, store held ${(r.storeMs / 1000).toFixed(2)} s, ${r.rowsWritten.toLocaleString()} of ${r.rowsHeld.toLocaleString()} rows written`,
        );
      figures.push({ name, days, landed, catchUp, shipped, full });
    }
    return figures;
  } finally {
    await mirror.close();
    await store.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

function printLanded(all: LandedFigures[]): void {
  const share = (n: number, of: number) =>
    `${n.toLocaleString()} of ${of.toLocaleString()} (${((100 * n) / of).toFixed(1)} %)`;
  const rows = all.flatMap((f) =>
    [f.shipped, f.full].map((r) => [
      r === f.shipped ? f.name : '',
      r === f.shipped ? `${f.landed.toLocaleString()} (${f.days === 1 ? 'a day' : 'a month'})` : '',
      r === f.shipped ? f.catchUp.toFixed(1) : '',
      r === f.full
        ? 'full rewrite'
        : r.write === 'changes'
          ? 'as shipped: changed rows'
          : `as shipped: every row (${r.fullBecause})`,
      r.rowsChanged === null ? '' : share(r.rowsChanged, r.rowsHeld),
      share(r.rowsWritten, r.rowsHeld),
      (r.ms / 1000).toFixed(1),
      (r.storeMs / 1000).toFixed(2),
    ]),
  );
  console.log("After a day, then a month, of consultations landed (every agency's file), on a copy of each store:\n");
  console.log(
    markdownTable(
      [
        'consultations',
        'landed',
        'mirror catch-up s',
        'refresh',
        'rows that differ',
        'rows written',
        'refresh s',
        'store held s',
      ],
      rows,
    ),
  );
  // Where writing the changes stops paying: its cost per row (from the day, when it wrote only
  // changes) against the full rewrite's time, as a share of the rows held.
  for (const f of all.filter((x) => x.shipped.write === 'changes' && x.shipped.rowsWritten > 1000)) {
    const perRow = f.shipped.storeMs / f.shipped.rowsWritten;
    console.log(
      `${f.name} + ${f.days} d: writing changes held the store ${(perRow * 1000).toFixed(1)} µs per row; the full rewrite ${(f.full.storeMs / 1000).toFixed(2)} s ≈ changes of ${((100 * f.full.storeMs) / perRow / f.full.rowsHeld).toFixed(0)} % of the rows held (the crossover)`,
    );
  }
  console.log('');
}

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

  // Refresh: alternately, large then small, so both see the same machine; on each, the refresh as
  // shipped (grouped on the columnar mirror, which follows the store between refreshes) and the
  // store's SQL refresh it replaced, with the time each spent in the store's transaction (the
  // embedded store answers nothing else meanwhile).
  type Path = 'mirror' | 'sql';
  const refresh = new Map<string, number[]>();
  const held = new Map<string, number[]>();
  const firms = new Map<string, number>();
  const mirrorLoad = new Map<string, number>();
  const open = await Promise.all(stores.map((s) => openStore({ dataDir: s.dataDir })));
  const mirrors: ConsultationMirror[] = [];
  for (const [i, s] of stores.entries()) {
    const t = performance.now();
    mirrors.push(await ConsultationMirror.open(open[i]));
    await mirrors[i].fresh();
    mirrorLoad.set(s.name, (performance.now() - t) / 1000);
    console.log(`  ${s.name} consultations mirrored in ${mirrorLoad.get(s.name)!.toFixed(1)} s`);
  }
  for (let run = 0; run < REFRESH_RUNS; run++) {
    for (const [i, s] of stores.entries()) {
      for (const path of ['mirror', 'sql'] as Path[]) {
        const key = `${s.name}|${path}`;
        const r =
          path === 'mirror'
            ? await refreshFromMirror(open[i], mirrors[i], { write: 'full' })
            : await refreshGrowthSignals(open[i]);
        const longest = r.storeMs;
        console.log(
          `  ${s.name} consultations, ${path}: ${(r.ms / 1000).toFixed(1)} s, store held ${(longest / 1000).toFixed(1)} s`,
        );
        refresh.set(key, [...(refresh.get(key) ?? []), r.ms / 1000]);
        held.set(key, [...(held.get(key) ?? []), longest / 1000]);
        if (firms.has(s.name) && firms.get(s.name) !== r.firms)
          throw new Error(`${s.name}: the paths count different firms`);
        firms.set(s.name, r.firms);
      }
    }
  }
  for (const m of mirrors) await m.close();
  for (const store of open) await store.close();
  const median = (xs: number[]) => percentile(xs, 50);
  const refreshRows = stores.flatMap((s) =>
    (['mirror', 'sql'] as Path[]).map((path) => {
      const key = `${s.name}|${path}`;
      const t = median(refresh.get(key)!);
      return [
        path === 'mirror' ? s.name : '',
        path === 'mirror' ? firms.get(s.name)!.toLocaleString() : '',
        path === 'mirror'
          ? `columnar mirror, every row rewritten (loaded once in ${mirrorLoad.get(s.name)!.toFixed(1)} s)`
          : 'store SQL (before)',
        t.toFixed(1),
        Math.max(...refresh.get(key)!).toFixed(1),
        (t / (s.rows / 100_000)).toFixed(2),
        median(held.get(key)!).toFixed(1),
      ];
    }),
  );
  const ratio = median(refresh.get(`${stores[0].name}|sql`)!) / median(refresh.get(`${stores[0].name}|mirror`)!);

  console.log(`\n${stores.map((s) => s.note).join('; ')}\n`);
  console.log(
    `Refreshing growth signals and scores (every firm, written in one transaction), median of ${REFRESH_RUNS} runs taken alternately:\n`,
  );
  console.log(
    markdownTable(
      ['consultations', 'firms', 'refresh on', 'median s', 'max s', 's per 100k', 'store held s (median)'],
      refreshRows,
    ),
  );
  console.log(
    `\nAt ${stores[0].name}: the store's SQL refresh takes ${ratio.toFixed(1)}× the columnar one (goal: ≤ 5 s at 1,000,000)\n`,
  );
  if (process.env.BENCH_LANDED !== 'false') {
    const landed: LandedFigures[] = [];
    for (const s of stores) landed.push(...(await measureLanded(s.name, s.dataDir, root)));
    printLanded(landed);
  }
  // Agenda through the gateway, on each store in turn, against the store's own query.
  if (process.env.BENCH_AGENDA === 'false') {
    if (!keep) rmSync(root, { recursive: true, force: true });
    return;
  }
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
