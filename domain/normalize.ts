/**
 * Normalizers for the Japanese values agencies publish: text width and spacing, HTML cells,
 * 和暦 and Western dates, yen amounts, subsidy rates, employee ceilings, multi-valued cells,
 * and the check digits of 法人番号 and 全国地方公共団体コード.
 * Pure functions without I/O, so every adapter (website, spreadsheet, api) cleans data the same way.
 * Parsers return a ParseResult instead of throwing: an adapter can then report the cell and the
 * reason and keep the rest of the row.
 */
import { load } from 'cheerio';

/** `value: null` means the cell was blank (or said explicitly that there is nothing). */
export type ParseResult<T> = { ok: true; value: T | null } | { ok: false; reason: string };

const ok = <T>(value: T | null): ParseResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });

// Zero-width characters survive NFKC and break equality and search, so they are dropped outright.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

// Printable ASCII words with single spaces between them: already what normalizeText returns.
const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

export function normalizeText(s: string | null | undefined): string {
  if (s == null) return '';
  const text = String(s);
  // Codes, dates and numbers, most cells of a log, need no Unicode normalization.
  if (PLAIN_ASCII.test(text)) return text;
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
}

export function normalizeMultiline(s: string | null | undefined): string {
  if (s == null) return '';
  return String(s)
    .normalize('NFKC')
    .replace(ZERO_WIDTH, '')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Elements whose end means "new line" when a page or a cell is flattened to text.
const BLOCK_END = /<\/(?:p|li|div|tr|h[1-6]|dd|dt|blockquote|section|article|table|ul|ol)\s*>/gi;

/**
 * Entities are decoded with cheerio because `entities` v9 is ESM-only: plain Node 20.20 can
 * require() it, but jest's module runtime cannot.
 */
export function htmlToText(s: string | null | undefined): string {
  if (s == null) return '';
  const flattened = String(s)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(BLOCK_END, '\n')
    // Only things that look like tags are removed, so "1 < 2" in a cell keeps its "<".
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
  const decoded = flattened.includes('&') ? decodeEntities(flattened) : flattened;
  return normalizeMultiline(decoded);
}

// The same few entities recur in every cell; parsing each only once keeps bulk imports fast.
const entityCache = new Map<string, string>();

function decodeEntities(text: string): string {
  // Parsing the whole string would let a stray "<" swallow text, so only entity references go
  // through the HTML parser.
  return text.replace(/&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);?/gi, (ref) => {
    let decoded = entityCache.get(ref);
    if (decoded === undefined) {
      decoded = load(ref, null, false).text();
      if (entityCache.size < 1000) entityCache.set(ref, decoded);
    }
    return decoded;
  });
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

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
const isoDate = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const ERA_PATTERN =
  /^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?/i;
const WESTERN_KANJI = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/;
const WESTERN_SEP = /^(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?![\d.])/;
const WESTERN_COMPACT = /^(\d{4})(\d{2})(\d{2})(?!\d)/;
const ZONED_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
// A weekday such as (火) or (Tue) is common after Japanese dates and carries nothing extra.
const WEEKDAY = /^\s*[(]\s*(?:[月火水木金土日](?:曜日?)?|mon|tue|wed|thu|fri|sat|sun)\s*[)]/i;

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseTime(rest: string): Parsed<LocalDateTime['time'] | undefined> {
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
function scanDate(s: string, yearOf?: number): Parsed<ScannedDate> {
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

/** Local (Japan) calendar date and optional time, from any of the accepted written forms. */
function parseLocal(s: string): Parsed<LocalDateTime> {
  const date = scanDate(s);
  if (!date.ok) return date;
  const { y, m, d, rest } = date.value;
  const time = parseTime(rest);
  if (!time.ok) return time;
  return { ok: true, value: { y, m, d, time: time.value } };
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** An instant with an explicit zone, moved to Japan's wall clock. */
function parseZonedInstant(s: string): Parsed<LocalDateTime> | null {
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
function parseAnyDate(text: string): Parsed<LocalDateTime> {
  return parseZonedInstant(text) ?? parseLocal(text);
}

/** Calendar date in Japan as `YYYY-MM-DD`; a time of day, if present, is validated and dropped. */
export function parseDate(s: string | null | undefined): ParseResult<string> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const r = parseAnyDate(text);
  if (!r.ok) return fail(r.reason);
  return ok(isoDate(r.value.y, r.value.m, r.value.d));
}

/** ISO 8601 in Japan time (`+09:00`); inputs without a zone are taken to be Japan time already. */
export function parseDateTime(s: string | null | undefined): ParseResult<string> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const r = parseAnyDate(text);
  if (!r.ok) return fail(r.reason);
  const { y, m, d, time = { h: 0, min: 0, s: 0 } } = r.value;
  return ok(`${isoDate(y, m, d)}T${pad(time.h)}:${pad(time.min)}:${pad(time.s)}+09:00`);
}

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
const PERIOD_NOTE = /^\s*[(（][^()（）]{0,20}[)）]/;

function skipDayTail(rest: string): string {
  let r = rest;
  for (let before = ''; before !== r; ) {
    before = r;
    r = r.replace(PERIOD_TIME, '').replace(PERIOD_NOTE, '').replace(WEEKDAY, '');
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
): ParseResult<Period> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const unsplittable = (why: string) => fail<Period>(`"${text}" is not a period of two days (${why})`);
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

// ---------------------------------------------------------------------------------------------
// Words meaning "no value"
// ---------------------------------------------------------------------------------------------

/**
 * What agencies write in a date, amount or count cell to say there is no such value: always open,
 * all year, until the budget runs out, ask us, unknown, a dash, not decided yet. Such a cell is
 * read as blank (with a warning naming the field), not refused.
 */
export const BUILTIN_NULL_WORDS: readonly string[] = [
  '随時',
  '随時受付',
  '通年',
  '通年受付',
  '常時',
  '予算がなくなり次第終了',
  '予算に達し次第終了',
  '要相談',
  '応相談',
  '不明',
  '未定',
  '調整中',
  '-',
  '－',
  '―',
  '—',
  'ー',
];

/** How null words are compared: NFKC, without spaces, brackets and closing punctuation. */
export const nullWordKey = (s: string): string => s.normalize('NFKC').replace(/[\s()（）「」【】。.、]/g, '');

export function createNullWordTest(words: readonly string[]): (cell: string) => boolean {
  const keys = new Set(words.map(nullWordKey).filter((k) => k !== ''));
  // "-" alone folds to itself; a cell of only brackets or spaces is blank, not a null word.
  return (cell) => {
    const key = nullWordKey(cell);
    return key !== '' && keys.has(key);
  };
}

const builtinNullWord = createNullWordTest(BUILTIN_NULL_WORDS);

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const WELL_FORMED_NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

function toNumber(token: string): number | null {
  if (!WELL_FORMED_NUMBER.test(token)) return null;
  return Number(token.replace(/,/g, ''));
}

// Words that say "no amount" rather than "unknown amount".
const NONE_WORDS = new Set([
  'なし',
  '無し',
  '無',
  '該当なし',
  '該当無し',
  '-',
  '--',
  'ー',
  '―',
  '—',
  '–',
  '‐',
  '−',
  'n/a',
]);

const YEN_UNITS = new Map<string, number>([
  ['兆', 1e12],
  ['億', 1e8],
  ['千万', 1e7],
  ['百万', 1e6],
  ['十万', 1e5],
  ['万', 1e4],
  ['千', 1e3],
]);
// In the alternation 千万 must come before 千, or 「3千万円」 would read as 3,000 followed by 万円.
const YEN_TERM = /(\d(?:[\d,.]*\d)?)\s*(兆|億|千万|百万|十万|万|千)?/g;

interface Compound {
  start: number;
  end: number;
  terms: { token: string; unit: number }[];
  yen: boolean;
}

/** Groups "1億" "2,000万" "円" into one amount; units must descend, as in written Japanese. */
function findYenCompounds(t: string): Compound[] {
  const compounds: Compound[] = [];
  let current: Compound | null = null;
  let lastUnit = Infinity;
  for (const m of t.matchAll(YEN_TERM)) {
    const start = m.index as number;
    const unit = m[2] ? (YEN_UNITS.get(m[2]) as number) : 1;
    const adjacent = current !== null && /^\s*$/.test(t.slice(current.end, start));
    if (current && adjacent && lastUnit > 1 && unit < lastUnit) {
      current.terms.push({ token: m[1], unit });
      current.end = start + m[0].length;
    } else {
      if (current) compounds.push(current);
      current = { start, end: start + m[0].length, terms: [{ token: m[1], unit }], yen: false };
    }
    lastUnit = unit;
  }
  if (current) compounds.push(current);
  for (const c of compounds) {
    const after = t.slice(c.end);
    c.yen = c.terms.some((x) => x.unit > 1) || /^\s*円/.test(after);
  }
  return compounds;
}

// Qualifiers around a bare number that do not change its meaning as an amount.
const AMOUNT_QUALIFIERS =
  /上限額?|限度額?|最大|最高|補助上限額?|補助金額|助成額|融資額|金額|以内|以下|まで|程度|[:：]/g;

/** Amount in yen (first amount mentioned) plus the normalized original, which keeps the caveats. */
export function parseYen(s: string | null | undefined): ParseResult<{ amount: number | null; text: string }> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  if (NONE_WORDS.has(text.toLowerCase())) return ok(null);

  const compounds = findYenCompounds(text);
  let chosen = compounds.find((c) => c.yen);
  if (!chosen) {
    // A bare number is taken as yen only when nothing else in the cell could be its unit.
    const bare = text.replace(AMOUNT_QUALIFIERS, '').trim();
    if (compounds.length === 1 && bare === compounds[0].terms[0].token) chosen = compounds[0];
  }
  if (!chosen) return ok({ amount: null, text });

  let amount = 0;
  for (const term of chosen.terms) {
    const n = toNumber(term.token);
    if (n === null) return fail(`"${term.token}" is not a well-formed number`);
    amount += n * term.unit;
  }
  amount = Math.round(amount);
  if (!Number.isSafeInteger(amount)) return fail(`${text} is too large to be an amount in yen`);
  return ok({ amount, text });
}

// ---------------------------------------------------------------------------------------------
// Subsidy rates
// ---------------------------------------------------------------------------------------------

const INTEREST_WORDS = /利率|金利|年利|年率|利子|利息|保証料/;
// 年1.2% is interest; 令和7年 50% is a year followed by a rate, hence the look-behind.
const ANNUAL_PERCENT = /(?<!\d)年\s*\d+(?:\.\d+)?\s*%/;

/** Share of the cost the programme pays, rounded to 4 decimals; the text keeps conditions. */
export function parseSubsidyRate(s: string | null | undefined): ParseResult<{ text: string; ratio: number | null }> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  // Loan conditions end up in the same column in several sources; a rate of interest is not a
  // share of costs, so it must not be read as one.
  if (INTEREST_WORDS.test(text) || ANNUAL_PERCENT.test(text)) return ok({ text, ratio: null });

  const candidates: { index: number; ratio: Parsed<number> }[] = [];
  const push = (index: number, num: number, den: number, written: string) => {
    if (!(den > 0)) candidates.push({ index, ratio: { ok: false, reason: `${written} has a zero denominator` } });
    else if (num / den > 1)
      candidates.push({ index, ratio: { ok: false, reason: `${written} is more than the whole cost` } });
    else candidates.push({ index, ratio: { ok: true, value: num / den } });
  };
  // U+2044 (fraction slash) is what NFKC makes of characters like ⅔.
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*[/\u2044]\s*(\d+(?:\.\d+)?)/g)) {
    push(m.index as number, Number(m[1]), Number(m[2]), m[0]);
  }
  for (const m of text.matchAll(/(\d+)\s*分\s*の\s*(\d+)/g)) push(m.index as number, Number(m[2]), Number(m[1]), m[0]);
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*%/g)) push(m.index as number, Number(m[1]), 100, m[0]);
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*割/g)) push(m.index as number, Number(m[1]), 10, m[0]);

  if (candidates.length === 0) return ok({ text, ratio: null });
  const first = candidates.sort((a, b) => a.index - b.index)[0].ratio;
  if (!first.ok) return fail(first.reason);
  return ok({ text, ratio: Math.round(first.value * 10_000) / 10_000 });
}

