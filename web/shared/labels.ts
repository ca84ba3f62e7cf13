/**
 * Japanese names of the graph's codes for the pages, from the domain's vocabularies (one list for
 * the store, the schema and the pages), plus the statuses the schema computes.
 */
import {
  CHANNELS,
  COMMITTEE_OUTCOMES,
  JSIC_DIVISIONS,
  OUTCOMES,
  PROGRAM_KINDS,
  SUPPORT_FIELDS,
} from '../../domain/vocabulary';

const labelsOf = (vocab: Record<string, { label: string }>): Record<string, string> =>
  Object.fromEntries(Object.entries(vocab).map(([code, v]) => [code, v.label]));

export const SUPPORT_FIELD_LABELS = labelsOf(SUPPORT_FIELDS);
export const PROGRAM_KIND_LABELS = labelsOf(PROGRAM_KINDS);
export const CHANNEL_LABELS = labelsOf(CHANNELS);
export const OUTCOME_LABELS = labelsOf(OUTCOMES);
/** 選定, 保留, 見送り, 卒業, 支援終了. */
export const COMMITTEE_OUTCOME_LABELS = labelsOf(COMMITTEE_OUTCOMES);
export const INDUSTRY_LABELS: Record<string, string> = { ...JSIC_DIVISIONS };

export const STATUS_LABELS: Record<string, string> = {
  OPEN: '受付中',
  ONGOING: '随時',
  UPCOMING: '受付前',
  CLOSED: '受付終了',
};

/** 2026-03-31 → 2026年3月31日. */
export function japaneseDate(iso: string | null | undefined): string | null {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : null;
}

/**
 * 1234567.5 → 1,234,567.5, the grouping ja-JP writes, without `toLocaleString`: its first call
 * loads the locale's number data, some 30 ms of a phone's first visit before any result shows.
 */
export function groupDigits(n: number): string {
  const [whole, fraction] = String(n).split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? `.${fraction}` : '');
}

/** An upper limit as published, or written in 万円 when the agency gave bare digits (2000000 → 200万円). */
export function amountLabel(text: string | null | undefined, amount?: number | null): string | null {
  const digits = text && /^[\d,]+$/.test(text.trim()) ? Number(text.replace(/,/g, '')) : null;
  const yen = digits ?? (text ? null : (amount ?? null));
  if (yen === null || !Number.isFinite(yen)) return text ?? null;
  if (yen >= 1e8 && yen % 1e6 === 0) return `${groupDigits(yen / 1e8)}億円`;
  if (yen >= 1e4 && yen % 1e4 === 0) return `${groupDigits(yen / 1e4)}万円`;
  return `${groupDigits(yen)}円`;
}
