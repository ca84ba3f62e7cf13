/**
 * bench:search's quality tables: precision at 5, MRR and zero-result rate of the judged demo
 * queries, success at 5 of the real-feed judged sentences, for the engine before query
 * understanding and understanding with each analyser; and what each analyser costs to load.
 */
import { execFileSync } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProgramRecord } from '../../domain/records';
import { createSearchIndex, type SearchIndex, type SearchRequest } from '../../subgraphs/programs/search';
import { createSegmenterAnalyser } from '../../subgraphs/programs/search/analyser';
import { createThesaurus } from '../../subgraphs/programs/search/thesaurus';
import { JUDGED_QUERIES, type JudgedQuery } from '../../test/support/judged-queries';
import { REAL_JUDGED_QUERIES } from '../../test/support/judged-real-queries';
import { normalizeText } from '../../domain/normalize';
import { TODAY } from './catalogue';

/**
 * Success at 5 (an answering programme in the top 5), reciprocal rank within 20 and the
 * zero-result rate of the real-feed judged queries, on the demo and real programmes together,
 * for each engine; and the in-process latency of those queries with the shipped one.
 */
export function realQualityRows(demo: ProgramRecord[], real: ProgramRecord[]): { rows: string[][]; times: number[] } {
  const all = [...demo, ...real];
  const byKey = new Map<string, string[]>();
  for (const p of real) {
    const key = `${p.areaCodes[0]} ${p.title}`;
    byKey.set(key, [...(byKey.get(key) ?? []), p.id]);
  }
  const idsOf = (key: string) => {
    const m = /^(\d{6}) (.+)$/.exec(key)!;
    return byKey.get(`${m[1]} ${normalizeText(m[2])}`) ?? [];
  };
  const engines = enginesOver(all);
  const lindera = engines[2][1];
  const rows: string[][] = [];
  for (const [name, index, understand] of engines) {
    let success = 0;
    let rr = 0;
    let zero = 0;
    for (const q of REAL_JUDGED_QUERIES) {
      const relevant = new Set(q.relevant.flatMap(idsOf));
      const r = index.search({ text: q.text, today: TODAY, limit: 20, understand, facets: false });
      const first = r.hits.findIndex((h) => relevant.has(h.id));
      if (first >= 0 && first < 5) success++;
      if (first >= 0) rr += 1 / (first + 1);
      if (r.total === 0) zero++;
    }
    const n = REAL_JUDGED_QUERIES.length;
    rows.push(['real feed', String(n), name, (success / n).toFixed(3), (rr / n).toFixed(3), (zero / n).toFixed(3)]);
  }
  const times: number[] = [];
  for (let round = 0; round < 6; round++)
    for (const q of REAL_JUDGED_QUERIES) {
      const t = performance.now();
      lindera.search({ text: q.text, today: TODAY, limit: 20 });
      if (round > 0) times.push(performance.now() - t);
    }
  return { rows, times };
}

/** Precision at 5, reciprocal rank within 20 and whether nothing was found, for one query. */
function judge(
  index: SearchIndex,
  q: JudgedQuery,
  understand: boolean,
): { precision: number; rr: number; zero: boolean } {
  const r = index.search({
    text: q.text,
    filter: q.filter as SearchRequest['filter'],
    today: TODAY,
    limit: 20,
    understand,
    facets: false,
  });
  const relevant = new Set(q.relevant);
  const ids = r.hits.map((h) => h.id);
  const first = ids.findIndex((id) => relevant.has(id));
  return {
    // Out of the relevant programmes there are when fewer than 5, as the quality test counts it.
    precision: ids.slice(0, 5).filter((id) => relevant.has(id)).length / Math.min(5, relevant.size),
    rr: first < 0 ? 0 : 1 / (first + 1),
    zero: r.total === 0,
  };
}

/** The engines compared on a catalogue: words as typed, and understanding with each analyser. */
function enginesOver(programs: ProgramRecord[]): Array<[string, SearchIndex, boolean]> {
  const lindera = createSearchIndex(programs).warm();
  const segmenter = createSegmenterAnalyser();
  const light = createSearchIndex(programs, {
    understander: { analyser: segmenter, thesaurus: createThesaurus(segmenter) },
  }).warm();
  return [
    ['before: words as typed, all required', lindera, false],
    ['understanding, Intl.Segmenter', light, true],
    ['understanding, Lindera (shipped)', lindera, true],
  ];
}

export function qualityRows(demo: ProgramRecord[]): string[][] {
  const engines = enginesOver(demo);
  const rows: string[][] = [];
  for (const style of ['keyword', 'sentence'] as const) {
    const queries = JUDGED_QUERIES.filter((q) => q.style === style);
    for (const [name, index, understand] of engines) {
      const judged = queries.map((q) => judge(index, q, understand));
      const mean = (f: (j: (typeof judged)[number]) => number) =>
        (judged.reduce((sum, j) => sum + f(j), 0) / judged.length).toFixed(3);
      rows.push([
        style,
        String(queries.length),
        name,
        mean((j) => j.precision),
        mean((j) => j.rr),
        mean((j) => (j.zero ? 1 : 0)),
      ]);
    }
  }
  return rows;
}

function directorySize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? directorySize(resolve(dir, e.name)) : statSync(resolve(dir, e.name)).size),
    0,
  );
}

/** Load time and resident memory of each analyser, in a fresh Node process so neither shares a warm heap. */
export function analyserCostRows(): string[][] {
  const probe = (setup: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `const r0=process.memoryUsage().rss;const t0=performance.now();${setup};const ms=performance.now()-t0;global.gc&&gc();console.log(JSON.stringify({ms,mb:(process.memoryUsage().rss-r0)/2**20}))`,
        ],
        {
          encoding: 'utf8',
          cwd: resolve(__dirname, '..', '..'),
        },
      ),
    ) as { ms: number; mb: number };
  const lindera = probe(
    "const {TokenizerBuilder}=require('lindera-wasm-nodejs-ipadic');const b=new TokenizerBuilder();b.setDictionary('embedded://ipadic');b.setMode('normal');const t=b.build();t.tokenize('借入の返済がきつい')",
  );
  const icu = probe("const s=new Intl.Segmenter('ja',{granularity:'word'});[...s.segment('借入の返済がきつい')]");
  const installed =
    directorySize(resolve(__dirname, '..', '..', 'node_modules', 'lindera-wasm-nodejs-ipadic')) / 2 ** 20;
  return [
    ['Intl.Segmenter (ICU, in Node)', '0', icu.ms.toFixed(0), icu.mb.toFixed(0), 'no', 'no'],
    ['Lindera IPADIC (WebAssembly)', installed.toFixed(1), lindera.ms.toFixed(0), lindera.mb.toFixed(0), 'yes', 'yes'],
  ];
}
