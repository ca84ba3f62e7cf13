/**
 * Judged queries over the demo agencies' programmes (demo/files/*\/programs.csv, and the
 * national subsidies in demo/files/jgrants/subsidies.json): for each
 * query, the programmes a firm asking it would want, judged by reading the programmes, not from
 * any engine's output. Used by the search quality test (precision at 5) and as the query mix of
 * bench/search.ts and bench/web.ts.
 *
 * The sets live in judged-queries.json (data, not code); this module validates its shape and
 * expands it. `sets` names groups of programmes answering one need (startup, loans, seminars …);
 * a query's `relevant` (and a set) lists programme ids (`<agency>:<local id>`) and `@<set>`
 * references, expanded in order. Keyword searches are words as agencies write them; sentences
 * are written for this project in the way firms put their questions to a counter (the FAQ pages
 * of 商工会議所, よろず支援拠点 and 信用保証協会 counters; the white paper's Hyogo and Toshima
 * cases): what they need, in their words, often with a place and a polite ending. Their relevant
 * programmes were chosen by reading demo/files, before any engine was run on them.
 */
import { z } from 'zod';
import data from './judged-queries.json';

export interface JudgedQuery {
  text: string;
  filter?: Record<string, unknown>;
  /** Programme ids a firm asking this would want. */
  relevant: string[];
  /** What the query exercises. */
  note: string;
  /** A keyword search (words as an agency writes them) or a sentence in a firm's own words. */
  style?: 'keyword' | 'sentence';
  /** For sentences: the need it expresses, to count how many needs the set covers. */
  need?: string;
}

const FILE = 'test/support/judged-queries.json';
const SET_NAME = /^[a-z0-9-]+$/;
const entry = z
  .string()
  .regex(
    /^(@[a-z0-9-]+|[a-z0-9-]+:[A-Za-z0-9-]+)$/,
    'a programme id (<agency>:<local id>) or a set reference (@<set>)',
  );
const relevant = z.array(entry).min(1);
const filter = z.record(z.string(), z.unknown());
const judgedFile = z.strictObject({
  note: z.string(),
  sets: z.record(z.string().regex(SET_NAME), relevant),
  keyword: z.array(
    z.strictObject({ text: z.string().min(1), filter: filter.optional(), relevant, note: z.string().min(1) }),
  ),
  sentence: z.array(
    z.strictObject({ text: z.string().min(1), need: z.string().min(1), filter: filter.optional(), relevant }),
  ),
});
type JudgedFile = z.infer<typeof judgedFile>;

/** Validates the file's shape and expands every `@set`, failing on an unknown or circular set. */
export function loadJudgedQueries(raw: unknown, file = FILE): { keyword: JudgedQuery[]; sentence: JudgedQuery[] } {
  const parsed = judgedFile.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const { sets, keyword, sentence }: JudgedFile = parsed.data;
  const expanded = new Map<string, string[]>();
  const expand = (entries: string[], where: string, trail: string[] = []): string[] =>
    entries.flatMap((e) => {
      if (!e.startsWith('@')) return [e];
      const name = e.slice(1);
      if (trail.includes(name))
        throw new Error(`${file}: ${where}: set ${name} refers to itself (${[...trail, name].join(' → ')})`);
      const set = sets[name];
      if (!set) throw new Error(`${file}: ${where}: no set named ${name} in sets`);
      let ids = expanded.get(name);
      if (!ids) {
        ids = expand(set, `sets.${name}`, [...trail, name]);
        expanded.set(name, ids);
      }
      return ids;
    });
  return {
    keyword: keyword.map((q, i) => ({ ...q, relevant: expand(q.relevant, `keyword[${i}] (${q.text})`) })),
    sentence: sentence.map((q, i) => ({
      ...q,
      relevant: expand(q.relevant, `sentence[${i}] (${q.text})`),
      note: `sentence: ${q.need}`,
      style: 'sentence' as const,
    })),
  };
}

const judged = loadJudgedQueries(data);

/** Keyword searches: words as agencies write them. */
export const KEYWORD_QUERIES: JudgedQuery[] = judged.keyword;

/** Sentences in a firm's own words. */
export const SENTENCE_QUERIES: JudgedQuery[] = judged.sentence;

export const JUDGED_QUERIES: JudgedQuery[] = [
  ...KEYWORD_QUERIES.map((q) => ({ ...q, style: 'keyword' as const })),
  ...SENTENCE_QUERIES,
];
