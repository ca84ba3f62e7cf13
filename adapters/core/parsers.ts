/**
 * How a raw cell becomes a stored value, one parser per kind of field: text (markup resolved),
 * addresses, identifiers, closed vocabularies with their `map:` and `default:`, free lists,
 * industries, coordinates, 全国地方公共団体コード, URLs, areas, amounts, rates and periods. A parser
 * writes into the record being built and says whether it wrote, found the cell blank, or refuses it
 * (and why). Which field uses which parser is the field table's business (fields.ts).
 */
import {
  htmlToText,
  normalizeCorporateNumber,
  normalizeMultiline,
  normalizePhone,
  normalizeText,
  parsePeriod,
  parseSubsidyRate,
  parseYen,
  splitMulti,
  isValidLgCode,
  type ParseResult,
} from '../../domain/normalize';
import { resolveArea, findMunicipalityByName, getMunicipality } from '../../domain/municipalities';
import { findJsicDivision } from '../../domain/industries';
import { createVocabularyLookup } from '../../domain/vocabulary';

export type Output = Record<string, unknown>;
export type Vocabulary = Record<string, { label: string; aliases: readonly string[] }>;

export interface RuleOptions {
  split?: string[];
  html?: boolean;
  ignoreUnknown?: boolean;
  /** `map:` with its keys folded (mapKey): value as written → what to read instead, null to drop it. */
  map?: ReadonlyMap<string, string | null>;
  /** `default:` for values neither the vocabulary nor the map knows; null drops them. */
  fallback?: { value: string | null };
}

/** Notes a cell read leniently: the message (without the value, so warnings group) and the value. */
export type Warn = (message: string, value: string) => void;

/**
 * Parses one cell into the record being built: `true` when it wrote its key(s), `false` when the
 * cell is blank (nothing written), or the reason the cell is refused. Writing in place keeps
 * mapping a 100,000-row file from allocating a result object per cell.
 */
export type Parse = (raw: string, opts: RuleOptions, out: Output, warn: Warn) => boolean | string;

/** Stores a normalizer's result under `key`. */
const into = (key: string, r: ParseResult<unknown>, out: Output): boolean | string => {
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out[key] = r.value;
  return true;
};
const put = (out: Output, key: string, v: unknown): true => {
  out[key] = v;
  return true;
};

/** How `map:` keys and cells are compared: NFKC, without spaces, case-folded. */
export const mapKey = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** One cell, or one item of a multi-valued cell, through the field's `map:`: undefined when unmapped. */
function mapped(item: string, o: RuleOptions): string | null | undefined {
  return o.map && o.map.size > 0 ? o.map.get(mapKey(item)) : undefined;
}

// Markup in a cell meant as plain text: an entity (&nbsp; &#44;) or a tag (<br>, </p>).
const LOOKS_LIKE_HTML = /&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);|<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/i;

/** Whether a cell holds markup: an entity or a tag (agency:init proposes `html: true` for such columns). */
export const looksLikeHtml = (v: string): boolean => (v.includes('&') || v.includes('<')) && LOOKS_LIKE_HTML.test(v);

// One-line text; with `html: true` tags and entities (&nbsp;, &amp;) are resolved first. A cell
// with markup in a field not marked is resolved too, with a warning: stored as `&nbsp;` it would
// be wrong everywhere it is shown. `html: false` keeps the text exactly as written.
export const text =
  (key: string): Parse =>
  (raw, o, out, warn) => {
    let source = raw;
    if (o.html) source = htmlToText(raw);
    else if (o.html === undefined && looksLikeHtml(raw)) {
      source = htmlToText(raw);
      warn(
        'HTML entities or tags in a plain-text cell were decoded (say `html: true` on the field when they are expected)',
        raw,
      );
    }
    const v = normalizeText(source);
    return v ? put(out, key, v) : false;
  };
// Between digits of an address, every dash-like character is the hyphen of 1-2-3 (NFKC keeps the
// minus sign U+2212 and the long vowel mark that people type there).
const ADDRESS_DASH = /(?<=\d)[\u2010-\u2015\u2212\u30FC\uFF70](?=\d)/g;
export const address = (key: string): Parse => {
  const plain = text(key);
  return (raw, o, out, warn) => {
    const r = plain(raw, o, out, warn);
    if (r === true && typeof out[key] === 'string') out[key] = (out[key] as string).replace(ADDRESS_DASH, '-');
    return r;
  };
};

