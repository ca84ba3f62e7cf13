/**
 * The common schema's fields as an adapter sees them: for each entity, which fields exist, which
 * are required, what kind of value each holds, and how a raw cell is parsed into the stored value.
 * Mapping a raw record either yields a stored record (with warnings about cells read leniently)
 * or the row's rejection: its first problem, and any further ones, field by field.
 *
 * The mapping language an agency file writes lives here too: a column, a fixed value, a template,
 * a derived id (`from`, `hash`), a `pattern` taking part of a cell, `map:` and `default:` for
 * closed vocabularies, and `nullWords:` for cells that say there is no value.
 */
import { createHash } from 'node:crypto';
import {
  BUILTIN_NULL_WORDS,
  createNullWordTest,
  htmlToText,
  normalizeCorporateNumber,
  normalizeMultiline,
  normalizePhone,
  normalizeText,
  parseDate,
  parseDateTime,
  parseEmployeeCeiling,
  parseInteger,
  parsePeriod,
  parseSubsidyRate,
  parseYen,
  splitMulti,
  isValidLgCode,
  type ParseResult,
} from '../../domain/normalize';
import {
  resolveArea,
  findMunicipalityByName,
  getMunicipality,
  inJapan,
  municipalityOfAddress,
  pointFits,
} from '../../domain/municipalities';
import { findJsicDivision } from '../../domain/industries';
import {
  CHANNELS,
  COMMITTEE_OUTCOMES,
  JSIC_DIVISIONS,
  ORGANIZATION_KINDS,
  OUTCOMES,
  PROGRAM_KINDS,
  SUPPORT_FIELDS,
  createVocabularyLookup,
} from '../../domain/vocabulary';
import type { EntityKind, RowRejection, RowWarning } from '../../domain/records';

// The industry vocabulary as `map:` targets are checked against: letters and division names.
const JSIC_VOCABULARY: Vocabulary = Object.fromEntries(
  Object.entries(JSIC_DIVISIONS).map(([letter, label]) => [letter, { label, aliases: [] }]),
);

type Output = Record<string, unknown>;
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
type Parse = (raw: string, opts: RuleOptions, out: Output, warn: Warn) => boolean | string;

/** What a field holds: which mapping options apply to it, and how agency:init recognises a column for it. */
export type FieldType =
  | 'id'
  | 'text'
  | 'multiline'
  | 'list'
  | 'vocabulary'
  | 'vocabularyList'
  | 'industry'
  | 'industries'
  | 'date'
  | 'datetime'
  | 'period'
  | 'amount'
  | 'rate'
  | 'count'
  | 'number'
  | 'municipality'
  | 'area'
  | 'url'
  | 'corporateNumber';

export interface FieldSpec {
  required?: boolean;
  /** Filled from the agency's id when the mapping leaves it out (provider, owning organization). */
  defaultFromAgency?: boolean;
  parse: Parse;
  type?: FieldType;
  /** A closed vocabulary's codes, labels and aliases, which `map:` and `default:` are checked against. */
  vocabulary?: Vocabulary;
  /** The key keeping the cell's text beside the parsed value (maxAmount → maxAmountText). */
  rawKey?: string;
  /** Other fields this one fills (period → opensOn and closesOn): a mapping gives either, not both. */
  fills?: string[];
}

/** Types whose cells may hold a null word (随時, 不明, －): read as blank with a warning, not refused. */
const NULLABLE: ReadonlySet<FieldType> = new Set<FieldType>([
  'vocabulary',
  'vocabularyList',
  'industry',
  'industries',
  'date',
  'datetime',
  'period',
  'amount',
  'rate',
  'count',
  'number',
  'municipality',
  'area',
  'url',
  'corporateNumber',
]);

/** Types `map:` and `default:` apply to: the closed vocabularies, and free lists for `map:` alone. */
export const MAPPABLE: ReadonlySet<FieldType> = new Set<FieldType>([
  'vocabulary',
  'vocabularyList',
  'industry',
  'industries',
  'list',
]);

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

