/**
 * What agency:init sees in a sampled column before proposing anything: how many cells are filled,
 * its distinct values, their length, the separator its multi-valued cells share, and content
 * that marks it for a field whatever its header says (URLs, 全国地方公共団体コード, 法人番号).
 */
import { columnKey } from '../core/mapping';
import { DEFAULT_SEPARATORS, isValidLgCode, normalizeCorporateNumber, normalizeText } from '../../domain/normalize';
import { getMunicipality, listMunicipalities } from '../../domain/municipalities';
import type { SampleColumn } from './sample';

export interface ColumnStats {
  col: SampleColumn;
  key: string;
  nonEmpty: number;
  distinct: Map<string, number>;
  avgLength: number;
  share: (test: (v: string) => boolean) => number;
  separator: string | null;
}

/** The separators of multi-valued cells, as the mapping splits them, in the order init prefers them. */
export const SEPARATORS = DEFAULT_SEPARATORS;

export function statsOf(col: SampleColumn): ColumnStats {
  const values = col.values.map((v) => normalizeText(v));
  const nonEmptyValues = values.filter((v) => v !== '');
  const distinct = new Map<string, number>();
  for (const v of nonEmptyValues) distinct.set(v, (distinct.get(v) ?? 0) + 1);
  const share = (test: (v: string) => boolean) =>
    nonEmptyValues.length === 0 ? 0 : nonEmptyValues.filter(test).length / nonEmptyValues.length;
  // A separator most multi-valued cells share; the raw values keep line breaks.
  let separator: string | null = null;
  for (const sep of SEPARATORS) {
    const raw = col.values.filter((v) => v.trim() !== '');
    const withSep = raw.filter((v) => v.includes(sep)).length;
    if (raw.length > 0 && withSep / raw.length >= 0.1 && withSep >= 2) {
      separator = sep;
      break;
    }
  }
  return {
    col,
    key: columnKey(col.name),
    nonEmpty: nonEmptyValues.length,
    distinct,
    avgLength: nonEmptyValues.reduce((n, v) => n + v.length, 0) / Math.max(1, nonEmptyValues.length),
    share,
    separator,
  };
}

export const isUrl = (v: string) => /^https?:\/\/\S+$/.test(v);
export const isLgCode = (v: string) => /^\d{6}$/.test(v) && isValidLgCode(v) && getMunicipality(v) !== undefined;
const isCorporateNumber = (v: string) => {
  const r = normalizeCorporateNumber(v);
  return r.ok && r.value !== null;
};
export const PREFECTURES = new Set(
  listMunicipalities()
    .filter((m) => m.kind === 'prefecture')
    .map((m) => m.name),
);
/** Content that marks a column for a field whatever its header says. */
export function contentScore(field: string, s: ColumnStats): number {
  if (s.nonEmpty === 0) return 0;
  switch (field) {
    case 'url':
      return s.share(isUrl) >= 0.9 ? 90 : 0;
    case 'area':
      return s.share(isLgCode) >= 0.95 ? 150 : 0;
    case 'municipalityCode':
      return s.share(isLgCode) >= 0.95 ? 150 : 0;
    case 'corporateNumber':
      return s.share(isCorporateNumber) >= 0.9 ? 150 : 0;
    default:
      return 0;
  }
}
