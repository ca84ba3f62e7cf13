/**
 * Dates as agencies write them: 和暦 (令和7年4月1日, R7.4.1, 令和元年), Western forms (2025年4月1日,
 * 2025/4/1, 20250401), an optional weekday and time of day, and instants with a zone, all read as
 * Japan's calendar day and wall clock.
 */
import { fail, ok, type ParseResult } from './result';
import { normalizeText } from './text';

interface Era {
  name: string;
  letter: string;
  /** First valid day; year 1 of the era is the year of this date. */
  start: string;
}

// 明治 is counted from 1868-01-01: the Gregorian calendar itself was adopted only in 1873, so a
// finer boundary would be false precision.
const ERAS: Era[] = [
  { name: '明治', letter: 'M', start: '1868-01-01' },
  { name: '大正', letter: 'T', start: '1912-07-30' },
  { name: '昭和', letter: 'S', start: '1926-12-25' },
  { name: '平成', letter: 'H', start: '1989-01-08' },
  { name: '令和', letter: 'R', start: '2019-05-01' },
];

interface LocalDateTime {
  y: number;
  m: number;
  d: number;
  time?: { h: number; min: number; s: number };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export const isoDate = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const ERA_PATTERN =
  /^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?/i;
export const WESTERN_KANJI = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/;
export const WESTERN_SEP = /^(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?![\d.])/;
export const WESTERN_COMPACT = /^(\d{4})(\d{2})(\d{2})(?!\d)/;
const ZONED_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
// A weekday such as (火) or (Tue) is common after Japanese dates and carries nothing extra.
export const WEEKDAY = /^\s*[(]\s*(?:[月火水木金土日](?:曜日?)?|mon|tue|wed|thu|fri|sat|sun)\s*[)]/i;

function parseTime(rest: string): ParseResult<LocalDateTime['time'] | undefined> {
  const t = rest.trim();
  if (t === '') return { ok: true, value: undefined };
  let m = /^(?:T\s*)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/i.exec(t);
  let h: number, min: number, sec: number;
  if (m) {
    [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  } else {
    m = /^(午前|午後)?\s*(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分)?\s*(?:(\d{1,2})\s*秒)?$/.exec(t);
    if (!m) return { ok: false, reason: `unexpected text after the date: "${t}"` };
    [h, min, sec] = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    if (m[1]) {
      if (h > 12) return { ok: false, reason: `"${t}" mixes 午前/午後 with a 24-hour time` };
      if (m[1] === '午後' && h < 12) h += 12;
      if (m[1] === '午前' && h === 12) h = 0;
    }
  }
  if (h > 23 || min > 59 || sec > 59) return { ok: false, reason: `"${t}" is not a valid time of day` };
  return { ok: true, value: { h, min, s: sec } };
}

function eraOf(token: string): Era | undefined {
  const upper = token.toUpperCase();
  return ERAS.find((e) => e.name === token || e.letter === upper);
}

interface ScannedDate {
  y: number;
  m: number;
  d: number;
  /** What follows the date (a weekday in brackets already skipped). */
  rest: string;
}

// A month and day without a year (5月31日, 5/31): only the second date of a period is written so.
const MONTH_DAY = /^(\d{1,2})\s*(?:月|[./])\s*(\d{1,2})\s*日?/;

/**
 * Reads the calendar date a text starts with, in any accepted written form; `yearOf` lets a
 * date without a year (the end of 「令和7年4月1日～5月31日」) take the year of the one before it.
 */
export function scanDate(s: string, yearOf?: number): ParseResult<ScannedDate> {
  let y: number, mo: number, d: number, rest: string;
  let era: Era | undefined;
  let eraYear = 0;

  const e = ERA_PATTERN.exec(s);
  const k = e ? null : WESTERN_KANJI.exec(s);
  const w = e || k ? null : WESTERN_SEP.exec(s);
  const c = e || k || w ? null : WESTERN_COMPACT.exec(s);
  const md = e || k || w || c || yearOf === undefined ? null : MONTH_DAY.exec(s);
  if (e) {
    era = eraOf(e[1]);
    if (!era) return { ok: false, reason: `unknown era "${e[1]}"` };
    eraYear = e[2] === '元' ? 1 : Number(e[2]);
    if (eraYear < 1) return { ok: false, reason: `${era.name}${eraYear}年 does not exist (years start at 元年)` };
    y = Number(era.start.slice(0, 4)) + eraYear - 1;
    [mo, d] = [Number(e[3]), Number(e[4])];
    rest = s.slice(e[0].length);
  } else if (k || w) {
    const g = (k ?? w) as RegExpExecArray;
    y = Number(g[1]);
    [mo, d] = k ? [Number(g[2]), Number(g[3])] : [Number(g[3]), Number(g[4])];
    rest = s.slice(g[0].length);
  } else if (c) {
    [y, mo, d] = [Number(c[1]), Number(c[2]), Number(c[3])];
    rest = s.slice(c[0].length);
  } else if (md) {
    [y, mo, d] = [yearOf as number, Number(md[1]), Number(md[2])];
    rest = s.slice(md[0].length);
  } else {
    return { ok: false, reason: `"${s}" is not a recognizable date` };
  }

  rest = rest.replace(WEEKDAY, '');
  if (!isCalendarDate(y, mo, d)) {
    const written = era ? `${era.name}${eraYear}年${mo}月${d}日` : `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
    return { ok: false, reason: `${written} is not a calendar date` };
  }
  if (era) {
    const iso = isoDate(y, mo, d);
    const next = ERAS[ERAS.indexOf(era) + 1];
    if (iso < era.start) {
      return {
        ok: false,
        reason: `${era.name}${eraYear}年${mo}月${d}日 is before the ${era.name} era began (${era.start})`,
      };
    }
    if (next && iso >= next.start) {
      const lastDay = new Date(Date.parse(`${next.start}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      return {
        ok: false,
        reason: `${era.name}${eraYear}年${mo}月${d}日 is after the ${era.name} era ended (${lastDay}); it would be ${iso} (${next.name})`,
      };
    }
  }
  return { ok: true, value: { y, m: mo, d, rest } };
}

/** A short note in brackets after a day, such as (必着) or (当日消印有効): it says nothing against the day. */
export const DAY_NOTE = /^\s*[(（][^()（）]{0,20}[)）]/;
const DAY_NOTE_AT_END = /\s*[(（][^()（）]{0,20}[)）]\s*$/;
/** A note marked ※ or * after a day, to the end of the cell (※予定小間数に達した時点で締切, *終了しました). */
const MARKED_NOTE = /\s*[※*][\s\S]*$/;
/** A deadline's まで after its day or hour (令和3年10月29日午後5時まで). */
const UNTIL_AT_END = /\s*(?:まで|迄)\s*$/;

/** What follows a day once the notes around it and a deadline's まで are taken off: a time of day, or nothing. */
function timeText(rest: string): string {
  let r = rest.replace(MARKED_NOTE, '');
  for (let before = ''; before !== r; ) {
    before = r;
    r = r.replace(DAY_NOTE, '').replace(UNTIL_AT_END, '').replace(DAY_NOTE_AT_END, '');
  }
  return r.trim();
}

/**
 * Local (Japan) calendar date and optional time, from any of the accepted written forms; notes in
 * brackets or after ※/* and a deadline's まで may follow the day (旭川's 「令和3年10月29日(金曜日)午後5時まで」).
 */
function parseLocal(s: string): ParseResult<LocalDateTime> {
  const date = scanDate(s);
  if (!date.ok) return date;
  const { y, m, d, rest } = date.value;
  const time = parseTime(timeText(rest));
  if (!time.ok) return time;
  return { ok: true, value: { y, m, d, time: time.value } };
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** An instant with an explicit zone, moved to Japan's wall clock. */
function parseZonedInstant(s: string): ParseResult<LocalDateTime> | null {
  const m = ZONED_INSTANT.exec(s);
  if (!m) return null;
  const [y, mo, d, h, min, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (!isCalendarDate(y, mo, d) || h > 23 || min > 59 || sec > 59) {
    return { ok: false, reason: `"${s}" is not a valid date and time` };
  }
  let offsetMs = 0;
  const zone = m[7].toUpperCase();
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) as RegExpExecArray;
    const minutes = Number(z[2]) * 60 + Number(z[3] ?? 0);
    if (minutes > 14 * 60) return { ok: false, reason: `"${zone}" is not a valid UTC offset` };
    offsetMs = (z[1] === '+' ? 1 : -1) * minutes * 60_000;
  }
  const utc = Date.UTC(y, mo - 1, d, h, min, sec) - offsetMs;
  const jst = new Date(utc + JST_OFFSET_MS);
  return {
    ok: true,
    value: {
      y: jst.getUTCFullYear(),
      m: jst.getUTCMonth() + 1,
      d: jst.getUTCDate(),
      time: { h: jst.getUTCHours(), min: jst.getUTCMinutes(), s: jst.getUTCSeconds() },
    },
  };
}

/** `text` is already normalized. */
function parseAnyDate(text: string): ParseResult<LocalDateTime> {
  return parseZonedInstant(text) ?? parseLocal(text);
}

/** Calendar date in Japan as `YYYY-MM-DD`; a time of day, if present, is validated and dropped. */
export function parseDate(s: string | null | undefined): ParseResult<string | null> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const r = parseAnyDate(text);
  if (!r.ok) return fail(r.reason);
  return ok(isoDate(r.value.y, r.value.m, r.value.d));
}

/** ISO 8601 in Japan time (`+09:00`); inputs without a zone are taken to be Japan time already. */
export function parseDateTime(s: string | null | undefined): ParseResult<string | null> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const r = parseAnyDate(text);
  if (!r.ok) return fail(r.reason);
  const { y, m, d, time = { h: 0, min: 0, s: 0 } } = r.value;
  return ok(`${isoDate(y, m, d)}T${pad(time.h)}:${pad(time.min)}:${pad(time.s)}+09:00`);
}
