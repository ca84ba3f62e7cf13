/**
 * The one-stop programme search, in process: `createSearchIndex(records)` builds an immutable
 * index (pure, no I/O) of per-source segments; `withSources` swaps the segments of the sources a
 * sync changed. A query is planned (plan.ts), scored BM25-style over title > summary > tags > body
 * with synonym expansion (score.ts), filtered (filter.ts), counted into facets (facets.ts, each
 * facet under every filter but its own) and cut to a page with a bounded heap (page.ts), so a
 * query costs the postings it reads, not the catalogue. Suggestions (suggest.ts) and who else
 * offers a programme or can help with a need (recommend.ts) read the same index. The
 * store-backed holder that keeps an index in step with syncs is in ./holder.
 */
import { getMunicipality } from '../../../domain/municipalities';
import { IndexCore, type Understander } from './core';
import { placeFlags, prepareFilter } from './filter';
import { execute, type MaskCount } from './page';
import { planQuery, type QueryPlan } from './plan';
import { parseQuery, type ParsedQuery } from './query';
import { alternativesTo, providersFor, type ProvidersRequest } from './recommend';
import { buildSegment, dayNumber, Dictionaries, type IndexableProgram, type Segment } from './segment';
import { suggestionsFor } from './suggest';
import { DEFAULT_SYNONYMS, type SynonymDictionary } from './synonyms';
import {
  popcount,
  SearchInputError,
  type ProviderLocation,
  type ProviderMatch,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
} from './types';
import type { Vocabulary } from './vocabulary';

export type { IndexableProgram } from './segment';
export { parseQuery } from './query';
export type { ParsedQuery } from './query';
export type { Interpretation } from './understand';
export { defaultUnderstander, type Understander } from './core';
export { enclosingAreaCodes } from './filter';
export * from './types';

export class SearchIndex {
  private readonly core: IndexCore;

  constructor(
    segments: Iterable<Segment>,
    private readonly dictionaries: Dictionaries,
    private readonly providerLocations: ReadonlyMap<string, ProviderLocation>,
    private readonly synonyms: SynonymDictionary,
    private readonly understander: Understander | null = null,
  ) {
    this.core = new IndexCore(segments, dictionaries, providerLocations, synonyms, understander);
  }

  get size(): number {
    return this.core.size;
  }

  /** Size figures, for benchmarks and monitoring. */
  stats(): { programmes: number; segments: number; terms: number; postings: number; bytes: number } {
    let terms = 0;
    let postings = 0;
    let bytes = 0;
    for (const s of this.core.segments) {
      terms += s.termCount;
      postings += s.postDoc.length;
      bytes += s.bytes;
    }
    return { programmes: this.core.size, segments: this.core.segments.length, terms, postings, bytes };
  }

  /** Source ids with at least one programme in the index. */
  get sourceIds(): string[] {
    return this.core.segments.map((s) => s.sourceId);
  }

  /** A new index with the given sources' programmes replaced (an empty list removes a source). */
  withSources(changes: ReadonlyMap<string, readonly IndexableProgram[]>): SearchIndex {
    const kept = this.core.segments.filter((s) => !changes.has(s.sourceId));
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
      this.core.segments,
      this.dictionaries,
      new Map([...providers].map((p) => [p.id, p])),
      this.synonyms,
      this.understander,
    );
  }

  parse(text: string | null | undefined): ParsedQuery {
    return parseQuery(text, this.synonyms);
  }

  /** The catalogue's words with their readings, read on first use (or by `warm`). */
  vocabulary(): Vocabulary {
    return this.core.vocabulary();
  }

  /** Loads the analyser and reads the vocabulary, so that the first search pays for neither. */
  warm(): this {
    this.core.understanding();
    this.core.vocabulary();
    return this;
  }

  /** Distance from a municipality's point to the provider's counter (its coordinates, else its municipality). */
  providerDistance(providerId: string, origin: string): number | null {
    return this.core.providerDistance(providerId, origin);
  }

  search(request: SearchRequest): SearchResult {
    const core = this.core;
    const sort = request.sort ?? 'RELEVANCE';
    const origin = request.origin ?? null;
    if (origin && !getMunicipality(origin)) throw new SearchInputError(`unknown municipality code ${origin}`);
    if (sort === 'DISTANCE' && !origin)
      throw new SearchInputError('sorting by DISTANCE needs a municipality to measure from');
    const filter = prepareFilter(core, request.filter);
    const understand = request.understand !== false;
    let plan = planQuery(core, request.text, understand);
    const todayDay = dayNumber(request.today);
    if (Number.isNaN(todayDay)) throw new SearchInputError(`not a date: ${request.today}`);
    filter.placeOk = plan.places.length ? placeFlags(core.dictionaries, plan.places) : null;
    const run = (p: QueryPlan, masks: Map<number, MaskCount> | null) =>
      execute(core, p, filter, {
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
      suggestions: understand ? suggestionsFor(core, plan, relaxedWords) : [],
    };
  }

  /**
   * Programmes like `program` from other providers, open to firms where it is open: shared
   * support fields, same kind and similar title and summary, available ones before closed ones.
   */
  alternatives(program: IndexableProgram, options: { first: number; today: string }): SearchHit[] {
    return alternativesTo(this.core, program, options);
  }

  /** Providers with programmes matching a need, each with its matching programmes (see recommend.ts). */
  providersFor(request: ProvidersRequest): ProviderMatch[] {
    return providersFor(this.core, request);
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
