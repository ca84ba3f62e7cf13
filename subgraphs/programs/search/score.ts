/**
 * Scoring: BM25 over the packed per-field term frequencies (title > summary > tags = body) of a
 * segment's postings, one clause at a time into scratch buffers sized to the largest segment, so
 * a query allocates nothing per document. `match` keeps the documents every must-clause matches;
 * `matchAny` (a relaxed search) records which must-clauses each document matches.
 */
import type { IndexCore, TokenEntry } from './core';
import type { PlannedClause, QueryPlan } from './plan';
import { WEIGHTED_TF, type Segment } from './segment';

export const K1 = 1.2;
export const B = 0.4;
const SHOULD_WEIGHT = 0.5;
/** Most must-clauses a relaxed search weighs against each other (a bit per clause). */
export const MAX_RELAXED_CLAUSES = 16;
// Read once: under tsx, imported bindings are getters, too slow for the innermost loops.
const TF = WEIGHTED_TF;

/** Scratch buffers sized to the largest segment, reused by every (synchronous) query. */
export class Scratch {
  hits: Uint8Array;
  total: Float64Array;
  altCount: Uint8Array;
  altScore: Float64Array;
  best: Float64Array;
  reset: Int32Array;
  candidates: Int32Array;
  altTouched: Int32Array;
  clauseTouched: Int32Array;
  /** Must-clauses matched, as bits, in a relaxed search. */
  masks: Uint32Array;
  /** How many entries of `reset` the last match left to clear. */
  resetCount = 0;

  constructor(size: number) {
    this.masks = new Uint32Array(size);
    this.hits = new Uint8Array(size);
    this.total = new Float64Array(size);
    this.altCount = new Uint8Array(size);
    this.altScore = new Float64Array(size);
    this.best = new Float64Array(size);
    this.reset = new Int32Array(size);
    this.candidates = new Int32Array(size);
    this.altTouched = new Int32Array(size);
    this.clauseTouched = new Int32Array(size);
  }
}

/**
 * An alternative whose every token is required (a word of several bigrams): the documents of its
 * rarest token, kept while each further token's postings have them too — found by galloping
 * through those postings (both lists ascend), so a common bigram's postings are skipped over
 * rather than read. Adds to scratch.best and clauseTouched like the general case; returns the new
 * count of clauseTouched.
 */
function matchAll(
  core: IndexCore,
  seg: Segment,
  si: number,
  tokens: readonly TokenEntry[],
  round: number,
  scale: number,
  matched: number,
  norms: Float32Array,
): number {
  const { hits, altScore, best, altTouched, clauseTouched } = core.scratch;
  const { termStart, postDoc, postWeight } = seg;
  for (const token of tokens) if (token.terms[si] < 0) return matched;
  // The first token's documents (the rarest by the plan's order), with its part of the score.
  const first = tokens[0].terms[si];
  let count = 0;
  for (let p = termStart[first], end = termStart[first + 1]; p < end; p++) {
    const d = postDoc[p];
    if (round > 0 && hits[d] !== round) continue;
    const tf = TF[postWeight[p]];
    altScore[d] = tf / (tf + norms[d]);
    altTouched[count++] = d;
  }
  for (let k = 1; k < tokens.length && count > 0; k++) {
    const t = tokens[k].terms[si];
    const end = termStart[t + 1];
    let p = termStart[t];
    let kept = 0;
    let i = 0;
    for (; i < count && p < end; i++) {
      const d = altTouched[i];
      if (postDoc[p] < d) {
        // Gallop: double the step until past d, then halve back to the first posting ≥ d.
        let lo = p;
        let step = 1;
        let hi = p + 1;
        while (hi < end && postDoc[hi] < d) {
          lo = hi;
          step += step;
          hi = lo + step;
        }
        if (hi > end) hi = end;
        while (lo + 1 < hi) {
          const mid = (lo + hi) >>> 1;
          if (postDoc[mid] < d) lo = mid;
          else hi = mid;
        }
        p = hi;
      }
      if (p < end && postDoc[p] === d) {
        const tf = TF[postWeight[p]];
        altScore[d] += tf / (tf + norms[d]);
        altTouched[kept++] = d;
        p++;
      } else {
        altScore[d] = 0;
      }
    }
    for (; i < count; i++) altScore[altTouched[i]] = 0;
    count = kept;
  }
  for (let i = 0; i < count; i++) {
    const d = altTouched[i];
    const s = altScore[d] * scale;
    if (best[d] === 0) clauseTouched[matched++] = d;
    if (s > best[d]) best[d] = s;
    altScore[d] = 0;
  }
  return matched;
}

/**
 * Scores one clause into the scratch buffers. With `round` > 0 only documents that matched the
 * `round` clauses before it are considered. Returns how many documents the clause matched; they
 * are in scratch.clauseTouched with their clause score added to scratch.total.
 */
