import { GROWTH_SIGNAL_LABELS } from '../../domain/growth/signals';

/** Japanese names of the growth programme's codes, as the committee reads them. */
export const GROWTH_STATUS_LABELS: Record<string, string> = {
  NONE: '未推薦',
  NOMINATED: '推薦中',
  DEFERRED: '保留',
  DECLINED: '見送り',
  ACTIVE: '支援中',
  GRADUATED: '卒業',
  WITHDRAWN: '支援終了',
};

export const PLAN_STATUS_LABELS: Record<string, string> = {
  ACTIVE: '支援中',
  GRADUATED: '卒業',
  WITHDRAWN: '支援終了',
};

/** The growth score's signals (domain/growth/signals.ts), looked up by the code the graph returns. */
export const SIGNAL_LABELS: Record<string, string> = GROWTH_SIGNAL_LABELS;

export const AGENDA_REASON_LABELS: Record<string, string> = {
  NOMINATED: '推薦',
  DECIDED: '審議済',
  TOP_SCORE: 'スコア上位',
};

/** 2026-05-14T15:00:00+09:00 → 2026/5/14 15:00 (as given, Japan time). */
export function dateTimeLabel(iso: string | null | undefined): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso) : null;
  if (!m) return '—';
  const day = `${m[1]}/${Number(m[2])}/${Number(m[3])}`;
  return m[4] ? `${day} ${m[4]}:${m[5]}` : day;
}

/** 2026-05 → 2026年5月. */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}

/** This month in Japan time, YYYY-MM. */
export function thisMonthInJapan(now = new Date()): string {
  return new Date(now.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 7);
}
