/**
 * Query parsing: the text typed is folded like the documents, split into terms at spaces and
 * punctuation, and each term cut at synonym-dictionary words. Every part becomes a clause the
 * programme must match (all terms, AND); a clause matches through any of its alternatives (the
 * word typed or one of its synonyms, OR). Parts written only in hiragana next to other parts
 * (の, したい) only add to the score, so natural phrasing does not empty the result.
 */
import { DEFAULT_SYNONYMS, segmentTerm, type SynonymDictionary } from './synonyms';
import { foldForSearch, isHiraganaOnly, queryTokensOf, type Token } from './text';

export interface Alternative {
  /** Folded form, looked for literally when marking matches. */
  text: string;
  tokens: Token[];
  /** How many of the tokens a programme must contain. */
  required: number;
  /** 1 for the word typed, less for a synonym. */
  weight: number;
}

export interface Clause {
  alternatives: Alternative[];
  /** False for an optional clause that only adds to the score. */
  must: boolean;
  /** What the clause stands for in the answer's interpretation: a word typed, a need, kind words. */
  label?: string;
  /**
   * A clause of many alternatives (a need, kinds): its rarity is its most common alternative's,
   * not the sum over alternatives, which would make it count for nothing.
   */
  broad?: boolean;
  /** Multiplies the clause's score (a kind preference). */
  boost?: number;
  /** Who the firm is (飲食店, 農業者): a preference. */
  firm?: boolean;
  /** Kind words (補助金, セミナー). */
  kind?: boolean;
}

export interface ParsedQuery {
  clauses: Clause[];
  /** Folded strings worth marking in a snippet, longest first. */
  marks: string[];
}

export const SYNONYM_WEIGHT = 0.85;
export const MAX_QUERY_LENGTH = 200;

// Spaces and punctuation separate terms; & + - . stay inside them (M&A, R&D, CO2).
export const TERM_SEPARATORS = /[\s、。，,・/／|｜!?！？「」『』()（）[\]【】〔〕<>"“”'‘’:：;；~〜]+/u;

/** Share of a long plain term's tokens that must be present (short ones need all). */
function requiredOf(count: number): number {
  return count <= 3 ? count : Math.ceil(count * 0.75);
}

export function alternativeOf(text: string, weight: number, exact: boolean): Alternative | null {
  const tokens = queryTokensOf(text);
  if (tokens.length === 0) return null;
  return { text, tokens, required: exact ? tokens.length : requiredOf(tokens.length), weight };
}

export function parseQuery(
  text: string | null | undefined,
  dictionary: SynonymDictionary = DEFAULT_SYNONYMS,
): ParsedQuery {
  const folded = foldForSearch(text ?? '');
  const clauses: Array<Clause & { hiraganaOnly: boolean }> = [];
  for (const term of folded.split(TERM_SEPARATORS)) {
    if (!term) continue;
    for (const part of segmentTerm(term, dictionary)) {
      if (part.kind === 'synonym') {
        const alternatives = part.alternatives
          .map((alt, i) => alternativeOf(alt, i === 0 ? 1 : SYNONYM_WEIGHT, true))
          .filter((a): a is Alternative => a !== null);
        if (alternatives.length) clauses.push({ alternatives, must: true, hiraganaOnly: false });
      } else {
        const alternative = alternativeOf(part.text, 1, false);
        if (alternative)
          clauses.push({ alternatives: [alternative], must: true, hiraganaOnly: isHiraganaOnly(part.text) });
      }
    }
  }
  if (clauses.some((c) => !c.hiraganaOnly)) for (const c of clauses) if (c.hiraganaOnly) c.must = false;
  const marks = [...new Set(clauses.flatMap((c) => c.alternatives.map((a) => a.text)))].sort(
    (a, b) => b.length - a.length,
  );
  return {
    clauses: clauses.map(({ alternatives, must }) => ({ alternatives, must, label: alternatives[0].text })),
    marks,
  };
}