// ---------------------------------------------------------------------------------------------
// Employee ceiling and counts
// ---------------------------------------------------------------------------------------------

const NO_CEILING = /制約なし|制限なし|要件なし|上限なし|不問|問わない|問いません|^なし$|^-$|^全て$|^すべて$/;

/** Largest headcount allowed (inclusive); `未満` is turned into an inclusive ceiling. */
export function parseEmployeeCeiling(s: string | null | undefined): ParseResult<number> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  if (NO_CEILING.test(text)) return ok(null);
  const m = /(\d(?:[\d,]*\d)?)\s*(?:名|人)?\s*(以下|未満|以内|まで|以上|超|を超える)?/.exec(text);
  if (!m) return fail(`no headcount in "${text}"`);
  const n = toNumber(m[1]);
  if (n === null || !Number.isInteger(n)) return fail(`"${m[1]}" is not a well-formed headcount`);
  switch (m[2]) {
    case '未満':
      return n > 0 ? ok(n - 1) : fail(`"${text}" allows no employees at all`);
    case '以上':
    case '超':
    case 'を超える':
      return fail(`"${text}" is a lower bound, not a ceiling`);
    default:
      return ok(n);
  }
}

export function parseInteger(s: string | null | undefined): ParseResult<number> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const m = /^([+-]?)\s*(\d[\d,]*(?:\.\d+)?)\s*(?:人|名|件|社)?$/.exec(text.replace(/^[−–]/, '-'));
  if (!m) return fail(`"${text}" is not an integer`);
  const n = toNumber(m[2]);
  if (n === null) return fail(`"${m[2]}" is not a well-formed number`);
  if (!Number.isInteger(n)) return fail(`"${text}" is not an integer`);
  if (!Number.isSafeInteger(n)) return fail(`"${text}" is too large`);
  return ok(m[1] === '-' ? -n : n);
}

