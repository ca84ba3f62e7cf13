/**
 * The one-stop programme search, in process: `createSearchIndex(records)` builds an immutable
 * index (pure, no I/O) of per-source segments; `withSources` swaps the segments of the sources a
 * sync changed. Queries are scored BM25-style over title > summary > tags > body, with synonym
 * expansion, then filtered, counted into facets (each facet under every filter but its own) and
 * cut to a page with a bounded heap, so a query costs the postings it reads, not the catalogue.
 * The store-backed holder that keeps an index in step with syncs is in ./holder.
 */
import { distanceKm, getMunicipality, isWithin, NATIONWIDE, parentOf } from '../../../domain/municipalities';
import { programStatus, type ProgramStatusValue } from '../../../domain/programStatus';
import { defaultAnalyser, type Analyser } from './analyser';
import { createThesaurus, type Thesaurus } from './thesaurus';
import { parseQuery, type Clause, type ParsedQuery } from './query';
import { understandQuery, type Interpretation } from './understand';
import { MAX_SUGGESTIONS, Vocabulary } from './vocabulary';
import {
  buildSegment,
  dayNumber,
  Dictionaries,
  industryMask,
  kindIndex,
  PROGRAM_KIND_CODES,
  supportFieldMask,
  SUPPORT_FIELD_CODES,
  WEIGHTED_TF,
  type IndexableProgram,
  type Segment,
} from './segment';
import { DEFAULT_SYNONYMS, type SynonymDictionary } from './synonyms';
import { TopK } from './topk';
import { foldForSearch, queryTokensOf, tokensOf, type Token } from './text';

export type { IndexableProgram } from './segment';
export { parseQuery } from './query';
export type { ParsedQuery } from './query';
export type { Interpretation } from './understand';

export type SearchSort = 'RELEVANCE' | 'CLOSING_DATE' | 'DISTANCE';

/** Where a provider's counter is: the organizations table's municipality and coordinates. */
export interface ProviderLocation {
  id: string;
  municipalityCode: string | null;
  lat: number | null;
  lng: number | null;
}

export interface SearchFilterInput {
  supportFields?: readonly string[] | null;
  kinds?: readonly string[] | null;
  purposes?: readonly string[] | null;
  providerIds?: readonly string[] | null;
  /** Programmes open to firms in this municipality: areas containing it, 全国, or no area at all. */
  municipalityCode?: string | null;
  /** Firm size: programmes without an employee ceiling or with a ceiling of at least this. */
  employees?: number | null;
  /** JSIC division letter: programmes for every industry or listing this one. */
  industry?: string | null;
  status?: readonly ProgramStatusValue[] | null;
  /** Programmes whose application period ends on or before this date. */
  closingBefore?: string | null;
}

export interface SearchRequest {
  text?: string | null;
  filter?: SearchFilterInput | null;
  sort?: SearchSort;
  /** Municipality code distances are measured from. */
  origin?: string | null;
  /** The day statuses are computed for, YYYY-MM-DD (Japan). */
  today: string;
  offset?: number;
  limit?: number;
  /** Count facets (default true). */
  facets?: boolean;
  /**
   * Read the text as a firm's sentence (places, needs, kinds, grammar; default true). False runs
   * the words as typed, every one required: the engine before query understanding, kept for
   * comparison (bench/search.ts) and for callers that want literal matching.
   */
  understand?: boolean;
}

