/**
 * Filters: the request's conditions turned into flags over dictionary numbers once per query, so
 * the loop over matches compares small integers. Filters with a facet of their own (fields,
 * kinds, purposes, providers, statuses, area) are kept apart from those that exclude outright
 * (size, industry, closing date, places named in the text), for counting each facet under every
 * filter but its own.
 */
import { getMunicipality, isWithin, NATIONWIDE, parentOf } from '../../../domain/municipalities';
import type { IndexCore } from './core';
import { dayNumber, type Dictionaries } from './dictionaries';
import { industryMask, kindIndex, supportFieldMask } from './segment';
import { SearchInputError, STATUSES, type SearchFilterInput } from './types';

/** A filter turned into flags over dictionary numbers, for one query. */
export interface PreparedFilter {
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

/** Codes whose area contains the municipality: itself, its city, prefecture, and 全国. */
export function enclosingAreaCodes(code: string): string[] {
  if (!getMunicipality(code)) throw new SearchInputError(`unknown municipalityCode ${code}`);
  const codes = [NATIONWIDE];
  for (let c: string | null = code; c && c !== NATIONWIDE; c = parentOf(c)) codes.push(c);
  return codes;
}

/** Flags over area numbers: areas overlapping one of the places (containing it, or inside it). */
export function placeFlags(dictionaries: Dictionaries, places: readonly string[]): Uint8Array {
  return Uint8Array.from(dictionaries.areas.values, (area) =>
    places.some((p) => isWithin(p, area) || isWithin(area, p)) ? 1 : 0,
  );
}

/** How local an area is to the firm's places: its own, enclosing it, the whole country, elsewhere. */
export const LOCAL_OWN = 0;
export const LOCAL_ENCLOSING = 1;
export const LOCAL_NATIONWIDE = 2;
export const LOCAL_ELSEWHERE = 3;

/**
 * Locality of each area number to the places: LOCAL_OWN for a place itself or an area inside a
 * named municipality (a ward of a named city), LOCAL_ENCLOSING for an area containing a place
 * (its prefecture, its designated city) or inside a named prefecture, LOCAL_NATIONWIDE for 全国,
 * LOCAL_ELSEWHERE for the rest. Programmes without an area count as nationwide.
 */
export function localityFlags(dictionaries: Dictionaries, places: readonly string[]): Uint8Array {
  const prefectures = new Set(places.filter((p) => getMunicipality(p)?.kind === 'prefecture'));
  return Uint8Array.from(dictionaries.areas.values, (area) => {
    if (area === NATIONWIDE) return LOCAL_NATIONWIDE;
    let best = LOCAL_ELSEWHERE;
    for (const p of places) {
      if (area === p || (!prefectures.has(p) && isWithin(area, p))) return LOCAL_OWN;
      if (isWithin(p, area) || isWithin(area, p)) best = LOCAL_ENCLOSING;
    }
    return best;
  });
}

export function prepareFilter(core: IndexCore, filter: SearchFilterInput | null | undefined): PreparedFilter {
  const f = filter ?? {};
  const dict = core.dictionaries;
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