// ---------------------------------------------------------------------------------------------
// Multi-valued cells
// ---------------------------------------------------------------------------------------------

// `・` is deliberately absent: it joins words inside one label (金融・資金繰り). Splitting uses them
// all at once; the order is agency:init's preference when a column uses several: an agency's own
// separator (;#) and line breaks before punctuation that may also sit inside an item (卸売、小売).
export const DEFAULT_SEPARATORS: readonly string[] = [';#', '\n', '、', ',', '，', '/', '／', '|'];

// Text and separators are width-folded first so that ｜ or ， split like | and , do.
const foldForSplit = (x: string) => x.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/\r\n?/g, '\n');

// A bulk import splits the same few separator lists millions of times: each is compiled once.
const separatorPatterns = new Map<string, RegExp | null>();

function separatorPattern(separators: readonly string[]): RegExp | null {
  const key = separators.join('\u0000');
  let pattern = separatorPatterns.get(key);
  if (pattern === undefined) {
    const seps = [...new Set(separators.map(foldForSplit))].filter((x) => x !== '').sort((a, b) => b.length - a.length);
    pattern = seps.length === 0 ? null : new RegExp(seps.map(escapeRegExp).join('|'));
    if (separatorPatterns.size < 1000) separatorPatterns.set(key, pattern);
  }
  return pattern;
}

