/**
 * `npm run bench:feeds`: what a feed read costs on the embedded start with the demo data, kept
 * (rendered once per snapshot, the shipped behaviour) against rebuilt (the peer: every read builds
 * the feed, as each read after a snapshot does — the kept feeds are dropped before each read),
 * measured in the same run, alternating per read, for the Atom feed and the calendar of a few
 * searches. Latency per read (p50, p95, ms) and the ratio rebuilt / kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { fetch } from 'undici';
import { startEmbedded } from '../app/embedded';
import { markdownTable, percentile, runBench } from './report';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const SEARCHES = ['', 'q=%E8%B3%87%E9%87%91', 'muni=131164', 'field=FINANCE&emp=20'];

runBench(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-feeds-'));
  const t0 = performance.now();
  const app = await startEmbedded({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    sync: 'blocking',
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  });
  console.log(`started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const base = `http://127.0.0.1:${app.gateway.port}`;
  const read = async (path: string): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${base}${path}`);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    await res.text();
    return performance.now() - t;
  };
  const rows: string[][] = [];
  try {
    for (const kind of ['atom', 'ics'] as const) {
      const kept: number[] = [];
      const rebuilt: number[] = [];
      for (const search of SEARCHES) {
        const path = `/feeds/programs.${kind}${search ? `?${search}` : ''}`;
        await read(path); // warm-up
        for (let i = 0; i < ROUNDS; i++) {
          app.gateway.invalidateResponseCache();
          rebuilt.push(await read(path));
          kept.push(await read(path));
        }
      }
      const p = (xs: number[], q: number) => percentile(xs, q).toFixed(2);
      rows.push([
        kind,
        String(kept.length),
        p(rebuilt, 50),
        p(rebuilt, 95),
        p(kept, 50),
        p(kept, 95),
        `${(percentile(rebuilt, 50) / percentile(kept, 50)).toFixed(1)}×`,
      ]);
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    markdownTable(
      ['feed', 'reads', 'rebuilt p50 ms', 'rebuilt p95 ms', 'kept p50 ms', 'kept p95 ms', 'rebuilt / kept (p50)'],
      rows,
    ),
  );
});