export const multiline =
  (key: string): Parse =>
  (raw, o, out) => {
    const v = o.html === false ? normalizeMultiline(raw) : htmlToText(raw);
    return v ? put(out, key, v) : false;
  };
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._\-]*$/;
export const identifier =
  (key: string): Parse =>
  (raw, _o, out) => {
    const v = normalizeText(raw);
    if (!v) return false;
    return IDENTIFIER.test(v)
      ? put(out, key, v)
      : 'an identifier of letters, digits, ".", "_" or "-" expected (or derive one: `{ from: column }`, `{ hash: [columns] }`)';
  };

export function vocabulary(key: string, vocab: Vocabulary, what: string): Parse {
  const lookup = createVocabularyLookup(vocab);
  const labels = Object.values(vocab).map((v) => v.label);
  return (raw, o, out, warn) => {
    let v = normalizeText(raw);
    if (!v) return false;
    const m = mapped(v, o);
    if (m === null) return false;
    if (m !== undefined) v = m;
    const code = lookup(v);
    if (code) return put(out, key, code);
    if (o.fallback) {
      warn(`not in the ${what} vocabulary nor the field's map; its default is used`, v);
      const d = o.fallback.value === null ? undefined : lookup(o.fallback.value);
      return d ? put(out, key, d) : false;
    }
    return `unknown ${what} "${v}"; expected one of ${labels.join(', ')} (or give the field a map: or a default:)`;
  };
}

export function vocabularyList(key: string, vocab: Vocabulary, what: string): Parse {
  const lookup = createVocabularyLookup(vocab);
  return (raw, o, out, warn) => {
    const codes: string[] = [];
    for (const written of splitMulti(raw, o.split)) {
      const m = mapped(written, o);
      if (m === null) continue;
      const item = m ?? written;
      let code = lookup(item);
      // An agency's own categories may mix known fields with others kept elsewhere (purposes).
      if (!code && o.ignoreUnknown) continue;
      if (!code && o.fallback) {
        warn(`not in the ${what} vocabulary nor the field's map; its default is used`, item);
        if (o.fallback.value === null) continue;
        code = lookup(o.fallback.value);
      }
      if (!code) return `unknown ${what} "${item}" (give the field a map: or a default:)`;
      if (!codes.includes(code as string)) codes.push(code as string);
    }
    return codes.length ? put(out, key, codes) : false;
  };
}

export const list =
  (key: string): Parse =>
  (raw, o, out, warn) => {
    const items: string[] = [];
    let cell = raw;
    if (o.html || (o.html === undefined && looksLikeHtml(raw))) {
      cell = htmlToText(raw);
      if (!o.html)
        warn(
          'HTML entities or tags in a list cell were decoded (say `html: true` on the field when they are expected)',
          raw,
        );
    }
    for (const written of splitMulti(cell, o.split)) {
      const m = mapped(written, o);
      if (m === null) continue;
      const item = m === undefined ? written : normalizeText(m);
      if (item && !items.includes(item)) items.push(item);
    }
    return items.length ? put(out, key, items) : false;
  };
export const identifierList =
  (key: string): Parse =>
  (raw, o, out) => {
    const items = splitMulti(raw, o.split);
    const bad = items.find((i) => !IDENTIFIER.test(i));
    if (bad !== undefined) return `"${bad}" is not an identifier (letters, digits, ".", "_" or "-")`;
    return items.length ? put(out, key, items) : false;
  };

const NOT_A_DIVISION =
  'is not a JSIC division (a letter A–T, or a division, group or class name such as 製造業, 小売業, 飲食店)';

function jsicOf(written: string, o: RuleOptions, warn: Warn): string | null | undefined {
  const m = mapped(written, o);
  if (m === null) return null;
  const item = m ?? written;
  const letter = findJsicDivision(item);
  if (letter || !o.fallback) return letter;
  warn("not a JSIC division nor in the field's map; its default is used", item);
  return o.fallback.value === null ? null : findJsicDivision(o.fallback.value);
}