export function splitMulti(s: string | null | undefined, separators: readonly string[] = DEFAULT_SEPARATORS): string[] {
  if (s == null) return [];
  const text = foldForSplit(String(s));
  const pattern = separatorPattern(separators);
  const parts = pattern ? text.split(pattern) : [text];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const item = normalizeText(part);
    if (item === '' || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

function digitsOf(s: string, length: number, what: string): number[] {
  const digits = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const d = s.length === length ? s.charCodeAt(i) - 48 : -1;
    if (!(d >= 0 && d <= 9)) throw new RangeError(`${what}: ${length} digits expected, got "${s}"`);
    digits[i] = d;
  }
  return digits;
}

/** 法人番号 check digit over the 12-digit base (the digits after the check digit). */
export function corporateNumberCheckDigit(base12: string): number {
  const digits = digitsOf(base12, 12, 'corporate number base');
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += digits[12 - n] * (n % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9);
}

// Hyphens of every width, since people group the digits for legibility (1-2345-6789-0123).
const GROUPING = /[\s\-‐‑–—−ー]/g;

export function normalizeCorporateNumber(s: string | null | undefined): ParseResult<string> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const digits = text.replace(GROUPING, '');
  if (!/^\d{13}$/.test(digits)) return fail(`13 digits expected, got "${text}"`);
  const expected = corporateNumberCheckDigit(digits.slice(1));
  if (Number(digits[0]) !== expected) return fail(`check digit should be ${expected}, got ${digits[0]}`);
  return ok(digits);
}

