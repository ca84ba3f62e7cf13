/**
 * Normalizers for the Japanese values agencies publish, one module per kind of value: text
 * (width, spacing, HTML cells), dates (和暦 and Western) and periods, words meaning "no value",
 * counts, money (yen amounts, subsidy rates), multi-valued cells, and identifiers with their check
 * digits (法人番号, 全国地方公共団体コード, phone numbers). Pure functions without I/O, so every adapter
 * (website, spreadsheet, api) cleans data the same way; parsers return a ParseResult instead of
 * throwing, its value null where the cell was blank or said there is nothing.
 */
export type { ParseResult } from './result';
export { foldKana, htmlToText, normalizeMultiline, normalizeText } from './text';
export { parseDate, parseDateTime } from './dates';
export { type Period, parsePeriod } from './periods';
export { BUILTIN_NULL_WORDS, createNullWordTest, nullWordKey } from './nullWords';
export { parseEmployeeCeiling, parseInteger } from './numbers';
export { parseSubsidyRate, parseYen } from './amounts';
export { DEFAULT_SEPARATORS, splitMulti } from './lists';
export {
  corporateNumberCheckDigit,
  isValidCorporateNumber,
  isValidLgCode,
  lgCodeCheckDigit,
  normalizeCorporateNumber,
  normalizePhone,
  phoneDigits,
} from './identifiers';
