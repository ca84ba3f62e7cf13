/**
 * What the benchmarks share: timed runs, percentiles of timings, a markdown table of the
 * results, a free loopback port for a server they start as a child process, and how a bench ends.
 */
import { createServer } from 'node:net';

/** The p-th percentile (nearest rank below) of unsorted samples. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Milliseconds of each of `runs` calls, after `warmups` calls that are not counted. */
export async function timed(fn: () => Promise<unknown>, runs: number, warmups = 3): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** A markdown table whose columns fit their widest cell; numbers read best right-aligned. */
export function markdownTable(header: string[], rows: string[][], align: 'left' | 'right' = 'right'): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (v: string, i: number) => (align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i]));
  const line = (r: string[]) => `| ${r.map(pad).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** A loopback port free right now, for a child process that must be told its port in advance. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** Runs a bench and ends the process: open pools and timers must not keep it alive, a failure exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