export function isValidCorporateNumber(s: string): boolean {
  const r = normalizeCorporateNumber(s);
  return r.ok && r.value !== null;
}

/**
 * A Japanese phone number as written (078-123-4567, (078)123-4567, ０７８１２３４５６７): width
 * folded, hyphens of every kind as "-", parentheses around the area code turned into a hyphen.
 * 10 or 11 digits starting with 0, or a +81 form, are accepted.
 */
export function normalizePhone(s: string | null | undefined): ParseResult<string> {
  const text = normalizeText(s);
  if (text === '') return ok(null);
  const unified = text
    .replace(/[‐‑–—−ー]/g, '-')
    .replace(/^\((\d+)\)\s*/, '$1-')
    .replace(/(\d)\((\d+)\)/, '$1-$2-')
    .replace(/\s+/g, '-');
  const digits = unified.replace(/^\+81-?/, '0').replace(/-/g, '');
  if (!/^[+\d][\d-]*$/.test(unified) || !/^0\d{9,10}$/.test(digits))
    return fail(`a phone number of 10 or 11 digits expected, got "${text}"`);
  return ok(unified);
}

/** The digits of a phone number, for comparing two ways of writing it. */
export function phoneDigits(phone: string): string {
  return phone.replace(/^\+81-?/, '0').replace(/\D/g, '');
}

/** Check digit of a 全国地方公共団体コード from its first five digits. */
export function lgCodeCheckDigit(base5: string): number {
  const d = digitsOf(base5, 5, 'local government code base');
  const sum = d[0] * 6 + d[1] * 5 + d[2] * 4 + d[3] * 3 + d[4] * 2;
  return (11 - (sum % 11)) % 10;
}

export function isValidLgCode(s: string): boolean {
  const code = normalizeText(s);
  if (!/^\d{6}$/.test(code)) return false;
  return lgCodeCheckDigit(code.slice(0, 5)) === Number(code[5]);
}

// ---------------------------------------------------------------------------------------------
// Search folding
// ---------------------------------------------------------------------------------------------

/** Key for search: width-folded, katakana as hiragana, ASCII lower-cased. */
export function foldKana(s: string): string {
  return normalizeText(s)
    .replace(/[\u30A1-\u30F6\u30FD\u30FE]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .toLowerCase();
}
