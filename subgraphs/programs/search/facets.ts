/**
 * Facet counts of a search: each facet counts the programmes matching the text and every filter
 * but its own (a programme failing only the kinds filter still counts in the kinds facet), so a
 * firm sees what choosing another value would give.
 */
import type { Dictionaries } from './dictionaries';
import { PROGRAM_KIND_CODES, SUPPORT_FIELD_CODES, type Segment } from './segment';
import { STATUSES, STATUS_CODE, type FacetCount, type SearchFacets } from './types';

// Facets a filter is paired with, for counting each facet under every filter but its own.
export const FACET_FIELDS = 0;
export const FACET_KINDS = 1;
export const FACET_PURPOSES = 2;
export const FACET_PROVIDERS = 3;
export const FACET_STATUSES = 4;
export const FACET_PREFECTURES = 5;

function facetList(counts: Iterable<[string, number]>): FacetCount[] {
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export class FacetCounts {
  private readonly fields = new Float64Array(SUPPORT_FIELD_CODES.length);
  private readonly kinds = new Float64Array(PROGRAM_KIND_CODES.length);
  readonly statuses = new Float64Array(STATUSES.length);
  private readonly purposes: Float64Array;
  readonly providers: Float64Array;
  private readonly prefectures: Float64Array;
  /** Programmes passing every filter, by facet group; spread over the groups' values in `result`. */
  readonly groups: Int32Array;
  /** Groups counted at least once, in `touched[0, touchedCount)`. */
  readonly touched: Int32Array;
  touchedCount = 0;

  constructor(private readonly dictionaries: Dictionaries) {
    this.purposes = new Float64Array(dictionaries.purposes.size);
    this.providers = new Float64Array(dictionaries.providers.size);
    this.prefectures = new Float64Array(dictionaries.prefectures.size);
    this.groups = new Int32Array(dictionaries.groups.fields.length);
    this.touched = new Int32Array(dictionaries.groups.fields.length);
  }

  /** Counts a programme in every facet (it passes every filter). */
  add(seg: Segment, d: number, status: number): void {
    const g = seg.facetGroupOf[d];
    if (this.groups[g]++ === 0) this.touched[this.touchedCount++] = g;
    this.providers[seg.providerOf[d]]++;
    this.statuses[status]++;
  }

  /** Spreads the group counts over the fields, kinds, purposes and prefectures they stand for. */
  private spread(): void {
    const { fields, kind, purposeStart, purposeOf, prefectureStart, prefectureOf } = this.dictionaries.groups;
    for (let i = 0; i < this.touchedCount; i++) {
      const g = this.touched[i];
      const n = this.groups[g];
      this.groups[g] = 0;
      for (let m = fields[g]; m !== 0; m &= m - 1) this.fields[31 - Math.clz32(m & -m)] += n;
      this.kinds[kind[g]] += n;
      for (let j = purposeStart[g]; j < purposeStart[g + 1]; j++) this.purposes[purposeOf[j]] += n;
      for (let j = prefectureStart[g]; j < prefectureStart[g + 1]; j++) this.prefectures[prefectureOf[j]] += n;
    }
    this.touchedCount = 0;
  }

  /** Counts a programme failing exactly one filter in that filter's own facet. */
  addTo(facet: number, seg: Segment, d: number, status: number): void {
    if (facet === FACET_FIELDS) for (let m = seg.fields[d]; m !== 0; m &= m - 1) this.fields[31 - Math.clz32(m & -m)]++;
    else if (facet === FACET_KINDS) this.kinds[seg.kind[d]]++;
    else if (facet === FACET_PURPOSES)
      for (let j = seg.purposeStart[d]; j < seg.purposeStart[d + 1]; j++) this.purposes[seg.purposeOf[j]]++;
    else if (facet === FACET_PROVIDERS) this.providers[seg.providerOf[d]]++;
    else if (facet === FACET_STATUSES) this.statuses[status]++;
    else if (facet === FACET_PREFECTURES)
      for (let j = seg.prefectureStart[d]; j < seg.prefectureStart[d + 1]; j++) this.prefectures[seg.prefectureOf[j]]++;
  }

  result(): SearchFacets {
    this.spread();
    const named = (values: readonly string[], counts: Float64Array): Array<[string, number]> =>
      values.map((v, i) => [v, counts[i]]);
    const dict = this.dictionaries;
    return {
      supportFields: facetList(SUPPORT_FIELD_CODES.map((c, i) => [c, this.fields[i]])),
      kinds: facetList(PROGRAM_KIND_CODES.map((c, i) => [c, this.kinds[i]])),
      purposes: facetList(named(dict.purposes.values, this.purposes)),
      providers: facetList(named(dict.providers.values, this.providers)),
      statuses: facetList(STATUSES.map((s) => [s, this.statuses[STATUS_CODE[s]]])),
      prefectures: facetList(named(dict.prefectures.values, this.prefectures)),
    };
  }
}
