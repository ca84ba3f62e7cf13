/** Identifiers with their checks: 法人番号, 全国地方公共団体コード and phone numbers. */
import { fail, ok, type ParseResult } from './result';
import { normalizeText } from './text';

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

export function normalizeCorporateNumber(s: string | null | undefined): ParseResult<string | null> {
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
export function normalizePhone(s: string | null | undefined): ParseResult<string | null> {
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
