/**
 * A search that always answers when it can: the strict reading first, then, while nothing is
 * found, relaxed in a defined order, each step said in the interpretation:
 *
 * 1. DROPPED_TERMS: drop the least informative words — keep the largest set of the words that
 *    some programme has, on a tie the rarest (most telling) words; dropped words still rank.
 * 2. (keywords naming a need no programme spells out, e.g. 廃業, are read as that need; this is
 *    no relaxation, the need is what the words mean.)
 * 3. WIDENED_TO_PREFECTURE: a municipality named becomes its prefecture (other towns'
 *    programmes, shown after the firm's own and its prefecture's), again with step 1.
 * 4. WIDENED_TO_NATIONWIDE: the place is dropped, again with step 1.
 * 5. DROPPED_KIND or PLACE_ONLY: with a place named, its programmes without the words (a kind
 *    word alone is dropped as DROPPED_KIND), the words, kinds and who the firm is still ranking
 *    them.
 *
 * Ranking keeps the firm's own place first throughout (page.ts, localityFlags).
 */
import { getMunicipality, NATIONWIDE } from '../../../domain/municipalities';
import type { IndexCore } from './core';
import { localityFlags, placeFlags, type PreparedFilter } from './filter';
import { execute, type MaskCount, type PageOptions } from './page';
import type { PlannedClause, QueryPlan } from './plan';
import { popcount, type SearchResult } from './types';

export type RelaxationStep =
  | 'DROPPED_TERMS'
  | 'WIDENED_TO_PREFECTURE'
  | 'WIDENED_TO_NATIONWIDE'
  | 'DROPPED_KIND'
  | 'PLACE_ONLY';

export interface Relaxation {
  step: RelaxationStep;
  /** Words dropped (DROPPED_TERMS, DROPPED_KIND, PLACE_ONLY). */
  words: string[];
  /** Area codes searched after the step (WIDENED_TO_PREFECTURE), or the place kept (PLACE_ONLY). */
  places: string[];
}

export interface RelaxedOutcome {
  outcome: Pick<SearchResult, 'total' | 'hits' | 'facets'>;
  plan: QueryPlan;
  relaxations: Relaxation[];
}

type Run = (
  plan: QueryPlan,
  places: readonly string[],
  masks: Map<number, MaskCount> | null,
) => RelaxedOutcome['outcome'];

const labelOf = (c: PlannedClause) => c.source.label ?? '';

/**
 * Among the sets of must-clauses some programme matches (bits of `masks`): the largest, then the
 * one keeping the most informative words (highest summed idf), then the most programmes.
 */
function bestSubset(plan: QueryPlan, masks: Map<number, MaskCount>): number | null {
  const kept = (mask: number) => plan.must.reduce((sum, c, i) => ((mask & (1 << i)) !== 0 ? sum + c.idf : sum), 0);
  let best: [number, MaskCount] | null = null;
  for (const entry of masks) {
    if (entry[0] === 0) continue;
    if (!best) {
      best = entry;
      continue;
    }
    const size = popcount(entry[0]) - popcount(best[0]);
    const informative = kept(entry[0]) - kept(best[0]);
    if (
      size > 0 ||
      (size === 0 && informative > 1e-9) ||
      (size === 0 && Math.abs(informative) <= 1e-9 && entry[1].count > best[1].count)
    )
      best = entry;
  }
  return best ? best[0] : null;
}

/** The strict reading in `places`, then (two words or more) the best subset of its words there. */
function attempt(run: Run, plan: QueryPlan, places: readonly string[]): RelaxedOutcome {
  const outcome = run(plan, places, null);
  if (outcome.total > 0 || plan.must.length < 2) return { outcome, plan, relaxations: [] };
  const masks = new Map<number, MaskCount>();
  run(plan, places, masks);
  const mask = bestSubset(plan, masks);
  if (mask === null) return { outcome, plan, relaxations: [] };
  const kept = plan.must.filter((_, i) => (mask & (1 << i)) !== 0);
  const loose = plan.must.filter((_, i) => (mask & (1 << i)) === 0);
  const relaxed = { ...plan, must: kept, should: [...plan.should, ...loose] };
  return {
    outcome: run(relaxed, places, null),
    plan: relaxed,
    relaxations: [{ step: 'DROPPED_TERMS', words: loose.map(labelOf).filter(Boolean), places: [] }],
  };
}

function prefecturesOf(places: readonly string[]): string[] {
  return [
    ...new Set(places.map((p) => (p === NATIONWIDE ? NATIONWIDE : (getMunicipality(p)?.prefectureCode ?? NATIONWIDE)))),
  ];
}

export function searchRelaxed(
  core: IndexCore,
  plan: QueryPlan,
  filter: PreparedFilter,
  options: Omit<PageOptions, 'masks' | 'locality'> & { understand: boolean; localPlaces: readonly string[] },
): RelaxedOutcome {
  const locality = options.localPlaces.length ? localityFlags(core.dictionaries, options.localPlaces) : null;
  const run: Run = (p, places, masks) => {
    filter.placeOk = places.length ? placeFlags(core.dictionaries, places) : null;
    return execute(core, p, filter, {
      ...options,
      limit: masks ? 0 : options.limit,
      withFacets: !masks && options.withFacets,
      masks,
      locality,
    });
  };
  const places = plan.places;
  if (!options.understand) return { outcome: run(plan, places, null), plan, relaxations: [] };

  let result = attempt(run, plan, places);
  if (result.outcome.total > 0) return result;
  if (plan.broadened) {
    // Keywords naming a need that no programme spells out (廃業): the need's programmes.
    result = attempt(run, plan.broadened(), places);
    if (result.outcome.total > 0) return result;
    plan = result.plan;
  }
  if (!places.length || plan.must.length === 0) return result;

  const widened = prefecturesOf(places);
  if (widened.some((p) => !places.includes(p)) && !widened.includes(NATIONWIDE)) {
    const r = attempt(run, plan, widened);
    if (r.outcome.total > 0)
      return { ...r, relaxations: [{ step: 'WIDENED_TO_PREFECTURE', words: [], places: widened }, ...r.relaxations] };
  }
  const nationwide = attempt(run, plan, []);
  if (nationwide.outcome.total > 0)
    return {
      ...nationwide,
      relaxations: [{ step: 'WIDENED_TO_NATIONWIDE', words: [], places: [] }, ...nationwide.relaxations],
    };

  // The place's own programmes, who the firm is still ranking them.
  const words = plan.must.map(labelOf).filter(Boolean);
  const onlyKinds = plan.must.every((c) => c.source.kind);
  // The words dropped still rank, as do the preferences (kinds, who the firm is).
  const bare = { ...plan, must: [], should: [...plan.should, ...plan.must] };
  return {
    outcome: run(bare, places, null),
    plan: bare,
    relaxations: [{ step: onlyKinds ? 'DROPPED_KIND' : 'PLACE_ONLY', words, places: [...places] }],
  };
}
