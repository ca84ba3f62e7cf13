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
import { prepareFilter } from './filter';
import { planQuery } from './plan';
import { parseQuery, type ParsedQuery } from './query';
import { alternativesTo, providersFor, type ProvidersRequest } from './recommend';
import { searchRelaxed } from './relax';
import { mergeGroups, mergeSteps } from './merge';
import { dayNumber, Dictionaries } from './dictionaries';
import { buildSegment, type IndexableProgram, type Segment } from './segment';
import { suggestionsFor } from './suggest';
import { DEFAULT_SYNONYMS, type SynonymDictionary } from './synonyms';
import {
  SearchInputError,
  type ProviderLocation,
  type ProviderMatch,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
} from './types';
import type { Vocabulary } from './vocabulary';

/** How far a background first build is (see holder.ts). */
export interface IndexingProgress {
  /** Programmes searchable so far. */
  indexed: number;
  /** Programmes the sources' last snapshots landed (an estimate until the build is done). */
  total: number;
}

export type { IndexableProgram } from './segment';
export { parseQuery } from './query';
export type { ParsedQuery } from './query';
export type { Interpretation } from './understand';
export { defaultUnderstander, type Understander } from './core';
export { enclosingAreaCodes } from './filter';
export type { Relaxation, RelaxationStep } from './relax';
export * from './types';

/** A merged segment and the source segments it was merged from. */
interface View {
  parts: readonly Segment[];
  merged: Segment;
}

export class SearchIndex {
  private readonly core: IndexCore;
  /**
   * While a large first build is under way (holder.ts): how many programmes this index has of
   * those the store holds. Null for a complete index.
   */
  indexing: IndexingProgress | null = null;
  /** One segment per source, in source order: what a sync replaces. */
  private readonly parts: readonly Segment[];

