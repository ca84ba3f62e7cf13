/**
 * One pass over the matches of a plan: filters applied, facets counted, and the page cut with a
 * bounded heap (top-k without sorting every match). In a relaxed search's first pass it instead
 * tallies, per set of must-clauses matched, how many programmes match exactly that set.
 */
import type { IndexCore } from './core';
import * as facets from './facets';
import { FacetCounts } from './facets';
import * as locality from './filter';
import type { PreparedFilter } from './filter';
import type { QueryPlan } from './plan';
import { match, matchAny, release } from './score';
import { TopK } from './topk';
import * as types from './types';
import type { SearchResult, SearchSort } from './types';

// Read once: under tsx, imported bindings are getters, too slow for the loop over matches.
const TIER = types.TIER;
const FACET_FIELDS = facets.FACET_FIELDS;
const FACET_KINDS = facets.FACET_KINDS;
const FACET_PURPOSES = facets.FACET_PURPOSES;
const FACET_PROVIDERS = facets.FACET_PROVIDERS;
const FACET_STATUSES = facets.FACET_STATUSES;
const FACET_PREFECTURES = facets.FACET_PREFECTURES;
const LOCAL_NATIONWIDE = locality.LOCAL_NATIONWIDE;
const LOCAL_ELSEWHERE = locality.LOCAL_ELSEWHERE;

/** Programmes matching one set of must-clauses in a relaxed search's first pass, and their best score. */
export interface MaskCount {
  count: number;
  score: number;
}

export interface PageOptions {
  sort: SearchSort;
  origin: string | null;
  today: string;
  todayDay: number;
  offset: number;
  limit: number;
  withFacets: boolean;
  masks: Map<number, MaskCount> | null;
  /** Locality of each area number to the firm's places (localityFlags), null without a place. */
  locality: Uint8Array | null;
}

/**
 * Relevance multiplier by locality: all else equal the firm's own municipality's programmes come
 * first, then its prefecture's, then nationwide ones, then other places' (a widened search).
 */
const LOCAL_FACTOR = [1.3, 1.15, 1.05, 1];

export function execute(
  core: IndexCore,
  plan: QueryPlan,
  filter: PreparedFilter,
  options: PageOptions,
): Pick<SearchResult, 'total' | 'hits' | 'facets'> {
  const { sort, origin, today, todayDay, offset, limit, withFacets, masks } = options;
  const localityOf = options.locality;
  const periodStatus = core.statusesOn(today);
  const periods = core.dictionaries.periods;
  const providerKm = origin ? core.distancesFrom(origin) : null;

  const heap = new TopK(offset + limit);
  const counts = new FacetCounts(core.dictionaries);
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
  const maskOf = core.scratch.masks;
  const preferred = plan.preferredKinds;
  const closingBefore = !Number.isNaN(closingBeforeDay);
  let total = 0;

  const { candidates, total: scores } = core.scratch;
  const facetsOnly = withFacets && !faceted;
  for (let si = 0; si < core.segments.length; si++) {
    const seg = core.segments[si];
    const base = core.bases[si];
    const { fields, kind, industries, ceiling, periodOf, providerOf, purposeStart, purposeOf, areaStart, areaOf } = seg;
    const matched = masks ? matchAny(core, seg, si, plan) : match(core, seg, si, plan);
    const all = matched < 0;
    const count = all ? seg.size : matched;
    for (let i = 0; i < count; i++) {
      const d = all ? i : candidates[i];
      const score = scores[d];
      // Filters without a facet exclude a document from everything.
      if (employees !== null && ceiling[d] >= 0 && ceiling[d] < employees) continue;
      if (industryBit && industries[d] !== 0 && (industries[d] & industryBit) === 0) continue;
      if (placeOk && !core.inAreas(seg, d, placeOk)) continue;
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
      if (facetsOnly || (withFacets && fails === 0)) counts.add(seg, d, status);
      else if (withFacets) counts.addTo(failed, seg, d, status);
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
        if (localityOf) {
          // The nearest of the programme's areas; without an area it is open everywhere.
          let local = LOCAL_NATIONWIDE;
          if (areaStart[d + 1] > areaStart[d]) {
            local = LOCAL_ELSEWHERE;
            for (let j = areaStart[d]; j < areaStart[d + 1]; j++)
              if (localityOf[areaOf[j]] < local) local = localityOf[areaOf[j]];
          }
          // Without words to score, locality alone orders each tier.
          k2 = -score * LOCAL_FACTOR[local] + local * 1e-6;
        } else {
          k2 = -score;
        }
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
    release(core);
  }

  const hits = heap
    .sorted()
    .slice(offset)
    .map((i) => core.hitOf(heap.seg[i], heap.doc[i], heap.score[i], periodStatus, providerKm));
  return { total, hits, facets: withFacets ? counts.result() : null };
}
