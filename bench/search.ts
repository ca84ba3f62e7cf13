/**
 * `npm run bench:search`: the one-stop search's quality and speed.
 *
 * Quality, on the demo agencies' programmes: precision at 5, mean reciprocal rank (first relevant
 * within 20) and the share of queries answered with nothing, for the judged keyword and sentence
 * queries apart, for the engine before query understanding (words as typed, all required) and for
 * query understanding with each analyser (Intl.Segmenter, Lindera), all in the same run. On the
 * real J-Net21 municipal feed loaded beside them (where ../shared/data is present): success at 5,
 * MRR and the zero-result rate of the real-feed judged sentences, for the same engines, and their
 * latency in process. Then what each analyser costs to install, load and keep in memory,
 * measured in a fresh process.
 *
 * Speed, at catalogue sizes of 1k, 10k and 100k programmes (BENCH_SIZES to change them), generated
 * from a fixed seed by recombining the demo programmes' titles and clauses by topic across
 * generated providers all over Japan: the index build and warm-up time and size; how soon a
 * replica reading the catalogue from its store answers searches and when its index is complete;
 * the latency of the pure in-process search, wall and CPU time, for the engine before query
 * understanding (the peer) and the shipped one in alternate rounds; and the latency through the
 * gateway over HTTP (the embedded stack on port 0, its PGlite store holding the catalogue, the
 * gateway's response cache off) next to one hop through the gateway to the programs subgraph.
 * The query mix is the judged query set plus filter-only, closing-date and distance queries,
 * every answer with facets and a page of 20.
 *
 * The parts: search/catalogue.ts (the catalogues), search/quality.ts (the quality tables and the
 * analysers' cost), search/latency.ts (one size's build, replica and latency figures).
 */
import { markdownTable, percentile } from './report';
import { JUDGED_QUERIES } from '../test/support/judged-queries';
import { REAL_JUDGED_QUERIES } from '../test/support/judged-real-queries';
import { demoCatalogue, realCatalogue } from './search/catalogue';
import { GATEWAY_RUNS, IN_PROCESS_RUNS, measureSize } from './search/latency';
import { analyserCostRows, qualityRows, realQualityRows } from './search/quality';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);

async function main(): Promise<void> {
  const demo = await demoCatalogue();
  console.log(`Quality on the ${demo.length} demo programmes (${JUDGED_QUERIES.length} judged queries):\n`);
  console.log(
    markdownTable(['queries', 'n', 'engine', 'precision@5', 'MRR', 'zero-result rate'], qualityRows(demo), 'left'),
  );
  const real = await realCatalogue();
  if (real) {
    const { rows, times } = realQualityRows(demo, real);
    console.log(
      `\nQuality on the real J-Net21 feed (${real.length.toLocaleString()} programmes) beside the ${demo.length} demo ones (${REAL_JUDGED_QUERIES.length} judged sentences with a place and a need):\n`,
    );
    console.log(markdownTable(['queries', 'n', 'engine', 'success@5', 'MRR', 'zero-result rate'], rows, 'left'));
    console.log(
      `\nreal-feed queries in process (with facets, a page of 20): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
    );
  }
  console.log(
    '\nWhat each analyser costs (a fresh process: load until the first sentence is read, resident memory it adds):\n',
  );
  console.log(
    markdownTable(
      ['analyser', 'install MB', 'load ms', 'RSS MB', 'dictionary forms', 'readings'],
      analyserCostRows(),
      'left',
    ),
  );
  console.log('');
  console.log(
    `${demo.length} demo programmes recombined; in-process: ${IN_PROCESS_RUNS} queries, gateway: ${GATEWAY_RUNS} requests per size\n`,
  );
  const rows: string[][] = [];
  const latencyRows: string[][] = [];
  for (const size of SIZES) {
    const measured = await measureSize(demo, size);
    rows.push(measured.row);
    latencyRows.push(...measured.latencyRows);
  }
  const header = [
    'programmes',
    'segments → merged',
    'postings M',
    'build+warm ms',
    'index arrays MB',
    'JS heap MB',
    'avg matches',
    'store load s',
    'searches answer after s (first search)',
    'index complete after s',
  ];
  console.log(`\n${markdownTable(header, rows)}`);
  console.log(
    `\n${markdownTable(
      [
        'programmes',
        'engine (alternate rounds)',
        'wall p50 ms',
        'wall p95 ms',
        'wall p99 ms',
        'CPU p50 ms',
        'CPU p95 ms',
        'p95 ÷ peer (wall / CPU)',
        'hop p50 ms',
        'gateway p50 ms',
        'goal 2×p50+hop',
      ],
      latencyRows,
    )}`,
  );
  console.log(
    '\nsegments → merged: one segment per source, read by queries as merged segments of up to 65,536 programmes; index arrays: typed arrays of both (postings, attributes, term tables); JS heap: growth of the V8 heap across the build, after gc (ids, dictionaries, maps).',
  );
  console.log(
    'store load: the catalogue bulk-loaded into the embedded store; searches answer after: a replica reading it back until searches answer (at once from the part built so far for a catalogue built in the background on a worker thread), with the first search then; index complete: until every programme is searchable.',
  );
  console.log(
    'engines: the engine without query understanding (the peer) and the shipped one, in alternate rounds on the same index; CPU: the CPU time the process spent per query (process.cpuUsage), which waiting for a core on a loaded machine does not inflate. The goal is p95 ≤ 10 ms at 100,000.',
  );
  console.log(
    'hop: one query through the gateway to the programs subgraph doing next to nothing; the goal for the gateway p50 is 2 × the in-process p50 plus one hop.',
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