export interface SearchHit {
  id: string;
  providerId: string;
  score: number;
  status: ProgramStatusValue;
  distanceKm: number | null;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchFacets {
  supportFields: FacetCount[];
  kinds: FacetCount[];
  purposes: FacetCount[];
  providers: FacetCount[];
  statuses: FacetCount[];
  prefectures: FacetCount[];
}

/** How a search read its text; `relaxed` when not every word could be matched together. */
export interface SearchInterpretation extends Interpretation {
  relaxed: boolean;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: SearchFacets | null;
  query: ParsedQuery;
  interpretation: SearchInterpretation;
  /** もしかして: kanji forms of kana words, corrections of words the catalogue does not have. */
  suggestions: string[];
}

export interface ProviderMatch {
  providerId: string;
  score: number;
  distanceKm: number | null;
  /** How many of its programmes match. */
  count: number;
  /** The provider's matching programmes, best first (at most `programsPerProvider`). */
  programs: SearchHit[];
}

/** A request the index cannot answer as asked (unknown code, bad value); resolvers map it to BAD_USER_INPUT. */
export class SearchInputError extends Error {}

const STATUSES: ProgramStatusValue[] = ['OPEN', 'ONGOING', 'UPCOMING', 'CLOSED'];
const STATUS_CODE: Record<ProgramStatusValue, number> = { OPEN: 0, ONGOING: 1, UPCOMING: 2, CLOSED: 3 };
// Open and always-available programmes first, then those opening later, closed ones last.
const TIER = [0, 0, 1, 2];
const K1 = 1.2;
const B = 0.4;
const SHOULD_WEIGHT = 0.5;
const NO_DISTANCE = 1e12;
/**
 * A bigram in more than this share of all programmes (事業, 支援) tells little: inside a longer
 * word it is not required when the word's other bigrams are (a common-grams shortcut), which
 * keeps 事業承継 from reading the postings of nearly every programme.
 */
const COMMON_SHARE = 0.2;

// Facets a filter is paired with, for counting each facet under every filter but its own.
const FACET_FIELDS = 0;
const FACET_KINDS = 1;
const FACET_PURPOSES = 2;
const FACET_PROVIDERS = 3;
const FACET_STATUSES = 4;
const FACET_PREFECTURES = 5;

function facetList(counts: Iterable<[string, number]>): FacetCount[] {
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

const EARTH_RADIUS_KM = 6371.0088;

function greatCircleKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Codes whose area contains the municipality: itself, its city, prefecture, and 全国. */
export function enclosingAreaCodes(code: string): string[] {
  if (!getMunicipality(code)) throw new SearchInputError(`unknown municipalityCode ${code}`);
  const codes = [NATIONWIDE];
  for (let c: string | null = code; c && c !== NATIONWIDE; c = parentOf(c)) codes.push(c);
  return codes;
}

/** Scratch buffers sized to the largest segment, reused by every (synchronous) query. */
class Scratch {
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

interface TokenEntry {
  terms: Int32Array;
  df: number;
}

const TOKEN_CACHE_SIZE = 20_000;
// Read once: under tsx, imported bindings are getters, too slow for the innermost loops.
const TF = WEIGHTED_TF;

/** A query clause ready to run: its alternatives' tokens (common ones dropped) and its weight. */
interface PlannedAlternative {
  tokens: TokenEntry[];
  required: number;
  weight: number;
}

interface PlannedClause {
  alternatives: PlannedAlternative[];
  idf: number;
  cost: number;
  boost: number;
  /** The parsed clause it runs. */
  source: Clause;
}

interface QueryPlan {
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

/** Query understanding's parts, shared by an index and those derived from it. */
export interface Understander {
  analyser: Analyser;
  thesaurus: Thesaurus;
}

let sharedUnderstander: Understander | null = null;

/** The product's analyser and thesaurus, built once per process. */
export function defaultUnderstander(): Understander {
  if (!sharedUnderstander) {
    const analyser = defaultAnalyser();
    sharedUnderstander = { analyser, thesaurus: createThesaurus(analyser) };
  }
  return sharedUnderstander;
}

/** Most must-clauses a relaxed search weighs against each other (a bit per clause). */
const MAX_RELAXED_CLAUSES = 16;

/** A filter turned into flags over dictionary numbers, for one query. */
interface PreparedFilter {
  fieldMask: number;
  kindMask: number;
  purposeOk: Uint8Array | null;
  providerOk: Uint8Array | null;
  /** Allowed status codes as flags. */
  statuses: Uint8Array | null;
  areaOk: Uint8Array | null;
  employees: number | null;
  industryBit: number;
  closingBeforeDay: number;
  /** Areas overlapping the places named in the text (no facet of its own: it excludes outright). */
  placeOk: Uint8Array | null;
  /** Whether any filter with a facet of its own is set. */
  faceted: boolean;
}

interface MaskCount {
  count: number;
  score: number;
}

function popcount(x: number): number {
  let n = 0;
  for (let m = x; m !== 0; m &= m - 1) n++;
  return n;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export class SearchIndex {
  /** Sorted by source id; a document's global order is its segment's base plus its position. */
  private readonly segments: readonly Segment[];
  private readonly bases: readonly number[];
  private readonly scratch: Scratch;
  readonly size: number;
  private readonly avgLength: number;
  private readonly statusCache = new Map<string, Uint8Array>();
  private readonly distanceCache = new Map<string, Float64Array>();
  private readonly norms = new WeakMap<Segment, Float32Array>();
  private readonly tokenCache = new Map<Token, TokenEntry>();
  private resetCount = 0;

  constructor(
    segments: Iterable<Segment>,
    private readonly dictionaries: Dictionaries,
    private readonly providerLocations: ReadonlyMap<string, ProviderLocation>,
    private readonly synonyms: SynonymDictionary,
    private readonly understander: Understander | null = null,
  ) {
    this.segments = [...segments].filter((s) => s.size > 0).sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1));
    const bases: number[] = [];
    let size = 0;
    let totalLength = 0;
    let largest = 0;
    for (const s of this.segments) {
      bases.push(size);
      size += s.size;
      totalLength += s.totalLength;
      largest = Math.max(largest, s.size);
    }
    this.bases = bases;
    this.size = size;
    this.avgLength = size ? totalLength / size : 1;
    this.scratch = new Scratch(largest);
  }

  /** Size figures, for benchmarks and monitoring. */
  stats(): { programmes: number; segments: number; terms: number; postings: number; bytes: number } {
    let terms = 0;
    let postings = 0;
    let bytes = 0;
    for (const s of this.segments) {
      terms += s.termCount;
      postings += s.postDoc.length;
      bytes += s.bytes;
    }
    return { programmes: this.size, segments: this.segments.length, terms, postings, bytes };
  }

  /** Source ids with at least one programme in the index. */
  get sourceIds(): string[] {
    return this.segments.map((s) => s.sourceId);
  }

  /** A new index with the given sources' programmes replaced (an empty list removes a source). */
  withSources(changes: ReadonlyMap<string, readonly IndexableProgram[]>): SearchIndex {
    const kept = this.segments.filter((s) => !changes.has(s.sourceId));
    const rebuilt = [...changes]
      .filter(([, records]) => records.length > 0)
      .map(([sourceId, records]) => buildSegment(sourceId, records, this.dictionaries));
    return new SearchIndex(
      [...kept, ...rebuilt],
      this.dictionaries,
      this.providerLocations,
      this.synonyms,
      this.understander,
    );
  }

  withProviders(providers: Iterable<ProviderLocation>): SearchIndex {
    return new SearchIndex(
      this.segments,
      this.dictionaries,
      new Map([...providers].map((p) => [p.id, p])),
      this.synonyms,
      this.understander,
    );
  }

  parse(text: string | null | undefined): ParsedQuery {
    return parseQuery(text, this.synonyms);
  }

  private understanding(): Understander {
    return this.understander ?? defaultUnderstander();
  }

  private vocabularyCache: Vocabulary | null = null;

  /** The catalogue's words with their readings, read on first use (or by `warm`). */
  vocabulary(): Vocabulary {
    if (!this.vocabularyCache) {
      const counts = new Map<string, number>();
      for (const seg of this.segments) for (const [w, n] of seg.words) counts.set(w, (counts.get(w) ?? 0) + n);
      this.vocabularyCache = new Vocabulary(counts, this.understanding().analyser);
    }
    return this.vocabularyCache;
  }

  /** Loads the analyser and reads the vocabulary, so that the first search pays for neither. */
  warm(): this {
    this.understanding();
    this.vocabulary();
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Planning and matching
  // ---------------------------------------------------------------------------------------------

  /**
   * A token's term number in every segment (-1 where absent) and its document frequency over the
   * index. The index is immutable, so this is cached (at most TOKEN_CACHE_SIZE tokens, oldest
   * out first): popular words cost one lookup per query instead of one per segment.
   */
  private lookup(token: Token): TokenEntry {
    let entry = this.tokenCache.get(token);
    if (!entry) {
      const terms = new Int32Array(this.segments.length);
      let df = 0;
      this.segments.forEach((seg, i) => {
        const t = seg.term(token);
        terms[i] = t;
        if (t >= 0) df += seg.termStart[t + 1] - seg.termStart[t];
      });
      entry = { terms, df };
      if (this.tokenCache.size >= TOKEN_CACHE_SIZE)
        this.tokenCache.delete(this.tokenCache.keys().next().value as Token);
      this.tokenCache.set(token, entry);
    }
    return entry;
  }

  private idfOf(df: number): number {
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /**
   * Turns parsed clauses into runnable ones. A clause gets one inverse document frequency: it
   * is one concept however many synonyms and bigrams spell it, so a rare synonym must not
   * outweigh the common word typed. Its document frequency is estimated from above as the sum
   * over alternatives of their rarest token's.
   */
  private plan(text: string | null | undefined, understand: boolean, broaden = false): QueryPlan {
    if (!understand) {
      const parsed = this.parse(text);
      const interpretation = {
        terms: parsed.clauses.map((c) => c.label ?? ''),
        places: [],
        supportFields: [],
        kinds: [],
        needs: [],
        dropped: [],
      };
      return {
        ...this.planClauses(parsed),
        places: [],
        interpretation,
        preferredKinds: 0,
        spelling: [],
        broadened: null,
      };
    }
    const { analyser, thesaurus } = this.understanding();
    const u = understandQuery(
      text,
      { analyser, thesaurus, synonyms: this.synonyms, readingsOf: (kana) => this.vocabulary().readAs(kana) },
      broaden,
    );
    const marks = [...new Set(u.clauses.flatMap((c) => c.alternatives.map((a) => a.text)).filter(Boolean))].sort(
      (a, b) => b.length - a.length,
    );
    return {
      ...this.planClauses({ clauses: u.clauses, marks }),
      places: u.places,
      interpretation: u.interpretation,
      preferredKinds: u.preferredKinds.reduce((m, k) => m | (1 << kindIndex(k)), 0),
      spelling: u.spelling,
      broadened: u.broadenable ? () => this.plan(text, true, true) : null,
    };
  }

  private planClauses(parsed: ParsedQuery): { parsed: ParsedQuery; must: PlannedClause[]; should: PlannedClause[] } {
    const frequency = (t: Token) => this.lookup(t).df;
    const common = COMMON_SHARE * this.size;
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
          tokens: kept.map((t) => this.lookup(t)),
          required: Math.max(1, alt.required - dropped),
          weight: alt.weight,
        };
      });
      return {
        alternatives,
        idf: this.idfOf(Math.min(clauseDf, this.size)),
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

  /** BM25 length normalization of each document of a segment, for this index's average length. */
  private normsOf(seg: Segment): Float32Array {
    let norms = this.norms.get(seg);
    if (!norms) {
      norms = new Float32Array(seg.size);
      const perLength = (K1 * B) / this.avgLength;
      for (let d = 0; d < seg.size; d++) norms[d] = K1 * (1 - B) + perLength * seg.length[d];
      this.norms.set(seg, norms);
    }
    return norms;
  }

  /**
   * Scores one clause into the scratch buffers. With `round` > 0 only documents that matched the
   * `round` clauses before it are considered. Returns how many documents the clause matched; they
   * are in scratch.clauseTouched with their clause score added to scratch.total.
   */
  private scoreClause(seg: Segment, si: number, clause: PlannedClause, round: number, must: boolean): number {
    const { hits, total, altCount, altScore, best, altTouched, clauseTouched } = this.scratch;
    const { termStart, postDoc, postWeight } = seg;
    const norms = this.normsOf(seg);
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
        total[d] += best[d] * SHOULD_WEIGHT;
      }
      best[d] = 0;
    }
    return matched;
  }

  /**
   * Finds a segment's documents matching every must-clause: their count, with the documents in
   * scratch.candidates and their text scores in scratch.total until `release`. -1 means every
   * document, with score 0 (a query without words).
   */
  private match(seg: Segment, si: number, plan: QueryPlan): number {
    const { must, should } = plan;
    this.resetCount = 0;
    if (must.length === 0) return -1;
    const { hits, reset, candidates, clauseTouched } = this.scratch;
    let count = 0;
    for (let round = 0; round < must.length; round++) {
      const matched = this.scoreClause(seg, si, must[round], round, true);
      if (round === 0) {
        reset.set(clauseTouched.subarray(0, matched));
        candidates.set(clauseTouched.subarray(0, matched));
        this.resetCount = matched;
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
    for (const clause of should) this.scoreClause(seg, si, clause, must.length, false);
    return count;
  }

  /**
   * For a relaxed search: a segment's documents matching at least one must-clause, each with the
   * clauses it matches as bits in scratch.masks, in scratch.candidates until `release`.
   */
  private matchAny(seg: Segment, si: number, plan: QueryPlan): number {
    const { reset, candidates, clauseTouched, masks } = this.scratch;
    let count = 0;
    plan.must.slice(0, MAX_RELAXED_CLAUSES).forEach((clause, i) => {
      const matched = this.scoreClause(seg, si, clause, 0, true);
      for (let k = 0; k < matched; k++) {
        const d = clauseTouched[k];
        if (masks[d] === 0) {
          reset[count] = d;
          candidates[count++] = d;
        }
        masks[d] |= 1 << i;
      }
    });
    this.resetCount = count;
    return count;
  }

  /** Clears what `match` left in the scratch buffers. */
  private release(): void {
    const { hits, total, reset, masks } = this.scratch;
    for (let i = 0; i < this.resetCount; i++) {
      hits[reset[i]] = 0;
      masks[reset[i]] = 0;
      total[reset[i]] = 0;
    }
    this.resetCount = 0;
  }

  /** Status code of every application period on a day, computed once per day by status.ts's rule. */
  private statusesOn(today: string): Uint8Array {
    let statuses = this.statusCache.get(today);
    if (!statuses || statuses.length < this.dictionaries.periods.length) {
      statuses = Uint8Array.from(this.dictionaries.periods, (p) => STATUS_CODE[programStatus(p, today)]);
      if (this.statusCache.size > 16) this.statusCache.clear();
      this.statusCache.set(today, statuses);
    }
    return statuses;
  }

  /** Distance from a municipality to each provider (by dictionary number), NO_DISTANCE when unknown. */
  private distancesFrom(origin: string): Float64Array {
    let km = this.distanceCache.get(origin);
    const providers = this.dictionaries.providers.values;
    if (!km || km.length < providers.length) {
      km = Float64Array.from(providers, (id) => this.providerDistance(id, origin) ?? NO_DISTANCE);
      if (this.distanceCache.size > 64) this.distanceCache.clear();
      this.distanceCache.set(origin, km);
    }
    return km;
  }

  /** Distance from a municipality's point to the provider's counter (its coordinates, else its municipality). */
  providerDistance(providerId: string, origin: string): number | null {
    const from = getMunicipality(origin);
    const at = this.providerLocations.get(providerId);
    if (!from || !at) return null;
    if (at.lat != null && at.lng != null) return greatCircleKm(from.lat, from.lng, at.lat, at.lng);
    return at.municipalityCode ? distanceKm(origin, at.municipalityCode) : null;
  }

  private prepareFilter(filter: SearchFilterInput | null | undefined): PreparedFilter {
    const f = filter ?? {};
    const dict = this.dictionaries;
    if (f.employees != null && (!Number.isInteger(f.employees) || f.employees < 0)) {
      throw new SearchInputError('employees must be a whole number of at least 0');
    }
    let industryBit = 0;
    if (f.industry != null) {
      if (!/^[A-T]$/.test(f.industry))
        throw new SearchInputError(`industry must be a JSIC division letter A–T, got ${JSON.stringify(f.industry)}`);
      industryBit = industryMask([f.industry]);
    }
    const closingBeforeDay = f.closingBefore ? dayNumber(f.closingBefore) : Number.NaN;
    if (f.closingBefore && Number.isNaN(closingBeforeDay))
      throw new SearchInputError(`closingBefore is not a date: ${f.closingBefore}`);
    const flags = (values: readonly string[], allowed: readonly string[] | null | undefined) => {
      if (!allowed?.length) return null;
      const set = new Set(allowed);
      return Uint8Array.from(values, (v) => (set.has(v) ? 1 : 0));
    };
    const prepared: PreparedFilter = {
      // An unknown support field matches nothing: a bit no programme carries.
      fieldMask: f.supportFields?.length ? supportFieldMask(f.supportFields) || 1 << 20 : 0,
      kindMask: f.kinds?.length ? f.kinds.reduce((m, k) => m | (1 << kindIndex(k)), 0) : 0,
      purposeOk: flags(dict.purposes.values, f.purposes),
      providerOk: flags(dict.providers.values, f.providerIds),
      statuses: f.status?.length ? Uint8Array.from(STATUSES, (s) => (f.status!.includes(s) ? 1 : 0)) : null,
      areaOk: f.municipalityCode ? flags(dict.areas.values, enclosingAreaCodes(f.municipalityCode)) : null,
      employees: f.employees ?? null,
      industryBit,
      closingBeforeDay,
      placeOk: null,
      faceted: false,
    };
    prepared.faceted = !!(
      prepared.fieldMask ||
      prepared.kindMask ||
      prepared.purposeOk ||
      prepared.providerOk ||
      prepared.statuses ||
      prepared.areaOk
    );
    return prepared;
  }

  // ---------------------------------------------------------------------------------------------
  // Search
  // ---------------------------------------------------------------------------------------------

  search(request: SearchRequest): SearchResult {
    const sort = request.sort ?? 'RELEVANCE';
    const origin = request.origin ?? null;
    if (origin && !getMunicipality(origin)) throw new SearchInputError(`unknown municipality code ${origin}`);
    if (sort === 'DISTANCE' && !origin)
      throw new SearchInputError('sorting by DISTANCE needs a municipality to measure from');
    const filter = this.prepareFilter(request.filter);
    const understand = request.understand !== false;
    let plan = this.plan(request.text, understand);
    const todayDay = dayNumber(request.today);
    if (Number.isNaN(todayDay)) throw new SearchInputError(`not a date: ${request.today}`);
    filter.placeOk = plan.places.length ? this.placeFlags(plan.places) : null;
    const run = (p: QueryPlan, masks: Map<number, MaskCount> | null) =>
      this.execute(p, filter, {
        sort,
        origin,
        today: request.today,
        todayDay,
        offset: Math.max(0, request.offset ?? 0),
        limit: masks ? 0 : Math.max(0, request.limit ?? 20),
        withFacets: !masks && request.facets !== false,
        masks,
      });
    let outcome = run(plan, null);
    let relaxedWords: string[] = [];
    if (understand && outcome.total === 0 && plan.must.length >= 2) {
      // No programme has every word: keep the largest set of them that some programme has (the
      // most programmes on a tie), and let the others only add to the score.
      const masks = new Map<number, MaskCount>();
      run(plan, masks);
      let best: [number, MaskCount] | null = null;
      for (const entry of masks) {
        if (
          !best ||
          popcount(entry[0]) > popcount(best[0]) ||
          (popcount(entry[0]) === popcount(best[0]) &&
            (entry[1].count > best[1].count || (entry[1].count === best[1].count && entry[1].score > best[1].score)))
        )
          best = entry;
      }
      if (best) {
        const mask = best[0];
        const kept = plan.must.filter((_, i) => (mask & (1 << i)) !== 0);
        const loose = plan.must.filter((_, i) => (mask & (1 << i)) === 0);
        relaxedWords = loose.map((c) => c.source.label ?? '').filter(Boolean);
        plan = { ...plan, must: kept, should: [...plan.should, ...loose] };
        outcome = run(plan, null);
      }
    }
    if (outcome.total === 0 && plan.broadened) {
      // Keywords naming a need that no programme spells out (廃業): the need's programmes.
      plan = plan.broadened();
      relaxedWords = [];
      outcome = run(plan, null);
    }
    return {
      ...outcome,
      query: plan.parsed,
      interpretation: {
        ...plan.interpretation,
        dropped: [...new Set([...plan.interpretation.dropped, ...relaxedWords])],
        relaxed: relaxedWords.length > 0,
      },
      suggestions: understand ? this.suggestionsFor(plan, relaxedWords) : [],
    };
  }

  /**
   * もしかして: for each word searched that is written in kana only, or that no programme has,
   * the catalogue's words read that way or one edit away.
   */
  private suggestionsFor(plan: QueryPlan, relaxedWords: readonly string[]): string[] {
    const words = new Set(relaxedWords);
    for (const term of plan.spelling) {
      const folded = foldForSearch(term);
      const unknown = queryTokensOf(folded).some((t) => this.lookup(t).df === 0);
      if (unknown || /^[\u3041-\u309f]+$/.test(folded)) words.add(term);
    }
    if (!words.size) return [];
    const vocabulary = this.vocabulary();
    return [...new Set([...words].flatMap((w) => vocabulary.suggest(w)))].slice(0, MAX_SUGGESTIONS);
  }

  /** Whether a programme is open in one of the flagged areas (programmes without an area are open everywhere). */
  private inAreas(seg: Segment, d: number, flags: Uint8Array | null): boolean {
    if (!flags || seg.areaStart[d + 1] === seg.areaStart[d]) return true;
    for (let j = seg.areaStart[d]; j < seg.areaStart[d + 1]; j++) if (flags[seg.areaOf[j]] === 1) return true;
    return false;
  }

  /** Flags over area numbers: areas overlapping one of the places (containing it, or inside it). */
  private placeFlags(places: readonly string[]): Uint8Array {
    return Uint8Array.from(this.dictionaries.areas.values, (area) =>
      places.some((p) => isWithin(p, area) || isWithin(area, p)) ? 1 : 0,
    );
  }

  private execute(
    plan: QueryPlan,
    filter: PreparedFilter,
    options: {
      sort: SearchSort;
      origin: string | null;
      today: string;
      todayDay: number;
      offset: number;
      limit: number;
      withFacets: boolean;
      masks: Map<number, MaskCount> | null;
    },
  ): Pick<SearchResult, 'total' | 'hits' | 'facets'> {
    const { sort, origin, today, todayDay, offset, limit, withFacets, masks } = options;
    const periodStatus = this.statusesOn(today);
    const periods = this.dictionaries.periods;
    const providerKm = origin ? this.distancesFrom(origin) : null;

    const heap = new TopK(offset + limit);
    const fieldCounts = new Float64Array(SUPPORT_FIELD_CODES.length);
    const kindCounts = new Float64Array(PROGRAM_KIND_CODES.length);
    const statusCounts = new Float64Array(STATUSES.length);
    const purposeCounts = new Float64Array(this.dictionaries.purposes.size);
    const providerCounts = new Float64Array(this.dictionaries.providers.size);
    const prefectureCounts = new Float64Array(this.dictionaries.prefectures.size);
    const {
      fieldMask,
      kindMask,
      purposeOk,
      providerOk,
      statuses,
      areaOk,
      placeOk,
      employees,
      industryBit,
      closingBeforeDay,
      faceted,
    } = filter;
    const maskOf = this.scratch.masks;
    const preferred = plan.preferredKinds;
    const closingBefore = !Number.isNaN(closingBeforeDay);
    let total = 0;

    const { candidates, total: scores } = this.scratch;
    const facetsOnly = withFacets && !faceted;
    for (let si = 0; si < this.segments.length; si++) {
      const seg = this.segments[si];
      const base = this.bases[si];
      const {
        fields,
        kind,
        industries,
        ceiling,
        periodOf,
        providerOf,
        purposeStart,
        purposeOf,
        areaStart,
        areaOf,
        prefectureStart,
        prefectureOf,
      } = seg;
      const matched = masks ? this.matchAny(seg, si, plan) : this.match(seg, si, plan);
      const all = matched < 0;
      const count = all ? seg.size : matched;
      for (let i = 0; i < count; i++) {
        const d = all ? i : candidates[i];
        const score = all ? 0 : scores[d];
        // Filters without a facet exclude a document from everything.
        if (employees !== null && ceiling[d] >= 0 && ceiling[d] < employees) continue;
        if (industryBit && industries[d] !== 0 && (industries[d] & industryBit) === 0) continue;
        if (placeOk && !this.inAreas(seg, d, placeOk)) continue;
        const period = periodOf[d];
        if (closingBefore) {
          const closes = periods[period].closesDay;
          if (Number.isNaN(closes) || closes > closingBeforeDay) continue;
        }
        const status = periodStatus[period];
        let fails = 0;
        let failed = -1;
        if (faceted) {
          if (fieldMask !== 0 && (fields[d] & fieldMask) === 0) {
            fails++;
            failed = FACET_FIELDS;
          }
          if (kindMask !== 0 && (kindMask & (1 << kind[d])) === 0) {
            fails++;
            failed = FACET_KINDS;
          }
          if (providerOk && providerOk[providerOf[d]] === 0) {
            fails++;
            failed = FACET_PROVIDERS;
          }
          if (statuses && statuses[status] === 0) {
            fails++;
            failed = FACET_STATUSES;
          }
          if (purposeOk && fails < 2) {
            let ok = false;
            for (let j = purposeStart[d]; j < purposeStart[d + 1] && !ok; j++) ok = purposeOk[purposeOf[j]] === 1;
            if (!ok) {
              fails++;
              failed = FACET_PURPOSES;
            }
          }
          if (areaOk && fails < 2 && areaStart[d + 1] > areaStart[d]) {
            let ok = false;
            for (let j = areaStart[d]; j < areaStart[d + 1] && !ok; j++) ok = areaOk[areaOf[j]] === 1;
            if (!ok) {
              fails++;
              failed = FACET_PREFECTURES;
            }
          }
          if (fails > 1) continue;
        }
        if (facetsOnly || (withFacets && fails === 0)) {
          for (let m = fields[d]; m !== 0; m &= m - 1) fieldCounts[31 - Math.clz32(m & -m)]++;
          kindCounts[kind[d]]++;
          for (let j = purposeStart[d]; j < purposeStart[d + 1]; j++) purposeCounts[purposeOf[j]]++;
          providerCounts[providerOf[d]]++;
          statusCounts[status]++;
          for (let j = prefectureStart[d]; j < prefectureStart[d + 1]; j++) prefectureCounts[prefectureOf[j]]++;
        } else if (withFacets) {
          // Failing exactly one filter: counted only in that filter's own facet.
          if (failed === FACET_FIELDS)
            for (let m = fields[d]; m !== 0; m &= m - 1) fieldCounts[31 - Math.clz32(m & -m)]++;
          if (failed === FACET_KINDS) kindCounts[kind[d]]++;
          if (failed === FACET_PURPOSES)
            for (let j = purposeStart[d]; j < purposeStart[d + 1]; j++) purposeCounts[purposeOf[j]]++;
          if (failed === FACET_PROVIDERS) providerCounts[providerOf[d]]++;
          if (failed === FACET_STATUSES) statusCounts[status]++;
          if (failed === FACET_PREFECTURES)
            for (let j = prefectureStart[d]; j < prefectureStart[d + 1]; j++) prefectureCounts[prefectureOf[j]]++;
        }
        if (fails !== 0) continue;
        if (masks) {
          const m = maskOf[d];
          const entry = masks.get(m);
          if (entry) {
            entry.count++;
            entry.score = Math.max(entry.score, score);
          } else {
            masks.set(m, { count: 1, score });
          }
          continue;
        }
        total++;
        let k1: number;
        let k2: number;
        if (sort === 'RELEVANCE') {
          // Kinds the text named first (a preference, never a filter), then by availability.
          k1 = preferred !== 0 && (preferred & (1 << kind[d])) === 0 ? TIER[status] + 4 : TIER[status];
          k2 = -score;
        } else if (sort === 'CLOSING_DATE') {
          const closes = periods[period].closesDay;
          // Deadlines still ahead, soonest first; then no deadline; then past ones, latest first.
          k1 = Number.isNaN(closes) ? 1e9 : closes >= todayDay ? closes : 2e9 - closes;
          k2 = -score;
        } else {
          k1 = providerKm![providerOf[d]];
          k2 = TIER[status] * 1e6 - score;
        }
        // Most matches cannot enter a full page: reject them before the call.
        if (heap.size === heap.capacity && (k1 > heap.k1[0] || (k1 === heap.k1[0] && k2 > heap.k2[0]))) continue;
        heap.offer(k1, k2, base + d, si, d, score);
      }
      this.release();
    }

    const hits = heap
      .sorted()
      .slice(offset)
      .map((i) => this.hitOf(heap.seg[i], heap.doc[i], heap.score[i], periodStatus, providerKm));
    const named = (values: readonly string[], counts: Float64Array): Array<[string, number]> =>
      values.map((v, i) => [v, counts[i]]);
    const facets: SearchFacets | null = withFacets
      ? {
          supportFields: facetList(SUPPORT_FIELD_CODES.map((c, i) => [c, fieldCounts[i]])),
          kinds: facetList(PROGRAM_KIND_CODES.map((c, i) => [c, kindCounts[i]])),
          purposes: facetList(named(this.dictionaries.purposes.values, purposeCounts)),
          providers: facetList(named(this.dictionaries.providers.values, providerCounts)),
          statuses: facetList(STATUSES.map((s) => [s, statusCounts[STATUS_CODE[s]]])),
          prefectures: facetList(named(this.dictionaries.prefectures.values, prefectureCounts)),
        }
      : null;
    return { total, hits, facets };
  }

  private hitOf(
    si: number,
    d: number,
    score: number,
    periodStatus: Uint8Array,
    providerKm: Float64Array | null,
  ): SearchHit {
    const seg = this.segments[si];
    const provider = seg.providerOf[d];
    const km = providerKm ? providerKm[provider] : NO_DISTANCE;
    return {
      id: seg.ids[d],
      providerId: this.dictionaries.providers.values[provider],
      score: round(score, 4),
      status: STATUSES[periodStatus[seg.periodOf[d]]],
      distanceKm: km === NO_DISTANCE ? null : round(km, 1),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Who else offers this
  // ---------------------------------------------------------------------------------------------

  /**
   * Programmes like `program` from other providers, open to firms where it is open: shared
   * support fields, same kind and similar title and summary, available ones before closed ones.
   */
  alternatives(program: IndexableProgram, options: { first: number; today: string }): SearchHit[] {
    const first = Math.max(0, options.first);
    if (first === 0 || this.size === 0) return [];
    // Query: the title's and summary's tokens, the rarest (most telling) ones first.
    const weights = new Map<Token, number>();
    for (const t of tokensOf(foldForSearch([program.title, program.titleKana].filter(Boolean).join('\n'))))
      weights.set(t, 1);
    for (const t of tokensOf(foldForSearch(program.summary))) if (!weights.has(t)) weights.set(t, 0.5);
    const query: Array<{ entry: TokenEntry; w: number }> = [];
    for (const [token, weight] of weights) {
      const entry = this.lookup(token);
      if (entry.df > 0) query.push({ entry, w: weight * this.idfOf(entry.df) });
    }
    query.sort((a, b) => b.w - a.w).splice(48);
    const typicalTf = (3 * (K1 + 1)) / (3 + K1);
    const selfScore = query.reduce((sum, q) => sum + q.w * typicalTf, 0) || 1;

    const fieldMask = supportFieldMask(program.supportFields);
    const fieldCount = popcount(fieldMask);
    const kind = kindIndex(program.kind);
    const dict = this.dictionaries;
    const areaOk = this.alternativeAreas(program.areaCodes);
    const ownProvider = dict.providers.find(program.providerId);
    const periodStatus = this.statusesOn(options.today);
    const heap = new TopK(first);
    const { total, reset } = this.scratch;
    const normBase = K1 * (1 - B);
    const normPerLength = (K1 * B) / this.avgLength;

    this.segments.forEach((seg, si) => {
      let touched = 0;
      for (const q of query) {
        const t = q.entry.terms[si];
        if (t < 0) continue;
        for (let p = seg.termStart[t]; p < seg.termStart[t + 1]; p++) {
          const d = seg.postDoc[p];
          if (total[d] === 0) reset[touched++] = d;
          const tf = TF[seg.postWeight[p]];
          total[d] += (q.w * tf * (K1 + 1)) / (tf + normBase + normPerLength * seg.length[d]);
        }
      }
      for (let d = 0; d < seg.size; d++) {
        if (seg.providerOf[d] === ownProvider || seg.ids[d] === program.id) continue;
        if (!this.inAreas(seg, d, areaOk)) continue;
        const shared = popcount(seg.fields[d] & fieldMask);
        const union = popcount(seg.fields[d] | fieldMask);
        const fieldSimilarity = union ? shared / union : 0;
        const textSimilarity = Math.min(1, total[d] / selfScore);
        if (shared === 0 && (fieldCount > 0 || textSimilarity < 0.15)) continue;
        let similarity = 0.45 * fieldSimilarity + 0.15 * (seg.kind[d] === kind ? 1 : 0) + 0.4 * textSimilarity;
        const tier = TIER[periodStatus[seg.periodOf[d]]];
        similarity *= tier === 0 ? 1 : tier === 1 ? 0.9 : 0.6;
        heap.offer(-similarity, 0, this.bases[si] + d, si, d, similarity);
      }
      for (let i = 0; i < touched; i++) total[reset[i]] = 0;
    });
    return heap.sorted().map((i) => this.hitOf(heap.seg[i], heap.doc[i], heap.score[i], periodStatus, null));
  }

  /**
   * Areas (as flags over area numbers) whose programmes can stand in for one offered in
   * `areaCodes`: for a municipality (神戸市), areas open to its firms or inside it (兵庫県,
   * 全国, 神戸市中央区), never another city's; for a prefecture or 全国, anything in the same
   * prefectures. Null (anything) for a programme without an area.
   */
  private alternativeAreas(areaCodes: readonly string[]): Uint8Array | null {
    if (!areaCodes.length || areaCodes.includes(NATIONWIDE)) return null;
    const prefectureOf = (c: string) =>
      c === NATIONWIDE ? NATIONWIDE : (getMunicipality(c)?.prefectureCode ?? NATIONWIDE);
    return Uint8Array.from(this.dictionaries.areas.values, (area) => {
      if (area === NATIONWIDE) return 1;
      const ok = areaCodes.some((own) =>
        own === prefectureOf(own) ? prefectureOf(area) === own : isWithin(own, area) || isWithin(area, own),
      );
      return ok ? 1 : 0;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Who can help with a need
  // ---------------------------------------------------------------------------------------------

  /**
   * Providers with programmes matching `need` (open to firms in `municipalityCode` when given),
   * each with its matching programmes. By relevance: providers with an available programme first,
   * then by their best score plus a little for each further match; by distance: nearest first.
   */
  providersFor(request: {
    need: string;
    municipalityCode?: string | null;
    sort?: 'RELEVANCE' | 'DISTANCE';
    today: string;
    first: number;
    programsPerProvider?: number;
  }): ProviderMatch[] {
    const sort = request.sort ?? 'RELEVANCE';
    const origin = request.municipalityCode ?? null;
    if (sort === 'DISTANCE' && !origin) throw new SearchInputError('sorting by DISTANCE needs municipalityCode');
    const plan = this.plan(request.need, true);
    if (plan.must.length === 0) throw new SearchInputError('need must contain at least one word');
    const { areaOk } = this.prepareFilter({ municipalityCode: origin });
    const placeOk = plan.places.length ? this.placeFlags(plan.places) : null;
    const periodStatus = this.statusesOn(request.today);
    const providerKm = origin ? this.distancesFrom(origin) : null;
    const groups = new Map<
      number,
      {
        best: number;
        tier: number;
        sum: number;
        programs: Array<{ si: number; d: number; score: number; tier: number }>;
      }
    >();
    const { candidates, total: scores } = this.scratch;
    this.segments.forEach((seg, si) => {
      const count = this.match(seg, si, plan);
      for (let i = 0; i < count; i++) {
        const d = candidates[i];
        const score = scores[d];
        if (!this.inAreas(seg, d, areaOk) || !this.inAreas(seg, d, placeOk)) continue;
        const tier = TIER[periodStatus[seg.periodOf[d]]];
        const provider = seg.providerOf[d];
        let g = groups.get(provider);
        if (!g) {
          g = { best: 0, tier: 3, sum: 0, programs: [] };
          groups.set(provider, g);
        }
        g.programs.push({ si, d, score, tier });
        g.sum += score;
        if (tier < g.tier || (tier === g.tier && score > g.best)) {
          g.tier = tier;
          g.best = score;
        }
      }
      this.release();
    });
    const matches = [...groups].map(([provider, g]) => {
      const km = providerKm ? providerKm[provider] : NO_DISTANCE;
      const programs = g.programs
        .sort((a, b) => a.tier - b.tier || b.score - a.score || this.bases[a.si] + a.d - (this.bases[b.si] + b.d))
        .slice(0, request.programsPerProvider ?? 5)
        .map((p) => this.hitOf(p.si, p.d, p.score, periodStatus, providerKm));
      return {
        providerId: this.dictionaries.providers.values[provider],
        score: round(g.best + 0.1 * (g.sum - g.best), 4),
        tier: g.tier,
        km,
        distanceKm: km === NO_DISTANCE ? null : round(km, 1),
        count: g.programs.length,
        programs,
      };
    });
    matches.sort(
      (a, b) =>
        (sort === 'DISTANCE' ? a.km - b.km : 0) ||
        a.tier - b.tier ||
        b.score - a.score ||
        (a.providerId < b.providerId ? -1 : 1),
    );
    return matches
      .slice(0, Math.max(0, request.first))
      .map(({ providerId, score, distanceKm: km, count, programs }) => ({
        providerId,
        score,
        distanceKm: km,
        count,
        programs,
      }));
  }
}

/** Builds an index from programme records (pure: no I/O), one segment per source. */
export function createSearchIndex(
  records: Iterable<IndexableProgram>,
  options: { providers?: Iterable<ProviderLocation>; synonyms?: SynonymDictionary; understander?: Understander } = {},
): SearchIndex {
  const bySource = new Map<string, IndexableProgram[]>();
  for (const r of records) {
    const list = bySource.get(r.sourceId);
    if (list) list.push(r);
    else bySource.set(r.sourceId, [r]);
  }
  const dictionaries = new Dictionaries();
  const segments = [...bySource].map(([sourceId, list]) => buildSegment(sourceId, list, dictionaries));
  return new SearchIndex(
    segments,
    dictionaries,
    new Map([...(options.providers ?? [])].map((p) => [p.id, p])),
    options.synonyms ?? DEFAULT_SYNONYMS,
    options.understander ?? null,
  );
}