function scoreClause(
  core: IndexCore,
  seg: Segment,
  si: number,
  clause: PlannedClause,
  round: number,
  must: boolean,
  track = false,
): number {
  const scratch = core.scratch;
  const { hits, total, altCount, altScore, best, altTouched, clauseTouched, reset } = scratch;
  const { termStart, postDoc, postWeight } = seg;
  const norms = core.normsOf(seg);
  let matched = 0;
  for (const alt of clause.alternatives) {
    // The mean over the alternative's tokens (a missing one counting 0): a long synonym
    // (スタートアップ, six bigrams) weighs as much as a short one (創業), not six times more.
    const scale = (clause.idf * clause.boost * alt.weight * (K1 + 1)) / alt.tokens.length;
    if (alt.tokens.length === 1) {
      // One token (most words of two characters): its postings are the matches.
      const t = alt.tokens[0].terms[si];
      if (t < 0) continue;
      for (let p = termStart[t], end = termStart[t + 1]; p < end; p++) {
        const d = postDoc[p];
        if (round > 0 && hits[d] !== round) continue;
        const tf = TF[postWeight[p]];
        const s = (scale * tf) / (tf + norms[d]);
        if (best[d] === 0) clauseTouched[matched++] = d;
        if (s > best[d]) best[d] = s;
      }
      continue;
    }
    if (alt.required === alt.tokens.length) {
      matched = matchAll(core, seg, si, alt.tokens, round, scale, matched, norms);
      continue;
    }
    let touched = 0;
    for (const token of alt.tokens) {
      const t = token.terms[si];
      if (t < 0) continue;
      for (let p = termStart[t], end = termStart[t + 1]; p < end; p++) {
        const d = postDoc[p];
        if (round > 0 && hits[d] !== round) continue;
        if (altCount[d] === 0) altTouched[touched++] = d;
        altCount[d]++;
        const tf = TF[postWeight[p]];
        altScore[d] += tf / (tf + norms[d]);
      }
    }
    for (let i = 0; i < touched; i++) {
      const d = altTouched[i];
      if (altCount[d] >= alt.required) {
        const s = altScore[d] * scale;
        if (best[d] === 0) clauseTouched[matched++] = d;
        if (s > best[d]) best[d] = s;
      }
      altCount[d] = 0;
      altScore[d] = 0;
    }
  }
  for (let i = 0; i < matched; i++) {
    const d = clauseTouched[i];
    if (must) {
      total[d] += best[d];
      hits[d]++;
    } else {
      // Preferences scored without a must-clause (who the firm is, with a place alone): the
      // documents touched are remembered for release.
      if (track && total[d] === 0) reset[scratch.resetCount++] = d;
      total[d] += best[d] * SHOULD_WEIGHT;
    }
    best[d] = 0;
  }
  return matched;
}

/**
 * Finds a segment's documents matching every must-clause: their count, with the documents in
 * scratch.candidates and their text scores in scratch.total until `release`. -1 means every
 * document (a query without words), scored by its preferences alone (0 for most).
 */
export function match(core: IndexCore, seg: Segment, si: number, plan: QueryPlan): number {
  const { must, should } = plan;
  const scratch = core.scratch;
  scratch.resetCount = 0;
  if (must.length === 0) {
    for (const clause of should) scoreClause(core, seg, si, clause, 0, false, true);
    return -1;
  }
  const { hits, reset, candidates, clauseTouched } = scratch;
  let count = 0;
  for (let round = 0; round < must.length; round++) {
    const matched = scoreClause(core, seg, si, must[round], round, true);
    if (round === 0) {
      reset.set(clauseTouched.subarray(0, matched));
      candidates.set(clauseTouched.subarray(0, matched));
      scratch.resetCount = matched;
      count = matched;
    } else {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const d = candidates[i];
        if (hits[d] === round + 1) candidates[kept++] = d;
      }
      count = kept;
    }
    if (count === 0) return 0;
  }
  for (const clause of should) scoreClause(core, seg, si, clause, must.length, false);
  return count;
}

/**
 * For a relaxed search: a segment's documents matching at least one must-clause, each with the
 * clauses it matches as bits in scratch.masks, in scratch.candidates until `release`.
 */
export function matchAny(core: IndexCore, seg: Segment, si: number, plan: QueryPlan): number {
  const scratch = core.scratch;
  const { reset, candidates, clauseTouched, masks } = scratch;
  let count = 0;
  plan.must.slice(0, MAX_RELAXED_CLAUSES).forEach((clause, i) => {
    const matched = scoreClause(core, seg, si, clause, 0, true);
    for (let k = 0; k < matched; k++) {
      const d = clauseTouched[k];
      if (masks[d] === 0) {
        reset[count] = d;
        candidates[count++] = d;
      }
      masks[d] |= 1 << i;
    }
  });
  scratch.resetCount = count;
  return count;
}

/** Clears what `match` left in the scratch buffers. */
export function release(core: IndexCore): void {
  const scratch = core.scratch;
  const { hits, total, reset, masks } = scratch;
  for (let i = 0; i < scratch.resetCount; i++) {
    hits[reset[i]] = 0;
    masks[reset[i]] = 0;
    total[reset[i]] = 0;
  }
  scratch.resetCount = 0;
}
