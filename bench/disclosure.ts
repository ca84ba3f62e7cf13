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
 *
 * Then what issue 24's protection costs and buys, beside the rules before it (same perturbation,
 * any set of agencies or topics as a filter): the solving attacks of the attack suite
 * (test/attack/leastSquares.ts) run in-process against both rules — random agency subsets + least
 * squares at one and two dimensions, overlapping whole-month ranges — with the share of hidden
 * 1–4 cells each recovers with confidence; and what analysts lose to the restriction: a group of
 * agencies' table, once one perturbed table, is now the sum of its agencies' tables (or their
 * rows of the grouped table), whose noise adds up.
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
import { checkAnalystFilter, publishedCells, publishedStats } from '../subgraphs/consultations/disclosure';
import { tableOf } from '../store/countTable';
import { mulberry32 } from '../demo/random';
import { monthRangeAttack, share, subsetAttack, type Ask, type Recovery } from '../test/attack/leastSquares';
import type { Store } from '../store/store';
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

/** What analysts are shown of exact counts, cell by cell. */
const shownCells = (counts: Counts) =>
  publishedCells(publishedStats(tableOf(counts, counts.cells[0]?.keys.length ?? 0), false));

function accuracy(counts: Counts): Accuracy {
  const published = shownCells(counts);
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
        await timed(async () => shownCells(await countConsultations(store, dims, null)), RUNS),
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
    await protectionCost(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An analyst's view of the store under a rule for filters: published cells, or refused. */
function analystAsk(store: Store, rule: 'before' | 'now'): Ask {
  return async (groupBy, filter) => {
    const f = filter as Parameters<typeof checkAnalystFilter>[0];
    if (rule === 'now' && checkAnalystFilter(f)) return 'refused';
    const published = shownCells(await countConsultations(store, groupBy as StatsDimension[], f));
    return new Map(published.map((c) => [c.keys.join('|'), c.count]));
  };
}

async function truthOf(store: Store, keySql: string): Promise<Map<string, number>> {
  const rows = await store.query<{ k: string; n: number }>(
    `select ${keySql} as k, count(*)::int as n from consultations group by 1`,
  );
  return new Map(rows.map((r) => [r.k, r.n]));
}

async function protectionCost(store: Store): Promise<void> {
  const agencies = (
    await store.query<{ id: string }>('select distinct organization_id as id from consultations order by 1')
  ).map((r) => r.id);
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 3 + i, 1)).toISOString().slice(0, 7));
  const muni = `coalesce(municipality_code, '')`;
  const month = `to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`;
  const attacks: Array<[string, (ask: Ask) => Promise<Recovery>]> = [
    [
      'random agency subsets + least squares, MUNICIPALITY (120 tables)',
      async (ask) =>
        subsetAttack({
          ask,
          agencies,
          groupBy: ['MUNICIPALITY'],
          tables: 120,
          truth: await truthOf(store, `organization_id || '|' || ${muni}`),
        }),
    ],
    [
      'random agency subsets + least squares, MUNICIPALITY × INDUSTRY (290 tables)',
      async (ask) =>
        subsetAttack({
          ask,
          agencies,
          groupBy: ['MUNICIPALITY', 'INDUSTRY'],
          tables: 290,
          truth: await truthOf(store, `organization_id || '|' || ${muni} || '|' || coalesce(industry, '')`),
        }),
    ],
    [
      'overlapping whole-month ranges + least squares, ORGANIZATION × MUNICIPALITY (78 tables)',
      async (ask) =>
        monthRangeAttack({
          ask,
          months,
          groupBy: ['ORGANIZATION', 'MUNICIPALITY'],
          truth: await truthOf(store, `organization_id || '|' || ${muni} || '|' || ${month}`),
        }),
    ],
  ];
  const rows: string[][] = [];
  for (const [name, attack] of attacks) {
    const before = await attack(analystAsk(store, 'before'));
    const now = await attack(analystAsk(store, 'now'));
    const cell = (r: Recovery) =>
      `${r.recovered} of ${r.hidden} (${(100 * share(r)).toFixed(1)} %)${r.refused ? `, ${r.refused} tables refused` : ''}`;
    rows.push([name, cell(before), cell(now)]);
  }
  console.log(
    '\nSolving attacks: hidden 1–4 cells recovered with confidence (estimate rounds to the truth, standard error ≤ 0.25)\n',
  );
  console.log(markdownTable(['attack', 'rules before (any set of agencies)', 'rules now (one agency or all)'], rows));

  // What the restriction costs: 30 random groups of three agencies, their MUNICIPALITY table.
  const rng = mulberry32(7);
  let errBefore = 0;
  let errNow = 0;
  let cells = 0;
  const grouped = await countConsultations(store, ['ORGANIZATION', 'MUNICIPALITY'], null);
  const shownRow = new Map(shownCells(grouped).map((c) => [c.keys.join('|'), c.count]));
  for (let g = 0; g < 30; g++) {
    const group = [...agencies].sort(() => rng() - 0.5).slice(0, 3);
    const counts = await countConsultations(store, ['MUNICIPALITY'], { organizationIds: group });
    const once = shownCells(counts);
    counts.cells.forEach((c, i) => {
      if (c.count < 5) return;
      cells += 1;
      errBefore += Math.abs((once[i].count ?? 0) - c.count);
      // Now: the sum of the agencies' rows of the grouped table (a withheld row read as 2, mid 1–4).
      const sum = group.reduce((acc, a) => {
        const v = shownRow.get(`${a}|${c.keys[0]}`);
        return acc + (v === undefined ? 0 : v === null ? 2 : v);
      }, 0);
      errNow += Math.abs(sum - c.count);
    });
  }
  console.log('\nA group of three agencies’ MUNICIPALITY table (30 random groups, cells of 5 or more)\n');
  console.log(
    markdownTable(
      ['', 'cells', 'mean absolute error'],
      [
        ['before: one perturbed table for the group', String(cells), (errBefore / cells).toFixed(2)],
        ['now: the sum of its agencies’ perturbed cells', String(cells), (errNow / cells).toFixed(2)],
      ],
    ),
  );
}

runBench(main);