// One-line text; with `html: true` tags and entities (&nbsp;, &amp;) are resolved first. A cell
// with markup in a field not marked is resolved too, with a warning: stored as `&nbsp;` it would
// be wrong everywhere it is shown. `html: false` keeps the text exactly as written.
const text =
  (key: string): Parse =>
  (raw, o, out, warn) => {
    let source = raw;
    if (o.html) source = htmlToText(raw);
    else if (o.html === undefined && (raw.includes('&') || raw.includes('<')) && LOOKS_LIKE_HTML.test(raw)) {
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
const address = (key: string): Parse => {
  const plain = text(key);
  return (raw, o, out, warn) => {
    const r = plain(raw, o, out, warn);
    if (r === true && typeof out[key] === 'string') out[key] = (out[key] as string).replace(ADDRESS_DASH, '-');
    return r;
  };
};

const multiline =
  (key: string): Parse =>
  (raw, o, out) => {
    const v = o.html === false ? normalizeMultiline(raw) : htmlToText(raw);
    return v ? put(out, key, v) : false;
  };
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._\-]*$/;
const identifier =
  (key: string): Parse =>
  (raw, _o, out) => {
    const v = normalizeText(raw);
    if (!v) return false;
    return IDENTIFIER.test(v)
      ? put(out, key, v)
      : 'an identifier of letters, digits, ".", "_" or "-" expected (or derive one: `{ from: column }`, `{ hash: [columns] }`)';
  };

function vocabulary(key: string, vocab: Vocabulary, what: string): Parse {
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

function vocabularyList(key: string, vocab: Vocabulary, what: string): Parse {
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

const list =
  (key: string): Parse =>
  (raw, o, out, warn) => {
    const items: string[] = [];
    let cell = raw;
    if (o.html || (o.html === undefined && (raw.includes('&') || raw.includes('<')) && LOOKS_LIKE_HTML.test(raw))) {
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
const identifierList =
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

const industries: Parse = (raw, o, out, warn) => {
  const codes: string[] = [];
  for (const item of splitMulti(raw, o.split)) {
    const letter = jsicOf(item, o, warn);
    if (letter === null) continue;
    if (!letter) return `"${item}" ${NOT_A_DIVISION}`;
    if (!codes.includes(letter)) codes.push(letter);
  }
  return codes.length ? put(out, 'industries', codes) : false;
};
const industry: Parse = (raw, o, out, warn) => {
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
const coordinate =
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

const lgCode =
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

const url =
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

const area: Parse = (raw, o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const { codes, unresolved } = resolveArea(v, o.split);
  if (unresolved.length > 0) return `unknown area ${unresolved.map((u) => `"${u}"`).join(', ')}`;
  out.areaCodes = codes;
  // A cell of 全国地方公共団体コード (a feed's publisher code) is shown by the places' names.
  out.areaText = /^[\d\s,、/]+$/.test(v) ? codes.map(placeName).join('、') : v;
  return true;
};

const yen: Parse = (raw, _o, out) => {
  const r = parseYen(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.maxAmount = r.value.amount;
  out.maxAmountText = r.value.text;
  return true;
};
const rate: Parse = (raw, _o, out) => {
  const r = parseSubsidyRate(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.subsidyRate = r.value.text;
  out.subsidyRatio = r.value.ratio;
  return true;
};
const period: Parse = (raw, _o, out) => {
  const r = parsePeriod(raw);
  if (!r.ok) return r.reason;
  if (r.value === null) return false;
  out.opensOn = r.value.opensOn;
  out.closesOn = r.value.closesOn;
  return true;
};

const parsed =
  (key: string, parse: (raw: string) => ParseResult<unknown>): Parse =>
  (raw, _o, out) =>
    into(key, parse(raw), out);
const corporateNumber = parsed('corporateNumber', normalizeCorporateNumber);
const phone = parsed('phone', normalizePhone);

export const ENTITY_FIELDS: Record<EntityKind, Record<string, FieldSpec>> = {
  organization: {
    id: { required: true, type: 'id', parse: identifier('id') },
    name: { required: true, type: 'text', parse: text('name') },
    nameKana: { type: 'text', parse: text('nameKana') },
    kind: {
      required: true,
      type: 'vocabulary',
      vocabulary: ORGANIZATION_KINDS,
      parse: vocabulary('kind', ORGANIZATION_KINDS, 'organization kind'),
    },
    legalForm: { type: 'text', parse: text('legalForm') },
    corporateNumber: { type: 'corporateNumber', parse: corporateNumber },
    postalCode: { type: 'text', parse: text('postalCode') },
    address: { type: 'text', parse: address('address') },
    municipalityCode: { type: 'municipality', parse: lgCode('municipalityCode') },
    lat: { type: 'number', parse: coordinate('lat') },
    lng: { type: 'number', parse: coordinate('lng') },
    phone: { type: 'text', parse: text('phone') },
    url: { type: 'url', parse: url('url') },
    supportFields: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: vocabularyList('supportFields', SUPPORT_FIELDS, 'support field'),
    },
    networks: { type: 'list', parse: list('networks') },
  },
  program: {
    localId: { required: true, type: 'id', parse: identifier('localId') },
    providerId: { required: true, defaultFromAgency: true, type: 'id', parse: identifier('providerId') },
    /** An aggregator's feed names the body offering each programme: resolved to it by name where the directory has it. */
    providerName: { type: 'text', parse: text('providerName') },
    title: { required: true, type: 'text', parse: text('title') },
    titleKana: { type: 'text', parse: text('titleKana') },
    summary: { type: 'multiline', parse: multiline('summary') },
    body: { type: 'multiline', parse: multiline('body') },
    kind: {
      required: true,
      type: 'vocabulary',
      vocabulary: PROGRAM_KINDS,
      parse: vocabulary('kind', PROGRAM_KINDS, 'programme kind'),
    },
    supportFields: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: vocabularyList('supportFields', SUPPORT_FIELDS, 'support field'),
    },
    purposes: { type: 'list', parse: list('purposes') },
    area: { type: 'area', parse: area },
    industries: { type: 'industries', vocabulary: JSIC_VOCABULARY, parse: industries },
    employeeCeiling: { type: 'count', parse: parsed('employeeCeiling', parseEmployeeCeiling) },
    eligibilityText: { type: 'multiline', parse: multiline('eligibilityText') },
    maxAmount: { type: 'amount', rawKey: 'maxAmountText', parse: yen },
    subsidyRate: { type: 'rate', rawKey: 'subsidyRate', parse: rate },
    /** One cell holding the whole application period, split into opensOn and closesOn. */
    period: { type: 'period', fills: ['opensOn', 'closesOn'], parse: period },
    opensOn: { type: 'date', parse: parsed('opensOn', parseDate) },
    closesOn: { type: 'date', parse: parsed('closesOn', parseDate) },
    url: { type: 'url', parse: url('url') },
    contact: { type: 'text', parse: text('contact') },
    updatedOn: { type: 'date', parse: parsed('updatedOn', parseDate) },
  },
  consultation: {
    localId: { required: true, type: 'id', parse: identifier('localId') },
    organizationId: { required: true, defaultFromAgency: true, type: 'id', parse: identifier('organizationId') },
    receivedAt: { required: true, type: 'datetime', parse: parsed('receivedAt', parseDateTime) },
    channel: {
      required: true,
      type: 'vocabulary',
      vocabulary: CHANNELS,
      parse: vocabulary('channel', CHANNELS, 'channel'),
    },
    topics: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: vocabularyList('topics', SUPPORT_FIELDS, 'support field'),
    },
    corporateNumber: { type: 'corporateNumber', parse: corporateNumber },
    companyName: { type: 'text', parse: text('companyName') },
    industry: { type: 'industry', vocabulary: JSIC_VOCABULARY, parse: industry },
    employees: { type: 'count', parse: parsed('employees', parseInteger) },
    municipalityCode: { type: 'municipality', parse: lgCode('municipalityCode') },
    phone: { type: 'text', parse: phone },
    address: { type: 'text', parse: address('address') },
    summary: { type: 'multiline', parse: multiline('summary') },
    consultant: { type: 'text', parse: text('consultant') },
    outcome: { type: 'vocabulary', vocabulary: OUTCOMES, parse: vocabulary('outcome', OUTCOMES, 'outcome') },
    referredToId: { type: 'id', parse: identifier('referredToId') },
  },
  committee: {
    localId: { required: true, type: 'id', parse: identifier('localId') },
    meetingOn: { required: true, type: 'date', parse: parsed('meetingOn', parseDate) },
    corporateNumber: { type: 'corporateNumber', parse: corporateNumber },
    firmId: { type: 'id', parse: identifier('firmId') },
    companyName: { required: true, type: 'text', parse: text('companyName') },
    municipalityCode: { type: 'municipality', parse: lgCode('municipalityCode') },
    industry: { type: 'industry', vocabulary: JSIC_VOCABULARY, parse: industry },
    nominatedBy: { type: 'id', parse: identifier('nominatedBy') },
    rationale: { type: 'multiline', parse: multiline('rationale') },
    outcome: {
      required: true,
      type: 'vocabulary',
      vocabulary: COMMITTEE_OUTCOMES,
      parse: vocabulary('outcome', COMMITTEE_OUTCOMES, 'committee outcome'),
    },
    reason: { type: 'multiline', parse: multiline('reason') },
    decidedBy: { type: 'text', parse: text('decidedBy') },
    leadAgency: { type: 'id', parse: identifier('leadAgency') },
    participatingAgencies: { type: 'list', parse: identifierList('participatingAgencies') },
    goals: { type: 'list', parse: list('goals') },
  },
};

/** The field holding an entity's own identifier in its mapping (`id:` is accepted for it). */
export const ID_FIELD: Record<EntityKind, string> = {
  organization: 'id',
  program: 'localId',
  consultation: 'localId',
  committee: 'localId',
};

/** Whether a value written in a `map:` or `default:` is one the field itself accepts. */
export function fieldAccepts(spec: FieldSpec, value: string): boolean {
  if (spec.type === 'industry' || spec.type === 'industries') return findJsicDivision(value) !== undefined;
  if (spec.vocabulary) return createVocabularyLookup(spec.vocabulary)(value) !== undefined;
  return true;
}

/** Defaults so every stored record has every key, whatever the mapping covers. */
const EMPTY: Record<EntityKind, Output> = {
  organization: {
    nameKana: null,
    legalForm: null,
    corporateNumber: null,
    postalCode: null,
    address: null,
    municipalityCode: null,
    lat: null,
    lng: null,
    phone: null,
    url: null,
    supportFields: [],
    networks: [],
  },
  program: {
    providerName: null,
    titleKana: null,
    summary: null,
    body: null,
    supportFields: [],
    purposes: [],
    areaCodes: [],
    areaText: null,
    industries: [],
    employeeCeiling: null,
    eligibilityText: null,
    maxAmount: null,
    maxAmountText: null,
    subsidyRate: null,
    subsidyRatio: null,
    opensOn: null,
    closesOn: null,
    url: null,
    contact: null,
    updatedOn: null,
  },
  consultation: {
    topics: [],
    corporateNumber: null,
    companyName: null,
    industry: null,
    employees: null,
    municipalityCode: null,
    phone: null,
    address: null,
    summary: null,
    consultant: null,
    outcome: null,
    referredToId: null,
  },
  committee: {
    corporateNumber: null,
    firmId: null,
    municipalityCode: null,
    industry: null,
    nominatedBy: null,
    rationale: null,
    reason: null,
    decidedBy: null,
    leadAgency: null,
    participatingAgencies: [],
    goals: [],
  },
};

// Every output key from the start, in one order, so all records of an entity share one shape:
// V8 keeps such objects fast, where adding keys row by row (Object.assign) made mapping 100,000
// rows take twice as long. Fields that only fill others (period) have no key of their own.
const TEMPLATE = Object.fromEntries(
  (Object.keys(EMPTY) as EntityKind[]).map((entity) => [
    entity,
    {
      ...Object.fromEntries(
        Object.entries(ENTITY_FIELDS[entity]).flatMap(([field, spec]) => (spec.required ? [[field, null]] : [])),
      ),
      ...EMPTY[entity],
      // Filled in by the sync (prepare.ts) once a row is mapped; present from the start all the same.
      id: null,
      sourceId: null,
      agencyId: null,
      sourceKind: null,
      sourceLocation: null,
      fetchedAt: null,
      contentHash: null,
      sourceRow: null,
    },
  ]),
) as unknown as Record<EntityKind, Output>;

export interface MappingRule {
  column?: string;
  value?: string;
  /** Text with `{column}` placeholders, e.g. a detail URL built from an id. */
  template?: string;
  /** An identifier derived from one column: kept when it already is one, else a stable hash (a URL's keeps its host). */
  from?: string;
  /** An identifier hashed from several columns, for sources whose key spans columns (URL + 全国地方公共団体コード). */
  hash?: string[];
  /** A regular expression: the cell becomes its first group (or whole match), or blank when it does not match. */
  pattern?: string;
  split?: string[];
  html?: boolean;
  /** Vocabulary lists: skip items outside the vocabulary instead of refusing the row. */
  ignoreUnknown?: boolean;
  /** Value as written → a value the field accepts (a code or label), or null to read it as blank. */
  map?: Record<string, string | null>;
  /** For values neither the vocabulary nor `map` knows, and for a required field's blank cell. */
  default?: string | null;
  /** Words that mean "no value" in this field, beside the built-in ones (随時, 通年, 不明, －…). */
  nullWords?: string[];
}

/** Resolves a mapping entry ("column" or an object) into a rule. */
export function toRule(entry: string | MappingRule): MappingRule {
  return typeof entry === 'string' ? { column: entry } : entry;
}

/**
 * The key a column (or extracted field) is found by: NFKC, without any whitespace, so that a
 * header written 「従業員数\n（人）」 is found however the agency file writes it.
 */
export const columnKey = (name: string): string => name.normalize('NFKC').replace(/\s+/g, '');

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The columns (or extracted fields) one mapping entry reads, as written. */
export function ruleColumns(entry: string | MappingRule): string[] {
  const rule = toRule(entry);
  if (rule.column !== undefined) return [rule.column];
  if (rule.from !== undefined) return [rule.from];
  if (rule.hash !== undefined) return rule.hash;
  return rule.template ? [...rule.template.matchAll(PLACEHOLDER)].map((m) => m[1]) : [];
}

/** The columns (or extracted fields) feeding the entity's required fields: without them no row can land. */
export function requiredColumns(entity: EntityKind, mapping: Record<string, string | MappingRule>): string[] {
  const specs = ENTITY_FIELDS[entity];
  return [
    ...new Set(Object.entries(mapping).flatMap(([field, entry]) => (specs[field]?.required ? ruleColumns(entry) : []))),
  ];
}

/** The columns (or extracted fields) a mapping (and its row filter) reads, each once, as written. */
export function mappedColumns(mapping: Record<string, string | MappingRule>, where?: RowFilter): string[] {
  return [...new Set([...Object.values(mapping).flatMap(ruleColumns), ...filterColumns(where)])];
}

// A template whose placeholders are all blank yields a blank cell, so "required" still applies.
function fillTemplate(template: string, raw: Record<string, string | undefined>): string {
  let filled = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = (raw[columnKey(name)] ?? '').trim();
    if (v) filled = true;
    return v;
  });
  return filled ? text : '';
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * An identifier from a cell: the cell itself when it already is one (and not too long), a URL's
 * host with a hash of the whole URL (www.city.example.lg.jp-3f2a…), else `h-` and a hash. The
 * same cell always gives the same id, so records keep their ids from one sync to the next.
 */
export function deriveId(cell: string): string {
  const v = normalizeText(cell);
  if (!v) return '';
  if (IDENTIFIER.test(v) && v.length <= 64) return v;
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      u.hash = '';
      return `${u.hostname}-${shortHash(u.toString())}`;
    }
  } catch {
    // Not a URL: hashed below.
  }
  return `h-${shortHash(v)}`;
}

/** An identifier hashed from several cells; blank when they all are. */
export function hashId(cells: string[]): string {
  const values = cells.map(normalizeText);
  return values.every((v) => v === '') ? '' : `h-${shortHash(values.join('\u001f'))}`;
}

interface CompiledRule {
  rule: MappingRule;
  columnKey?: string;
  hashKeys?: string[];
  pattern?: RegExp;
}

function cellOf(c: CompiledRule, raw: Record<string, string | undefined>): string {
  const { rule } = c;
  let cell: string;
  if (c.columnKey !== undefined) cell = raw[c.columnKey] ?? '';
  else if (rule.template !== undefined) cell = fillTemplate(rule.template, raw);
  else if (c.hashKeys !== undefined) cell = hashId(c.hashKeys.map((k) => raw[k] ?? ''));
  else cell = rule.value ?? '';
  if (c.pattern && cell !== '') {
    const m = c.pattern.exec(cell);
    cell = m ? (m[1] ?? m[0]) : '';
  }
  // `from` reads the (possibly pattern-cut) column, then derives the id.
  return rule.from !== undefined ? deriveId(cell) : cell;
}

// ---------------------------------------------------------------------------------------------
// Row filters
// ---------------------------------------------------------------------------------------------

/** One condition on a column: its value is one of `is`, matches `matches`, or is (not) blank. */
export interface RowCondition {
  column: string;
  is?: string | string[];
  matches?: string;
  empty?: boolean;
}

/** `where:` of a source: rows must meet every `keep` condition and none of the `drop` ones. */
export interface RowFilter {
  keep?: RowCondition | RowCondition[];
  drop?: RowCondition | RowCondition[];
}

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function filterColumns(where: RowFilter | undefined): string[] {
  return where ? [...asList(where.keep), ...asList(where.drop)].map((c) => c.column) : [];
}

/** A row filter as one test; null when there is none. */
export function compileRowFilter(
  where: RowFilter | undefined,
): ((raw: Record<string, string | undefined>) => boolean) | null {
  if (!where) return null;
  const compile = (c: RowCondition) => {
    const key = columnKey(c.column);
    const values = c.is === undefined ? null : new Set(asList(c.is).map(mapKey));
    const pattern = c.matches === undefined ? null : new RegExp(c.matches, 'u');
    return (raw: Record<string, string | undefined>) => {
      const cell = normalizeText(raw[key] ?? '');
      if (c.empty !== undefined) return (cell === '') === c.empty;
      if (values) return values.has(mapKey(cell));
      return pattern!.test(cell);
    };
  };
  const keep = asList(where.keep).map(compile);
  const drop = asList(where.drop).map(compile);
  return (raw) => keep.every((t) => t(raw)) && !drop.some((t) => t(raw));
}

// ---------------------------------------------------------------------------------------------
// Mapping a record
// ---------------------------------------------------------------------------------------------

export type MapResult =
  | { ok: true; fields: Output; warnings?: RowWarning[] }
  | { ok: false; rejection: RowRejection; warnings?: RowWarning[] };

interface PlannedField {
  field: string;
  spec: FieldSpec;
  compiled: CompiledRule | undefined;
  /** What a rejection or warning names: the column, else the field. */
  label: string;
  opts: RuleOptions;
  /** Null words of this field (built-in and its own), for types that take them. */
  isNullWord: ((cell: string) => boolean) | null;
}

const builtinNullWord = createNullWordTest(BUILTIN_NULL_WORDS);

function labelOf(field: string, rule: MappingRule | undefined): string {
  if (!rule) return field;
  if (rule.column !== undefined) return rule.column;
  if (rule.from !== undefined) return rule.from;
  return field;
}

/** What a row's problem or warning about `field` is called: the column the mapping reads it from. */
const fieldLabel = (mapping: Record<string, string | MappingRule>, field: string): string =>
  labelOf(field, mapping[field] ? toRule(mapping[field]) : undefined);

// Mapping runs once per row of files of 100,000 rows: each mapping is resolved into the list of
// fields to parse once. Fields the mapping leaves out and nothing fills in stay at their default.
const plans = new WeakMap<object, Map<EntityKind, PlannedField[]>>();

function planOf(entity: EntityKind, mapping: Record<string, string | MappingRule>): PlannedField[] {
  let byEntity = plans.get(mapping);
  if (!byEntity) plans.set(mapping, (byEntity = new Map()));
  let plan = byEntity.get(entity);
  if (!plan) {
    plan = Object.entries(ENTITY_FIELDS[entity])
      .filter(([field, spec]) => mapping[field] !== undefined || spec.required || spec.defaultFromAgency)
      .map(([field, spec]) => {
        const entry = mapping[field];
        const rule = entry === undefined ? undefined : toRule(entry);
        const compiled: CompiledRule | undefined = rule && {
          rule,
          columnKey:
            rule.column !== undefined
              ? columnKey(rule.column)
              : rule.from !== undefined
                ? columnKey(rule.from)
                : undefined,
          hashKeys: rule.hash?.map(columnKey),
          pattern: rule.pattern === undefined ? undefined : new RegExp(rule.pattern, 'u'),
        };
        const map = rule?.map ? new Map(Object.entries(rule.map).map(([k, v]) => [mapKey(k), v])) : undefined;
        const nullable = spec.type !== undefined && NULLABLE.has(spec.type);
        return {
          field,
          spec,
          compiled,
          label: labelOf(field, rule),
          opts: {
            split: rule?.split,
            html: rule?.html,
            ignoreUnknown: rule?.ignoreUnknown,
            map,
            fallback: rule && 'default' in rule ? { value: rule.default ?? null } : undefined,
          },
          isNullWord: !nullable
            ? null
            : rule?.nullWords?.length
              ? createNullWordTest([...BUILTIN_NULL_WORDS, ...rule.nullWords])
              : builtinNullWord,
        };
      });
    byEntity.set(entity, plan);
  }
  return plan;
}

/**
 * Maps one raw record (column key → cell text) to the entity's fields. Every field is checked, so
 * a row with two problems reports both: the first as the rejection's reason, the others in
 * `reasons`.
 */
export function mapRecord(
  entity: EntityKind,
  mapping: Record<string, string | MappingRule>,
  raw: Record<string, string | undefined>,
  row: number,
  agencyId: string,
): MapResult {
  const out: Output = { ...TEMPLATE[entity] };
  let problems: Array<{ field: string; value: string | null; reason: string }> | undefined;
  let warnings: RowWarning[] | undefined;
  // One warning sink per row (not per cell: 100,000 rows × 15 fields of closures cost a third of
  // the mapping); it names the field being parsed.
  let label = '';
  const warn: Warn = (message, value) => void (warnings ??= []).push({ row, field: label, value, message });
  const plan = planOf(entity, mapping);
  for (let i = 0; i < plan.length; i++) {
    const { field, spec, compiled, opts, isNullWord } = plan[i];
    label = plan[i].label;
    const cell = compiled ? cellOf(compiled, raw) : spec.defaultFromAgency ? agencyId : '';
    let verdict = cell === '' ? false : spec.parse(cell, opts, out, warn);
    if (typeof verdict === 'string' && isNullWord?.(cell)) {
      // 随時, 不明, －: the agency says there is no value; the text stays where the schema keeps it.
      warn(`read as no ${field}: the cell holds a word meaning "none" (a null word)`, cell);
      if (spec.rawKey) out[spec.rawKey] = normalizeText(cell);
      verdict = false;
    }
    if (verdict === false && spec.required && opts.fallback && opts.fallback.value !== null) {
      verdict = spec.parse(opts.fallback.value, opts, out, warn);
    }
    if (typeof verdict === 'string') (problems ??= []).push({ field: label, value: cell, reason: verdict });
    else if (!verdict && spec.required)
      (problems ??= []).push({ field: label, value: cell, reason: `required ${field} is empty` });
  }
  if (entity === 'program' && out.opensOn && out.closesOn && String(out.closesOn) < String(out.opensOn)) {
    const rule = mapping.closesOn ?? mapping.period;
    (problems ??= []).push({
      field: rule ? labelOf('closesOn', toRule(rule)) : 'closesOn',
      value: String(out.closesOn),
      reason: `application closes (${out.closesOn}) before it opens (${out.opensOn})`,
    });
  }
  if (entity === 'committee') for (const p of committeeRowProblems(out, mapping)) (problems ??= []).push(p);
  if (entity === 'organization') {
    const located = out.lat !== null || out.lng !== null;
    const fromAddress =
      typeof out.address === 'string' && (located || out.municipalityCode === null)
        ? municipalityOfAddress(out.address)
        : null;
    // A directory that gives an address but no municipality: the place the address begins with.
    if (out.municipalityCode === null) out.municipalityCode = fromAddress;
    if (located && !problems)
      checkCoordinates(
        out,
        mapping,
        fromAddress,
        (field, message, value) => void (warnings ??= []).push({ row, field, value, message }),
      );
  }
  if (!problems) return warnings ? { ok: true, fields: out, warnings } : { ok: true, fields: out };
  const [first, ...more] = problems;
  const rejection: RowRejection = { row, ...first };
  if (more.length > 0) rejection.reasons = more;
  return warnings ? { ok: false, rejection, warnings } : { ok: false, rejection };
}

/**
 * A place's coordinates, checked as a pair: a latitude lies within ±90° and a longitude within
 * ±180°, and a body lies in Japan, near the municipality its address or code names (within 80 km
 * of its point, or within its prefecture's reach). A pair that is only valid the other way round
 * (緯度 142.19, 経度 27.09: the row swapped its two columns) is read swapped; a placeholder (0, 0),
 * a pair still out of range or out of place (a park in 渋谷区 at Fukuoka's coordinates), or half
 * given is left out. Each with a warning naming the row and column: the row itself lands, as a
 * coordinate is no reason to lose a body from the directory.
 */
function checkCoordinates(
  out: Output,
  mapping: Record<string, string | MappingRule>,
  fromAddress: string | null,
  warn: (field: string, message: string, value: string) => void,
): void {
  const label = (field: string) => fieldLabel(mapping, field);
  const lat = out.lat as number | null;
  const lng = out.lng as number | null;
  // Messages stay the same from row to row (the report groups warnings by them); the pair is the value.
  const pair = `${lat ?? ''}, ${lng ?? ''}`;
  const drop = (field: string, why: string) => {
    out.lat = null;
    out.lng = null;
    warn(label(field), `coordinates left out: ${why}`, pair);
  };
  if (lat === null || lng === null)
    return drop(lat === null ? 'lng' : 'lat', 'a place needs both latitude and longitude');
  if (lat === 0 && lng === 0) return drop('lat', '0, 0 stands for no place');
  const inRange = (la: number, lo: number) => Math.abs(la) <= 90 && Math.abs(lo) <= 180;
  const swapped = !inRange(lat, lng) && inRange(lng, lat);
  if (!inRange(lat, lng) && !swapped)
    return drop(Math.abs(lat) > 90 ? 'lat' : 'lng', 'no place on Earth (latitude within ±90, longitude within ±180)');
  const place = swapped ? { lat: lng, lng: lat } : { lat, lng };
  const either = swapped ? ', read either way' : '';
  if (!inJapan(place)) return drop('lat', `outside Japan${either}`);
  // The address's municipality and the code's: the point must fit one of those the table knows.
  const fits = [...new Set([fromAddress, out.municipalityCode as string | null])]
    .filter((c): c is string => !!c)
    .map((c) => pointFits(c, place))
    .filter((f): f is boolean => f !== undefined);
  if (fits.length > 0 && !fits.includes(true))
    return drop('lat', `far from the municipality the row names (over 80 km, and outside its prefecture)${either}`);
  out.lat = place.lat;
  out.lng = place.lng;
  if (swapped) warn(label('lat'), 'the latitude holds a longitude and the longitude a latitude: read swapped', pair);
}

// A minute must name its firm, and a decision must say why (a selection also who leads the support).
function committeeRowProblems(
  out: Output,
  mapping: Record<string, string | MappingRule>,
): Array<{ field: string; value: string | null; reason: string }> {
  const label = (field: string) => fieldLabel(mapping, field);
  const problems: Array<{ field: string; value: string | null; reason: string }> = [];
  if (!out.corporateNumber && !out.firmId) {
    problems.push({
      field: label('corporateNumber'),
      value: null,
      reason: 'a firm needs its 法人番号 or the network firm id (firmId)',
    });
  }
  const decision = out.outcome === 'SELECTED' || out.outcome === 'DEFERRED' || out.outcome === 'DECLINED';
  if (decision && !out.reason)
    problems.push({
      field: label('reason'),
      value: null,
      reason: `a ${String(out.outcome)} decision needs its reason`,
    });
  if (out.outcome === 'SELECTED' && !out.leadAgency)
    problems.push({ field: label('leadAgency'), value: null, reason: 'a selection needs its lead agency' });
  return problems;
}
