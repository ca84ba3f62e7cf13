/**
 * The value dictionaries the segments of an index share: providers, purposes, areas with their
 * prefectures, application periods (with the status the programme's page publishes) and facet
 * groups, each numbered in order of first sight and only ever growing, so a segment stores small
 * numbers instead of strings and older numbers stay valid as syncs add values. A worker thread
 * building segments numbers into dictionaries of its own and sends back the entries it added
 * (`since`), which the caller appends in the same order (`extend`).
 */
import { getMunicipality, NATIONWIDE } from '../../../domain/municipalities';
import type { ProgramStatusValue } from '../../../domain/programStatus';

export function dayNumber(isoDate: string | null): number {
  if (!isoDate) return Number.NaN;
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
}

/** Strings numbered in order of first sight; only ever grows, so older numbers stay valid. */
export class ValueTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let i = this.ids.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.ids.set(value, i);
    }
    return i;
  }

  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  get size(): number {
    return this.values.length;
  }
}

export interface Period {
  opensOn: string | null;
  closesOn: string | null;
  /** The status the programme's page publishes (受付終了…): see domain/programStatus. */
  publishedStatus: ProgramStatusValue | null;
  /** Days since 1970-01-01 of closesOn, or NaN. */
  closesDay: number;
}

/**
 * The facet values of programmes that share all of them (support fields, kind, purposes,
 * prefectures): a search counts each group once per match and spreads the counts over the
 * group's values at the end, instead of walking every match's lists.
 */
export interface FacetGroups {
  fields: number[];
  kind: number[];
  /** Per group, [start[g], start[g+1]) of dictionary numbers. */
  purposeStart: number[];
  purposeOf: number[];
  prefectureStart: number[];
  prefectureOf: number[];
}

export type DictionarySizes = Record<'providers' | 'purposes' | 'areas' | 'prefectures' | 'periods' | 'groups', number>;

/** Dictionary entries in the order they were numbered (Dictionaries.since). */
export interface DictionaryTail {
  providers: string[];
  purposes: string[];
  areas: string[];
  areaPrefecture: number[];
  prefectures: string[];
  periods: Array<[string | null, string | null, ProgramStatusValue | null]>;
  groups: Array<[number, number, number[], number[]]>;
}

/** The value dictionaries an index and all the indexes derived from it share. */
export class Dictionaries {
  readonly providers = new ValueTable();
  readonly purposes = new ValueTable();
  readonly areas = new ValueTable();
  readonly prefectures = new ValueTable();
  /** Prefecture number of each area number (000000 for the whole country). */
  readonly areaPrefecture: number[] = [];
  readonly periods: Period[] = [];
  private readonly periodIds = new Map<string, number>();
  readonly groups: FacetGroups = {
    fields: [],
    kind: [],
    purposeStart: [0],
    purposeOf: [],
    prefectureStart: [0],
    prefectureOf: [],
  };
  private readonly groupIds = new Map<string, number>();

  /** How many entries each dictionary has: a mark for `since`. */
  sizes(): DictionarySizes {
    return {
      providers: this.providers.size,
      purposes: this.purposes.size,
      areas: this.areas.size,
      prefectures: this.prefectures.size,
      periods: this.periods.length,
      groups: this.groups.fields.length,
    };
  }

  /** The entries added after `mark`, in the order they were numbered: what `extend` needs to mirror them. */
  since(mark: DictionarySizes): DictionaryTail {
    const g = this.groups;
    const groups: DictionaryTail['groups'] = [];
    for (let i = mark.groups; i < g.fields.length; i++)
      groups.push([
        g.fields[i],
        g.kind[i],
        g.purposeOf.slice(g.purposeStart[i], g.purposeStart[i + 1]),
        g.prefectureOf.slice(g.prefectureStart[i], g.prefectureStart[i + 1]),
      ]);
    return {
      providers: this.providers.values.slice(mark.providers),
      purposes: this.purposes.values.slice(mark.purposes),
      areas: this.areas.values.slice(mark.areas),
      areaPrefecture: this.areaPrefecture.slice(mark.areas),
      prefectures: this.prefectures.values.slice(mark.prefectures),
      periods: this.periods.slice(mark.periods).map((p) => [p.opensOn, p.closesOn, p.publishedStatus]),
      groups,
    };
  }

  /**
   * Appends entries another thread's dictionaries numbered (`since`), so that the numbers in the
   * segments it built mean the same here. Both must have been equal before.
   */
  extend(tail: DictionaryTail): void {
    for (const v of tail.providers) this.providers.id(v);
    for (const v of tail.purposes) this.purposes.id(v);
    for (const v of tail.prefectures) this.prefectures.id(v);
    for (const v of tail.areas) this.areas.id(v);
    this.areaPrefecture.push(...tail.areaPrefecture);
    for (const [opensOn, closesOn, published] of tail.periods) this.period(opensOn, closesOn, published);
    for (const [fields, kind, purposes, prefectures] of tail.groups)
      this.facetGroup(fields, kind, purposes, prefectures);
  }

  /** The number of the facet group with these values (lists in the order the programme gives them). */
  facetGroup(fields: number, kind: number, purposes: readonly number[], prefectures: readonly number[]): number {
    const key = `${fields}|${kind}|${purposes.join(',')}|${prefectures.join(',')}`;
    let id = this.groupIds.get(key);
    if (id === undefined) {
      const g = this.groups;
      id = g.fields.length;
      g.fields.push(fields);
      g.kind.push(kind);
      g.purposeOf.push(...purposes);
      g.purposeStart.push(g.purposeOf.length);
      g.prefectureOf.push(...prefectures);
      g.prefectureStart.push(g.prefectureOf.length);
      this.groupIds.set(key, id);
    }
    return id;
  }

  area(code: string): number {
    const id = this.areas.id(code);
    if (id === this.areaPrefecture.length) {
      const prefecture = code === NATIONWIDE ? NATIONWIDE : (getMunicipality(code)?.prefectureCode ?? NATIONWIDE);
      this.areaPrefecture.push(this.prefectures.id(prefecture));
    }
    return id;
  }

  /** The number of an application period with the status its page publishes (a status is decided per period). */
  period(opensOn: string | null, closesOn: string | null, publishedStatus: ProgramStatusValue | null): number {
    const key = `${opensOn ?? ''}|${closesOn ?? ''}|${publishedStatus ?? ''}`;
    let id = this.periodIds.get(key);
    if (id === undefined) {
      id = this.periods.length;
      this.periods.push({ opensOn, closesOn, publishedStatus, closesDay: dayNumber(closesOn) });
      this.periodIds.set(key, id);
    }
    return id;
  }
}
