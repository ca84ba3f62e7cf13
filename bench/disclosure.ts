/**
 * `npm run bench:disclosure`: what the cell-key method (domain/disclosure.ts) costs analysts in
 * accuracy, measured on the demo year. It writes BENCH_ROWS consultations (default 100,000, the
 * demo year) with the demo generator, syncs them through the real path (CSV adapter, store,
 * rollups with key sums) into an embedded store, and asks typical analyst tables. For each it
 * prints, against the exact counts coordinators get: the mean and largest absolute error on cells
 * of 5 or more, the share of such cells changed, and the share of cells withheld (1–4). The peer in
 * the same run is the method it replaced, small-cell suppression with secondary suppression
 * (subgraphs/shared/suppression.ts): exact where shown, but withholding more cells — and open to
 * differencing, which the attack suite shows. Timing: counting plus perturbation against counting
 * alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeConsultationFiles } from '../demo/consultations';
import { loadAgencyConfigs } from '../adapters/core/config';
import { createAdapterContext } from '../adapters/core/adapter';
import { syncAll } from '../adapters/sync/sync';
import { openStore } from '../store/store';
import { countConsultations, type Counts } from '../store/stats';
import { publishedStats } from '../subgraphs/consultations/disclosure';
import { MIN_CELL, suppress } from '../subgraphs/shared/suppression';
import type { StatsDimension } from '../subgraphs/consultations/resolvers.generated';
import { markdownTable, percentile, runBench, timed } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

const TABLES: StatsDimension[][] = [
  ['MONTH'],
  ['CHANNEL'],
  ['INDUSTRY'],
  ['TOPIC'],
  ['ORGANIZATION'],
  ['MUNICIPALITY'],
  ['ORGANIZATION', 'MONTH'],
  ['ORGANIZATION', 'INDUSTRY'],
  ['MUNICIPALITY', 'INDUSTRY'],
  ['TOPIC', 'MONTH'],
  ['ORGANIZATION', 'MONTH', 'CHANNEL'],
  ['MUNICIPALITY', 'INDUSTRY', 'CHANNEL'],
];

interface Accuracy {
  cells: number;
  big: number;
  mae: number;
  maxErr: number;
  changed: number;
  withheld: number;
  suppressedPeer: number;
}

function accuracy(counts: Counts): Accuracy {
  const published = publishedStats(counts, false).cells;
  const peer = suppress(counts.cells, MIN_CELL);
  let big = 0;
  let errSum = 0;
  let maxErr = 0;
  let changed = 0;
  let withheld = 0;
  counts.cells.forEach((c, i) => {
    const shown = published[i].count;
    if (shown === null) withheld += 1;
    if (c.count < 5) return;
    big += 1;
    const err = Math.abs((shown ?? 0) - c.count);
    errSum += err;
    maxErr = Math.max(maxErr, err);
    if (err !== 0) changed += 1;
  });
  return {
    cells: counts.cells.length,
    big,
    mae: big ? errSum / big : 0,
    maxErr,
    changed,
    withheld,
    suppressedPeer: peer.filter((c) => c.suppressed).length,
  };
}

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)} %` : '–');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-disclosure-'));
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-disclosure-csv-'));
  const store = await openStore({ dataDir });
  try {
    const { total } = await writeConsultationFiles(dir, { total: ROWS });
    const agencies = loadAgencyConfigs(resolve(__dirname, '..', 'agencies'), {
      ...process.env,
      MADOGUCHI_CONSULTATION_DIR: dir,
    }).map((a) => ({ ...a, sources: a.sources.filter((s) => s.entity === 'consultation') }));
    const reports = await syncAll(store, agencies, createAdapterContext());
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length) throw new Error(`sync failed: ${failed.map((f) => `${f.sourceId}: ${f.error}`).join('; ')}`);
    console.log(`${total} consultations written and synced; ${RUNS} timed runs per table\n`);

    const rows: string[][] = [];
    const sum: Accuracy = { cells: 0, big: 0, mae: 0, maxErr: 0, changed: 0, withheld: 0, suppressedPeer: 0 };
    let errTotal = 0;
    for (const dims of TABLES) {
      const counts = await countConsultations(store, dims, null);
      const a = accuracy(counts);
      const countMs = percentile(await timed(() => countConsultations(store, dims, null), RUNS), 50);
      const bothMs = percentile(
        await timed(async () => publishedStats(await countConsultations(store, dims, null), false), RUNS),
        50,
      );
      rows.push([
        dims.join(' × '),
        String(a.cells),
        String(a.big),
        a.mae.toFixed(2),
        String(a.maxErr),
        pct(a.changed, a.big),
        pct(a.withheld, a.cells),
        pct(a.suppressedPeer, a.cells),
        countMs.toFixed(1),
        bothMs.toFixed(1),
      ]);
      sum.cells += a.cells;
      sum.big += a.big;
      errTotal += a.mae * a.big;
      sum.maxErr = Math.max(sum.maxErr, a.maxErr);
      sum.changed += a.changed;
      sum.withheld += a.withheld;
      sum.suppressedPeer += a.suppressedPeer;
    }
    rows.push([
      'all tables',
      String(sum.cells),
      String(sum.big),
      (errTotal / sum.big).toFixed(2),
      String(sum.maxErr),
      pct(sum.changed, sum.big),
      pct(sum.withheld, sum.cells),
      pct(sum.suppressedPeer, sum.cells),
      '',
      '',
    ]);
    console.log(
      markdownTable(
        [
          'table (analyst, no filter)',
          'cells',
          'cells ≥ 5',
          'MAE on ≥ 5',
          'max error',
          'changed (≥ 5)',
          'withheld: cell key',
          'withheld: suppression (peer)',
          'count p50 ms',
          'count + perturb p50 ms',
        ],
        rows,
      ),
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
