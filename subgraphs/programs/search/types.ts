/**
 * What the one-stop search is asked and what it answers: the request, filter, hit, facet and
 * result shapes the index, the resolvers and the benchmarks share, and the input error the
 * resolvers turn into BAD_USER_INPUT.
 */
import type { ProgramStatusValue } from '../../../domain/programStatus';
import type { ParsedQuery } from './query';
import type { Relaxation } from './relax';
import type { Interpretation } from './understand';

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

/** How a search read its text; `relaxed` when the strict reading found nothing and `relaxations` say how it was relaxed. */
export interface SearchInterpretation extends Interpretation {
  relaxed: boolean;
  relaxations: Relaxation[];
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

export const STATUSES: ProgramStatusValue[] = ['OPEN', 'ONGOING', 'UPCOMING', 'CLOSED'];
export const STATUS_CODE: Record<ProgramStatusValue, number> = { OPEN: 0, ONGOING: 1, UPCOMING: 2, CLOSED: 3 };
/** Open and always-available programmes first, then those opening later, closed ones last. */
export const TIER = [0, 0, 1, 2];
/** A provider's distance when it is not known: after every known one. */
export const NO_DISTANCE = 1e12;

export function popcount(x: number): number {
  let n = 0;
  for (let m = x; m !== 0; m &= m - 1) n++;
  return n;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
