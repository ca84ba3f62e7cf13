/**
 * Rows that are not records: what people put under or between the data of a list they keep by
 * hand — a total (合計, 計, 小計), a source line (出典：…), a note (※…, 注1…), the column labels
 * repeated above a second block. Such a row is skipped with its reason, apart from refused rows:
 * it is no record the agency failed to write well, and counting it as refused ("required
 * receivedAt is empty") would send the agency looking for a mistake it did not make.
 *
 * The rules are kept narrow, so that no real record is skipped: the row's first filled cell must
 * say so, and a note or source line must be a line of its own (at most two cells filled).
 */
import { HEADER_WORDS } from '../onboard/headers';

/** A row left out as not a record, and why. */
export interface SkippedRow {
  row: number;
  reason: string;
}

const fold = (s: string): string =>
  s
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();

// A total's label, the whole cell: 合計, 計, 総計, 小計, 総数, 累計, 合計額, 件数計, total, sum.
const TOTAL = /^(?:合計|総合計|総計|小計|中計|計|総数|累計|合計額|合計金額|件数計|total|subtotal|sum)[:：]?$/;
// A source or note line begins so: 出典：…, 出所：…, 資料：…, ※…, 注：…, 注1…, (注)…, 【注】…, 備考：…
const SOURCE = /^(?:出典|出所|資料|データ出典|引用元)[:：]/;
const NOTE = /^(?:※|\*|＊|\(注\d*\)|【注\d*】|注\d*[:：.)]|注記[:：]|備考[:：])/;

// Words a column is labelled with, so that labels repeated inside the data are told from data.
const LABELS = new Set(
  Object.values(HEADER_WORDS).flatMap((fields) => Object.values(fields).flatMap((words) => words.map((w) => fold(w)))),
);
for (const w of ['項目', '概要', '内容', '備考', '説明', '詳細', 'no.', 'no']) LABELS.add(w);

/**
 * Why a row is not a record, or null when it is one (or may be). `cells` in the source's column
 * order; `labels` the source's own column names (a spreadsheet's header, a page's field names).
 */
export function notARecord(cells: Record<string, string | undefined>, labels: readonly string[] = []): string | null {
  const filled = Object.values(cells)
    .map((c) => (c ?? '').normalize('NFKC').trim())
    .filter((c) => c !== '');
  if (filled.length === 0) return null;
  const first = fold(filled[0]);
  if (TOTAL.test(first)) return `a total row ("${filled[0]}"), not a record`;
  if (filled.length <= 2 && SOURCE.test(first)) return `a source line ("${short(filled[0])}"), not a record`;
  if (filled.length <= 2 && NOTE.test(first)) return `a note ("${short(filled[0])}"), not a record`;
  if (filled.length >= 2) {
    const own = new Set(labels.map(fold));
    if (filled.every((c) => own.has(fold(c)) || LABELS.has(fold(c))))
      return `the column labels repeated ("${filled.slice(0, 3).join('", "')}"), not a record`;
  }
  return null;
}

const short = (s: string): string => (s.length > 30 ? `${s.slice(0, 30)}…` : s);
