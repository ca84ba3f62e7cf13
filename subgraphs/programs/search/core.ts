/**
 * The state one search index holds and every part of a query reads: its segments in order, the
 * dictionaries they share, the providers' locations, the scratch buffers, and the caches that are
 * safe because an index never changes (token lookups, statuses per day, distances per origin,
 * length norms). Planning, scoring, filtering, facets, pages, suggestions and recommendations are
 * functions over it (plan.ts, score.ts, filter.ts, facets.ts, page.ts, suggest.ts, recommend.ts).
 */
import { distanceKm, getMunicipality, kmBetween } from '../../../domain/municipalities';
import { programStatus } from '../../../domain/programStatus';
import type { Analyser } from './analyser';
import { Scratch, K1, B } from './score';
import type { Dictionaries } from './dictionaries';
import type { Segment } from './segment';
import type { SynonymDictionary } from './synonyms';
import type { Token } from './text';
import type { Thesaurus } from './thesaurus';
import { NO_DISTANCE, round, STATUSES, STATUS_CODE, type ProviderLocation, type SearchHit } from './types';
import { defaultAnalyser } from './analyser';
import { createThesaurus } from './thesaurus';
import { Vocabulary } from './vocabulary';

/** A token's term number in every segment (-1 where absent) and its document frequency. */
export interface TokenEntry {
  terms: Int32Array;
  df: number;
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

const TOKEN_CACHE_SIZE = 20_000;

export class IndexCore {
  /** Sorted by source id; a document's global order is its segment's base plus its position. */
  readonly segments: readonly Segment[];
  readonly bases: readonly number[];
  readonly scratch: Scratch;
  readonly size: number;
  readonly avgLength: number;
  private readonly statusCache = new Map<string, Uint8Array>();
  private readonly distanceCache = new Map<string, Float64Array>();
  private readonly norms = new WeakMap<Segment, Float32Array>();
  private readonly tokenCache = new Map<Token, TokenEntry>();
  private vocabularyCache: Vocabulary | null = null;
  /** An index over the same programmes (merged or not) whose vocabulary this one may use. */
  private sameWords: IndexCore | null = null;

  constructor(
    segments: Iterable<Segment>,
    readonly dictionaries: Dictionaries,
    readonly providerLocations: ReadonlyMap<string, ProviderLocation>,
    readonly synonyms: SynonymDictionary,
    readonly understander: Understander | null,
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

  understanding(): Understander {
    return this.understander ?? defaultUnderstander();
  }

  /** The catalogue's words with their readings, read on first use (or by `warm`). */
  vocabulary(): Vocabulary {
    if (!this.vocabularyCache && this.sameWords) {
      this.vocabularyCache = this.sameWords.vocabularyCache;
      this.sameWords = null;
    }
    if (!this.vocabularyCache) this.vocabularyCache = new Vocabulary(this.wordCounts(), this.understanding().analyser);
    return this.vocabularyCache;
  }

  /** `vocabulary()`, read in steps with the event loop let go in between (see Vocabulary.inSteps). */
  async vocabularyInSteps(): Promise<Vocabulary> {
    if (!this.vocabularyCache && this.sameWords?.vocabularyCache) this.vocabularyCache = this.sameWords.vocabularyCache;
    this.sameWords = null;
    if (!this.vocabularyCache) {
      const read = await Vocabulary.inSteps(this.wordCounts(), this.understanding().analyser);
      this.vocabularyCache ??= read;
    }
    return this.vocabularyCache;
  }

  private wordCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const seg of this.segments) for (const [w, n] of seg.words) counts.set(w, (counts.get(w) ?? 0) + n);
    return counts;
  }

  /** Shares the vocabulary (read once, or later by either) with an index over the same programmes. */
  sharesWordsWith(other: IndexCore): void {
    if (other.vocabularyCache) this.vocabularyCache = other.vocabularyCache;
    else this.sameWords = other;
  }

  /**
   * A token's term number in every segment (-1 where absent) and its document frequency over the
   * index. The index is immutable, so this is cached (at most TOKEN_CACHE_SIZE tokens, oldest
   * out first): popular words cost one lookup per query instead of one per segment.
   */
  lookup(token: Token): TokenEntry {
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

  idfOf(df: number): number {
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** BM25 length normalization of each document of a segment, for this index's average length. */
  normsOf(seg: Segment): Float32Array {
    let norms = this.norms.get(seg);
    if (!norms) {
      norms = new Float32Array(seg.size);
      const perLength = (K1 * B) / this.avgLength;
      for (let d = 0; d < seg.size; d++) norms[d] = K1 * (1 - B) + perLength * seg.length[d];
      this.norms.set(seg, norms);
    }
    return norms;
  }

  /** Status code of every application period on a day, computed once per day by status.ts's rule. */
  statusesOn(today: string): Uint8Array {
    let statuses = this.statusCache.get(today);
    if (!statuses || statuses.length < this.dictionaries.periods.length) {
      statuses = Uint8Array.from(this.dictionaries.periods, (p) => STATUS_CODE[programStatus(p, today)]);
      if (this.statusCache.size > 16) this.statusCache.clear();
      this.statusCache.set(today, statuses);
    }
    return statuses;
  }

  /** Distance from a municipality to each provider (by dictionary number), NO_DISTANCE when unknown. */
  distancesFrom(origin: string): Float64Array {
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
    if (at.lat != null && at.lng != null) return kmBetween(from, { lat: at.lat, lng: at.lng });
    return at.municipalityCode ? distanceKm(origin, at.municipalityCode) : null;
  }

  /** Whether a programme is open in one of the flagged areas (programmes without an area are open everywhere). */
  inAreas(seg: Segment, d: number, flags: Uint8Array | null): boolean {
    if (!flags || seg.areaStart[d + 1] === seg.areaStart[d]) return true;
    for (let j = seg.areaStart[d]; j < seg.areaStart[d + 1]; j++) if (flags[seg.areaOf[j]] === 1) return true;
    return false;
  }

  hitOf(si: number, d: number, score: number, periodStatus: Uint8Array, providerKm: Float64Array | null): SearchHit {
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
}
