/**
 * `bench:stats` against another checkout in the same run (BENCH_STATS_BASELINE=<checkout with
 * node_modules>, e.g. the main branch's): that checkout's embedded start serves a copy of the
 * same PGlite store and the same PostgreSQL database beside this one's, and each query is asked
 * of the two in turn, request by request, so that both meet the same moments' load. The answers
 * are checked equal, content for content (an analyst's perturbed cells too: both installs read
 * the same records with the same keys).
 */
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Embedded } from '../app/embedded';
import { markdownTable, percentile } from './report';

export const BASELINE = process.env.BENCH_STATS_BASELINE;

/** A copy of a closed PGlite data directory for the baseline (the store is one process's). */
export function copyDataDir(dataDir: string): string {
  const copy = `${dataDir}-baseline`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dataDir, copy, { recursive: true, filter: (src) => !/madoguchi\.lock/.test(src) });
  return copy;
}

/** The baseline checkout's embedded start, on the given store. */
export async function startBaseline(options: object): Promise<Embedded> {
  const { startEmbedded } = (await import(join(resolve(BASELINE!), 'app', 'embedded'))) as {
    startEmbedded: (o: object) => Promise<Embedded>;
  };
  return startEmbedded(options);
}

/** The first answer of a start that is still loading its columnar mirror may time out: asked again. */
export async function settled<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

export interface BaselineCase {
  name: string;
}

/**
 * Times each case on both checkouts, alternating request by request after `warmups` each:
 * `ask(app, form)` returns the answer as the client reads it.
 */
export async function compareWithBaseline<C extends BaselineCase>(options: {
  cases: C[];
  forms: string[];
  stores: Array<{ name: string; mine: Embedded; baseline: Embedded }>;
  runs: number;
  ask: (app: Embedded, c: C, form: string) => Promise<unknown>;
}): Promise<string> {
  const rows: string[][] = [];
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
  for (const c of options.cases) {
    for (const form of options.forms) {
      for (const [i, store] of options.stores.entries()) {
        const [a, b] = await Promise.all([
          settled(() => options.ask(store.baseline, c, form)),
          options.ask(store.mine, c, form),
        ]);
        if (JSON.stringify(a) !== JSON.stringify(b))
          throw new Error(`${c.name} (${form}, ${store.name}): the baseline answers differently`);
        for (let w = 0; w < 3; w++) {
          await options.ask(store.baseline, c, form);
          await options.ask(store.mine, c, form);
        }
        const before: number[] = [];
        const after: number[] = [];
        for (let r = 0; r < options.runs; r++) {
          for (const [app, out] of r % 2
            ? ([
                [store.mine, after],
                [store.baseline, before],
              ] as const)
            : ([
                [store.baseline, before],
                [store.mine, after],
              ] as const)) {
            const t = performance.now();
            await options.ask(app, c, form);
            out.push(performance.now() - t);
          }
        }
        rows.push([
          i === 0 ? c.name : '',
          form,
          store.name,
          p(before, 50),
          p(before, 95),
          p(after, 50),
          p(after, 95),
          (percentile(before, 50) / percentile(after, 50)).toFixed(1),
        ]);
      }
    }
  }
  return markdownTable(
    [
      'query',
      'as',
      'store',
      'baseline p50 ms',
      'baseline p95 ms',
      'this p50 ms',
      'this p95 ms',
      'baseline ÷ this (p50)',
    ],
    rows,
    'left',
  );
}