  constructor(
    parts: Iterable<Segment>,
    private readonly dictionaries: Dictionaries,
    private readonly providerLocations: ReadonlyMap<string, ProviderLocation>,
    private readonly synonyms: SynonymDictionary,
    private readonly understander: Understander | null = null,
    /** Merged segments covering all of `parts` (see merge.ts); without them queries read the parts. */
    private readonly views: readonly View[] | null = null,
    /** Merged segments of an index this one was derived from, for the next merge to reuse. */
    private readonly reusable: readonly View[] = [],
  ) {
    this.parts = [...parts].filter((s) => s.size > 0).sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1));
    this.core = new IndexCore(
      views ? views.map((v) => v.merged) : this.parts,
      dictionaries,
      providerLocations,
      synonyms,
      understander,
    );
  }

  get size(): number {
    return this.core.size;
  }

  /** Whether queries read merged segments (false after a sync until `merged` or `mergedInSteps`). */
  get isMerged(): boolean {
    return this.views !== null || this.parts.length <= 1;
  }

  /** Size figures, for benchmarks and monitoring: the sources' segments, and the merged ones queries read. */
  stats(): {
    programmes: number;
    segments: number;
    terms: number;
    postings: number;
    bytes: number;
    merged: number;
    mergedBytes: number;
  } {
    let terms = 0;
    let postings = 0;
    let bytes = 0;
    for (const s of this.parts) {
      terms += s.termCount;
      postings += s.postDoc.length;
      bytes += s.bytes;
    }
    const views = this.views ?? [];
    return {
      programmes: this.core.size,
      segments: this.parts.length,
      terms,
      postings,
      bytes,
      merged: views.length,
      mergedBytes: views.reduce((sum, v) => sum + v.merged.bytes, 0),
    };
  }

  /** Source ids with at least one programme in the index. */
  get sourceIds(): string[] {
    return this.parts.map((s) => s.sourceId);
  }

  private with(parts: readonly Segment[], views: readonly View[] | null, providers = this.providerLocations) {
    return new SearchIndex(
      parts,
      this.dictionaries,
      providers,
      this.synonyms,
      this.understander,
      views,
      views ? [] : (this.views ?? this.reusable),
    );
  }

  /**
   * A new index with the given sources' programmes replaced (an empty list removes a source). It
   * reads the sources' own segments until merged again (`merged`, `mergedInSteps`): same answers.
   */
  withSources(changes: ReadonlyMap<string, readonly IndexableProgram[]>): SearchIndex {
    const kept = this.parts.filter((s) => !changes.has(s.sourceId));
    const rebuilt = [...changes]
      .filter(([, records]) => records.length > 0)
      .map(([sourceId, records]) => buildSegment(sourceId, records, this.dictionaries));
    return this.with([...kept, ...rebuilt], null);
  }

  withProviders(providers: Iterable<ProviderLocation>): SearchIndex {
    const next = this.with(this.parts, this.views, new Map([...providers].map((p) => [p.id, p])));
    next.core.sharesWordsWith(this.core);
    return next;
  }

  /**
   * The same index over merged segments, merging in steps (the event loop let go between them):
   * groups whose sources are unchanged since the last merge are reused.
   */
  async mergedInSteps(): Promise<SearchIndex> {
    if (this.isMerged) return this;
    const steps = this.mergeSteps();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** `mergedInSteps` at once. */
  merged(): SearchIndex {
    if (this.isMerged) return this;
    const steps = this.mergeSteps();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  private *mergeSteps(): Generator<void, SearchIndex> {
    const views: View[] = [];
    for (const parts of mergeGroups(this.parts)) {
      const same = this.reusable.find(
        (v) => v.parts.length === parts.length && v.parts.every((p, i) => p === parts[i]),
      );
      views.push(same ?? { parts, merged: parts.length === 1 ? parts[0] : yield* mergeSteps(parts) });
    }
    const merged = this.with(this.parts, views);
    merged.core.sharesWordsWith(this.core);
    return merged;
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

  /** `warm`, the vocabulary read in steps with the event loop let go in between. */
  async warmInSteps(): Promise<this> {
    this.core.understanding();
    await this.core.vocabularyInSteps();
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
    const plan = planQuery(core, request.text, understand);
    const todayDay = dayNumber(request.today);
    if (Number.isNaN(todayDay)) throw new SearchInputError(`not a date: ${request.today}`);
    const municipality = request.filter?.municipalityCode;
    const {
      outcome,
      plan: ran,
      relaxations,
    } = searchRelaxed(core, plan, filter, {
      sort,
      origin,
      today: request.today,
      todayDay,
      offset: Math.max(0, request.offset ?? 0),
      limit: Math.max(0, request.limit ?? 20),
      withFacets: request.facets !== false,
      understand,
      // Local first: the places the text names, else the municipality the filter gives.
      localPlaces: plan.places.length ? plan.places : municipality ? [municipality] : [],
    });
    const droppedWords = relaxations.flatMap((r) => r.words);
    return {
      ...outcome,
      query: ran.parsed,
      interpretation: {
        ...ran.interpretation,
        dropped: [...new Set([...ran.interpretation.dropped, ...droppedWords])],
        relaxed: relaxations.length > 0,
        relaxations,
      },
      suggestions: understand
        ? suggestionsFor(
            core,
            ran,
            relaxations.filter((r) => r.step === 'DROPPED_TERMS').flatMap((r) => r.words),
          )
        : [],
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

function bySourceOf(records: Iterable<IndexableProgram>): Map<string, IndexableProgram[]> {
  const bySource = new Map<string, IndexableProgram[]>();
  for (const r of records) {
    const list = bySource.get(r.sourceId);
    if (list) list.push(r);
    else bySource.set(r.sourceId, [r]);
  }
  return bySource;
}

type IndexOptions = {
  providers?: Iterable<ProviderLocation>;
  synonyms?: SynonymDictionary;
  understander?: Understander;
};

/** An index over segments already built into `dictionaries` (e.g. on a worker thread), not merged yet. */
export function indexOfSegments(
  segments: readonly Segment[],
  dictionaries: Dictionaries,
  options: IndexOptions = {},
): SearchIndex {
  return assemble(segments, dictionaries, options);
}

function assemble(segments: readonly Segment[], dictionaries: Dictionaries, options: IndexOptions): SearchIndex {
  return new SearchIndex(
    segments,
    dictionaries,
    new Map([...(options.providers ?? [])].map((p) => [p.id, p])),
    options.synonyms ?? DEFAULT_SYNONYMS,
    options.understander ?? null,
  );
}

/**
 * The same index as createSearchIndex, built one source at a time with the event loop let go in
 * between, so a process building a large catalogue at start keeps answering meanwhile.
 */
export async function createSearchIndexInSteps(
  records: Iterable<IndexableProgram>,
  options: IndexOptions = {},
): Promise<SearchIndex> {
  const dictionaries = new Dictionaries();
  const segments: Segment[] = [];
  for (const [sourceId, list] of bySourceOf(records)) {
    segments.push(buildSegment(sourceId, list, dictionaries));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return assemble(segments, dictionaries, options).mergedInSteps();
}

/** Builds an index from programme records (pure: no I/O), one segment per source. */
export function createSearchIndex(records: Iterable<IndexableProgram>, options: IndexOptions = {}): SearchIndex {
  const dictionaries = new Dictionaries();
  const segments = [...bySourceOf(records)].map(([sourceId, list]) => buildSegment(sourceId, list, dictionaries));
  return assemble(segments, dictionaries, options).merged();
}
