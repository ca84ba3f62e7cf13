/**
 * Snippets for search results: the part of a programme's summary, details or title where the
 * query's words (or their synonyms) occur, each occurrence wrapped in 【 】. Plain-text markers
 * keep snippets safe to show anywhere; brackets the text already has become 〔 〕 so markers stay
 * unambiguous. Matching runs on the folded text, marking runs on the original.
 */
import type { ParsedQuery } from './query';
import { foldWithOffsets } from './text';

export const MARK_OPEN = '【';
export const MARK_CLOSE = '】';
const SNIPPET_LENGTH = 90;
const CONTEXT_BEFORE = 20;

interface Field {
  text: string;
  ranges: Array<[number, number]>;
  clauses: number;
}

function findRanges(original: string, query: ParsedQuery): Field {
  const { text, folded, offsets } = foldWithOffsets(original);
  const ranges: Array<[number, number]> = [];
  let clauses = 0;
  for (const clause of query.clauses) {
    let found = false;
    for (const alt of clause.alternatives) {
      for (
        let at = folded.indexOf(alt.text);
        at >= 0 && alt.text;
        at = folded.indexOf(alt.text, at + alt.text.length)
      ) {
        const start = offsets[at];
        // Up to the next folded character, so a dropped final ー is marked with its word.
        const next = at + alt.text.length;
        let end = next < offsets.length ? offsets[next] : text.length;
        while (text[end] === 'ー') end++;
        ranges.push([start, end]);
        found = true;
      }
    }
    if (found) clauses++;
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return { text, ranges: merged, clauses };
}

function escapeMarks(s: string): string {
  return s.replace(/【/g, '〔').replace(/】/g, '〕').replace(/\s+/g, ' ');
}

function render(field: Field): string {
  const { text, ranges } = field;
  let from = 0;
  if (ranges.length > 0 && text.length > SNIPPET_LENGTH) {
    from = Math.max(0, Math.min(ranges[0][0] - CONTEXT_BEFORE, text.length - SNIPPET_LENGTH));
  }
  const to = Math.min(text.length, from + SNIPPET_LENGTH);
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [start, end] of ranges) {
    if (end <= from || start >= to) continue;
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    out += escapeMarks(text.slice(at, s)) + MARK_OPEN + escapeMarks(text.slice(s, e)) + MARK_CLOSE;
    at = e;
  }
  out += escapeMarks(text.slice(at, to));
  if (to < text.length) out += '…';
  return out.trim();
}

/**
 * The snippet for one programme: from the field where most of the query's words occur
 * (summary, then details, then title on ties); without any occurrence (a match on its labels
 * only), the start of the summary unmarked. Null when the query has no words.
 */
export function highlight(
  program: { title: string; summary: string | null; body: string | null },
  query: ParsedQuery,
): string | null {
  if (query.clauses.length === 0) return null;
  const fields = [program.summary, program.body, program.title]
    .filter((t): t is string => !!t)
    .map((t) => findRanges(t, query));
  let best: Field | undefined;
  for (const f of fields) if (f.clauses > 0 && (!best || f.clauses > best.clauses)) best = f;
  return render(best ?? fields[0]);
}
