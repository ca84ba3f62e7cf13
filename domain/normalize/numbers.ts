/** Counts as agencies write them: headcounts (20名以下, 50人未満) and plain integers with their units. */
import { fail, ok, type ParseResult } from './result';
import { normalizeText } from './text';

const WELL_FORMED_NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/** A number written with or without thousands separators; null when it is not well formed. */
export function toNumber(token: string): number | null {
  if (!WELL_FORMED_NUMBER.test(token)) return null;
  return Number(token.replace(/,/g, ''));
}

const NO_CEILING = /制約なし|制限なし|要件なし|上限なし|不問|問わない|問いません|^なし$|^-$|^全て$|^すべて$/;

/** Largest headcount allowed (inclusive); `未満` is turned into an inclusive ceiling. */
export function parseEmployeeCeiling(s: string | null | undefined): ParseResult<number | null> {
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

export function parseInteger(s: string | null | undefined): ParseResult<number | null> {
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
