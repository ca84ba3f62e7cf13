/**
 * Application periods (申請期間) written in one cell, split into their first and last day.
 */
import {
  DAY_NOTE,
  ERA_PATTERN,
  isCalendarDate,
  isoDate,
  scanDate,
  WEEKDAY,
  WESTERN_COMPACT,
  WESTERN_KANJI,
  WESTERN_SEP,
} from './dates';
import { builtinNullWord } from './nullWords';
import { fail, ok, type ParseResult } from './result';
import { normalizeText } from './text';

/** An application period: the day it opens and the day it closes, either of which may be open. */
export interface Period {
  opensOn: string | null;
  closesOn: string | null;
}

// Between the two days of a period: a tilde or wave dash of any width, a dash, から or より.
const PERIOD_SEPARATOR = /^\s*(?:~|〜|～|‐|-|–|—|―|から|より)\s*/;
const PERIOD_END = /^\s*(?:まで|迄)/;
// What may follow a day in a period and carries nothing for it: a time (9:00, 17時, 午後5時15分)
// and a short note in brackets such as (必着) or (当日消印有効).
const PERIOD_TIME = /^\s*(?:(?:午前|午後)\s*)?\d{1,2}\s*(?::\s*\d{2}|時(?:\s*\d{1,2}\s*分)?)/;

function skipDayTail(rest: string): string {
  let r = rest;
  for (let before = ''; before !== r; ) {
    before = r;
    r = r.replace(PERIOD_TIME, '').replace(DAY_NOTE, '').replace(WEEKDAY, '');
  }
  return r.trim();
}

/**
 * One cell holding a whole application period (申請期間), split into its first and last day:
 * 「令和7年4月1日～令和7年5月31日」, 「2025/4/1 - 2025/5/31」, 「R7.4.1から5.31まで」 (the second day
 * takes the first one's year), and open ends (「令和7年4月1日～」, 「～5月31日」, 「5月31日まで」).
 * A side holding a null word (「～未定」) is an open end. A single day with nothing saying which
 * end it is, or text that is no day at all, is refused.
 */
export function parsePeriod(
  s: string | null | undefined,
  isNullWord: (side: string) => boolean = builtinNullWord,
): ParseResult<Period | null> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const unsplittable = (why: string) => fail<Period | null>(`"${text}" is not a period of two days (${why})`);
  let rest = text;
  let opensOn: string | null = null;
  const lead = PERIOD_SEPARATOR.exec(rest);
  let yearOf: number | undefined;
  if (!lead) {
    const first = scanDate(rest);
    if (!first.ok) return unsplittable(first.reason);
    const firstIso = isoDate(first.value.y, first.value.m, first.value.d);
    rest = skipDayTail(first.value.rest);
    const end = PERIOD_END.exec(rest);
    if (end) {
      // 「5月31日まで」: only the last day is given.
      rest = skipDayTail(rest.slice(end[0].length));
      return rest === '' ? ok({ opensOn: null, closesOn: firstIso }) : unsplittable(`unexpected "${rest}" after まで`);
    }
    const sep = PERIOD_SEPARATOR.exec(rest);
    if (!sep)
      return unsplittable(
        rest === '' ? 'one day only; map it to opensOn or closesOn' : `unexpected "${rest}" after the first day`,
      );
    opensOn = firstIso;
    yearOf = first.value.y;
    rest = rest.slice(sep[0].length);
  } else {
    rest = rest.slice(lead[0].length);
  }
  rest = skipDayTail(rest.replace(PERIOD_END, ''));
  // 「令和7年4月1日～未定」: a null word on one side leaves that end open.
  if (rest === '' || isNullWord(rest))
    return opensOn ? ok({ opensOn, closesOn: null }) : unsplittable('no day on either side');
  const second = scanDate(rest, yearOf);
  if (!second.ok) return unsplittable(second.reason);
  let { y } = second.value;
  const { m, d } = second.value;
  // 「令和7年12月1日～2月末日」-style periods that run into the next year.
  if (
    opensOn &&
    yearOf !== undefined &&
    !ERA_PATTERN.test(rest) &&
    !WESTERN_KANJI.test(rest) &&
    !WESTERN_SEP.test(rest) &&
    !WESTERN_COMPACT.test(rest) &&
    isoDate(y, m, d) < opensOn
  )
    y += 1;
  if (!isCalendarDate(y, m, d)) return unsplittable(`${isoDate(y, m, d)} is not a calendar date`);
  const after = skipDayTail(skipDayTail(second.value.rest).replace(PERIOD_END, ''));
  if (after !== '') return unsplittable(`unexpected "${after}" after the last day`);
  return ok({ opensOn, closesOn: isoDate(y, m, d) });
}
