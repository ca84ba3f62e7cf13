/**
 * Planning: the text read as clauses (parsed as typed, or understood as a firm's sentence) and
 * the clauses made runnable against one index: each alternative's tokens looked up once, common
 * bigrams inside longer words dropped, one inverse document frequency per clause, must-clauses
 * cheapest first so later ones only look at documents the earlier ones kept.
 */
import type { IndexCore, TokenEntry } from './core';
import { parseQuery, type Clause, type ParsedQuery } from './query';
import { kindIndex } from './segment';
import type { Token } from './text';
import { understandQuery, type Interpretation } from './understand';

/**
 * A bigram in more than this share of all programmes (事業, 支援) tells little: inside a longer
 * word it is not required when the word's other bigrams are (a common-grams shortcut), which
 * keeps 事業承継 from reading the postings of nearly every programme.
 */
const COMMON_SHARE = 0.2;

/** A query clause's alternative ready to run: its tokens (common ones dropped) and its weight. */
export interface PlannedAlternative {
  tokens: TokenEntry[];
  required: number;
  weight: number;
}

export interface PlannedClause {
  alternatives: PlannedAlternative[];
  idf: number;
  cost: number;
  boost: number;
  /** The parsed clause it runs. */
  source: Clause;
}

export interface QueryPlan {
  parsed: ParsedQuery;
  must: PlannedClause[];
  should: PlannedClause[];
  /** Area codes named in the text (an area condition), empty when none. */
  places: string[];
  interpretation: Interpretation;
  /** Kinds named in the text as bits of kind numbers: by relevance, they are listed first. */
  preferredKinds: number;
  /** Words as typed that もしかして may correct. */
  spelling: string[];
  /** The plan requiring the needs its keywords name, when it differs (see Understanding.broadenable). */
  broadened: (() => QueryPlan) | null;
}

/**
 * Turns the text into runnable clauses. A clause gets one inverse document frequency: it is one
 * concept however many synonyms and bigrams spell it, so a rare synonym must not outweigh the
 * common word typed. Its document frequency is estimated from above as the sum over alternatives
 * of their rarest token's.
 */
export function planQuery(
  core: IndexCore,
  text: string | null | undefined,
  understand: boolean,
  broaden = false,
): QueryPlan {
  if (!understand) {
    const parsed = parseQuery(text, core.synonyms);
    const interpretation = {
      terms: parsed.clauses.map((c) => c.label ?? ''),
      places: [],
      supportFields: [],
      kinds: [],
      needs: [],
      firm: [],
      dropped: [],
    };
    return {
      ...planClauses(core, parsed),
      places: [],
      interpretation,
      preferredKinds: 0,
      spelling: [],
      broadened: null,
    };
  }
  const { analyser, thesaurus } = core.understanding();
  const u = understandQuery(
    text,
    { analyser, thesaurus, synonyms: core.synonyms, readingsOf: (kana) => core.vocabulary().readAs(kana) },
    broaden,
  );
  const marks = [...new Set(u.clauses.flatMap((c) => c.alternatives.map((a) => a.text)).filter(Boolean))].sort(
    (a, b) => b.length - a.length,
  );
  return {
    ...planClauses(core, { clauses: u.clauses, marks }),
    places: u.places,
    interpretation: u.interpretation,
    preferredKinds: u.preferredKinds.reduce((m, k) => m | (1 << kindIndex(k)), 0),
    spelling: u.spelling,
    broadened: u.broadenable ? () => planQuery(core, text, true, true) : null,
  };
}

function planClauses(
  core: IndexCore,
  parsed: ParsedQuery,
): { parsed: ParsedQuery; must: PlannedClause[]; should: PlannedClause[] } {
  const frequency = (t: Token) => core.lookup(t).df;
  const common = COMMON_SHARE * core.size;
  const planClause = (clause: Clause): PlannedClause => {
    let clauseDf = 0;
    let cost = 0;
    const alternatives = clause.alternatives.map((alt) => {
      const sorted = [...alt.tokens].sort((a, b) => frequency(a) - frequency(b));
      const kept = sorted.filter((t, i) => i === 0 || frequency(t) <= common);
      const dropped = alt.tokens.length - kept.length;
      clauseDf = clause.broad ? Math.max(clauseDf, frequency(sorted[0])) : clauseDf + frequency(sorted[0]);
      for (const t of kept) cost += frequency(t);
      return {
        tokens: kept.map((t) => core.lookup(t)),
        required: Math.max(1, alt.required - dropped),
        weight: alt.weight,
      };
    });
    return {
      alternatives,
      idf: core.idfOf(Math.min(clauseDf, core.size)),
      cost,
      boost: clause.boost ?? 1,
      source: clause,
    };
  };
  const must = parsed.clauses
    .filter((c) => c.must)
    .map(planClause)
    .sort((a, b) => a.cost - b.cost);
  const should = parsed.clauses.filter((c) => !c.must).map(planClause);
  return { parsed, must, should };
}