export const industries: Parse = (raw, o, out, warn) => {
  const codes: string[] = [];
  for (const item of splitMulti(raw, o.split)) {
    const letter = jsicOf(item, o, warn);
    if (letter === null) continue;
    if (!letter) return `"${item}" ${NOT_A_DIVISION}`;
    if (!codes.includes(letter)) codes.push(letter);
  }
  return codes.length ? put(out, 'industries', codes) : false;
};
export const industry: Parse = (raw, o, out, warn) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const letter = jsicOf(v, o, warn);
  if (letter === null) return false;
  return letter ? put(out, 'industry', letter) : `"${v}" ${NOT_A_DIVISION}`;
};

/**
 * A coordinate in decimal degrees: 北緯/東経 (or N/E) before it and a degree sign after it are
 * allowed. Anything else (35度39分, 0x23) is no reason to lose the row: left out with a warning.
 */
export const coordinate =
  (key: 'lat' | 'lng'): Parse =>
  (raw, _o, out, warn) => {
    const v = normalizeText(raw)
      .replace(/^(?:北緯|東経|[NE])\s*/i, '')
      .replace(/\s*(?:°|度)$/, '');
    if (!v) return false;
    if (!/^[+-]?\d{1,3}(?:\.\d+)?$/.test(v)) {
      warn('coordinates left out: not a number of degrees in decimals', raw);
      return false;
    }
    return put(out, key, Number(v));
  };

export const lgCode =
  (key: string): Parse =>
  (raw, _o, out, warn) => {
    const v = normalizeText(raw);
    if (!v) return false;
    if (/^\d{6}$/.test(v)) {
      if (!isValidLgCode(v)) return 'check digit of 全国地方公共団体コード does not match';
      // A code whose check digit holds but which the table does not know: a typo that kept the digit,
      // or a municipality newer than the table (浜松市's wards of 2024). Kept, with a warning.
      if (!getMunicipality(v)) warn('the municipality table does not know this code: kept as written', v);
      return put(out, key, v);
    }
    const found = findMunicipalityByName(v);
    return found ? put(out, key, found.code) : 'a 6-digit 全国地方公共団体コード or a municipality name expected';
  };

export const url =
  (key: string): Parse =>
  (raw, _o, out) => {
    const v = normalizeText(raw);
    if (!v) return false;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      return put(out, key, u.toString());
    } catch {
      return 'an http(s) URL expected';
    }
  };

// The name of a place a code stands for, prefecture first (岡山県浅口市), for the area's text.
function placeName(code: string): string {
  const m = getMunicipality(code);
  if (!m) return code;
  return m.kind === 'prefecture' || m.name.startsWith(m.prefecture) ? m.name : `${m.prefecture}${m.name}`;
}

export const area: Parse = (raw, o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const { codes, unresolved } = resolveArea(v, o.split);
  if (unresolved.length > 0) return `unknown area ${unresolved.map((u) => `"${u}"`).join(', ')}`;
  out.areaCodes = codes;
  // A cell of 全国地方公共団体コード (a feed's publisher code) is shown by the places' names.
  out.areaText = /^[\d\s,、/]+$/.test(v) ? codes.map(placeName).join('、') : v;
  return true;
};

export const yen: Parse = (raw, _o, out) => {
  const r = parseYen(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.maxAmount = r.value.amount;
  out.maxAmountText = r.value.text;
  return true;
};
export const rate: Parse = (raw, _o, out) => {
  const r = parseSubsidyRate(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.subsidyRate = r.value.text;
  out.subsidyRatio = r.value.ratio;
  return true;
};
export const period: Parse = (raw, _o, out) => {
  const r = parsePeriod(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.opensOn = r.value.opensOn;
  out.closesOn = r.value.closesOn;
  return true;
};

export const parsed =
  (key: string, parse: (raw: string) => ParseResult<unknown>): Parse =>
  (raw, _o, out) =>
    into(key, parse(raw), out);
export const corporateNumber = parsed('corporateNumber', normalizeCorporateNumber);
export const phone = parsed('phone', normalizePhone);
