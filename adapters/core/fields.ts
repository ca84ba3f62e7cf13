/**
 * The common schema's fields as an adapter sees them: for each entity, which fields exist, which
 * are required, and how a raw cell is parsed into the stored value. Mapping a raw record either
 * yields a stored record or the reasons it was rejected, field by field.
 */
import {
  htmlToText,
  normalizeCorporateNumber,
  normalizeMultiline,
  normalizePhone,
  normalizeText,
  parseDate,
  parseDateTime,
  parseEmployeeCeiling,
  parseInteger,
  parseSubsidyRate,
  parseYen,
  splitMulti,
  isValidLgCode,
  type ParseResult,
} from '../../domain/normalize';
import { resolveArea, findMunicipalityByName } from '../../domain/municipalities';
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
import type { EntityKind, RowRejection } from '../../domain/records';

type Output = Record<string, unknown>;
type RuleOptions = { split?: string[]; html?: boolean; ignoreUnknown?: boolean };
/**
 * Parses one cell into the record being built: `true` when it wrote its key(s), `false` when the
 * cell is blank (nothing written), or the reason the cell is refused. Writing in place keeps
 * mapping a 100,000-row file from allocating a result object per cell.
 */
type Parse = (raw: string, opts: RuleOptions, out: Output) => boolean | string;

export interface FieldSpec {
  required?: boolean;
  /** Filled from the agency's id when the mapping leaves it out (provider, owning organization). */
  defaultFromAgency?: boolean;
  parse: Parse;
}

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

// One-line text; with `html: true` tags and entities (&nbsp;, &amp;) are resolved first.
const text = (key: string): Parse => (raw, o, out) => {
  const v = normalizeText(o.html ? htmlToText(raw) : raw);
  return v ? put(out, key, v) : false;
};
const multiline = (key: string): Parse => (raw, o, out) => {
  const v = o.html === false ? normalizeMultiline(raw) : htmlToText(raw);
  return v ? put(out, key, v) : false;
};
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._\-]*$/;
const identifier = (key: string): Parse => (raw, _o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  return IDENTIFIER.test(v) ? put(out, key, v) : 'an identifier of letters, digits, ".", "_" or "-" expected';
};

function vocabulary(key: string, vocab: Record<string, { label: string; aliases: readonly string[] }>, what: string): Parse {
  const lookup = createVocabularyLookup(vocab);
  const labels = Object.values(vocab).map((v) => v.label);
  return (raw, _o, out) => {
    const v = normalizeText(raw);
    if (!v) return false;
    const code = lookup(v);
    return code ? put(out, key, code) : `unknown ${what} "${v}"; expected one of ${labels.join(', ')}`;
  };
}

function vocabularyList(key: string, vocab: Record<string, { label: string; aliases: readonly string[] }>, what: string): Parse {
  const lookup = createVocabularyLookup(vocab);
  return (raw, o, out) => {
    const codes: string[] = [];
    for (const item of splitMulti(raw, o.split)) {
      const code = lookup(item);
      // An agency's own categories may mix known fields with others kept elsewhere (purposes).
      if (!code && o.ignoreUnknown) continue;
      if (!code) return `unknown ${what} "${item}"`;
      if (!codes.includes(code as string)) codes.push(code as string);
    }
    return codes.length ? put(out, key, codes) : false;
  };
}

const list = (key: string): Parse => (raw, o, out) => {
  const items = splitMulti(raw, o.split);
  return items.length ? put(out, key, items) : false;
};
const identifierList = (key: string): Parse => (raw, o, out) => {
  const items = splitMulti(raw, o.split);
  const bad = items.find((i) => !IDENTIFIER.test(i));
  if (bad !== undefined) return `"${bad}" is not an identifier (letters, digits, ".", "_" or "-")`;
  return items.length ? put(out, key, items) : false;
};

// Division names as jGrants and statistics write them (製造業, 卸売業，小売業), compared without
// spaces and commas because the comma between two names varies (，、,).
const industryKey = (s: string) => s.normalize('NFKC').replace(/[\s,、]/g, '');
const JSIC_BY_NAME = new Map(Object.entries(JSIC_DIVISIONS).map(([letter, name]) => [industryKey(name), letter]));

/** A JSIC division from its letter (E, E 製造業) or its full name (製造業). */
function jsicDivision(item: string): string | undefined {
  const v = item.trim();
  // The usual cell is the bare letter: no name lookup needed.
  if (v.length === 1) {
    const letter = v.toUpperCase();
    return letter in JSIC_DIVISIONS ? letter : undefined;
  }
  const byName = JSIC_BY_NAME.get(industryKey(item));
  if (byName) return byName;
  const letter = v.charAt(0).toUpperCase();
  return letter in JSIC_DIVISIONS && !/[A-Za-z]/.test(v.charAt(1)) ? letter : undefined;
}

const industries: Parse = (raw, o, out) => {
  const codes: string[] = [];
  for (const item of splitMulti(raw, o.split)) {
    const letter = jsicDivision(item);
    if (!letter) return `"${item}" is not a JSIC division (A–T or its name)`;
    if (!codes.includes(letter)) codes.push(letter);
  }
  return codes.length ? put(out, 'industries', codes) : false;
};
const industry: Parse = (raw, _o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const letter = jsicDivision(v);
  return letter ? put(out, 'industry', letter) : `"${v}" is not a JSIC division (A–T or its name)`;
};

const float = (key: string): Parse => (raw, _o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const n = Number(v);
  return Number.isFinite(n) ? put(out, key, n) : 'a number expected';
};

const lgCode = (key: string): Parse => (raw, _o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  if (/^\d{6}$/.test(v)) return isValidLgCode(v) ? put(out, key, v) : 'check digit of 全国地方公共団体コード does not match';
  const found = findMunicipalityByName(v);
  return found ? put(out, key, found.code) : 'a 6-digit 全国地方公共団体コード or a municipality name expected';
};

const url = (key: string): Parse => (raw, _o, out) => {
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

const area: Parse = (raw, o, out) => {
  const v = normalizeText(raw);
  if (!v) return false;
  const { codes, unresolved } = resolveArea(v, o.split);
  if (unresolved.length > 0) return `unknown area ${unresolved.map((u) => `"${u}"`).join(', ')}`;
  out.areaCodes = codes;
  out.areaText = v;
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

const parsed = (key: string, parse: (raw: string) => ParseResult<unknown>): Parse => (raw, _o, out) => into(key, parse(raw), out);
const corporateNumber = parsed('corporateNumber', normalizeCorporateNumber);
const phone = parsed('phone', normalizePhone);

export const ENTITY_FIELDS: Record<EntityKind, Record<string, FieldSpec>> = {
  organization: {
    id: { required: true, parse: identifier('id') },
    name: { required: true, parse: text('name') },
    nameKana: { parse: text('nameKana') },
    kind: { required: true, parse: vocabulary('kind', ORGANIZATION_KINDS, 'organization kind') },
    legalForm: { parse: text('legalForm') },
    corporateNumber: { parse: corporateNumber },
    postalCode: { parse: text('postalCode') },
    address: { parse: text('address') },
    municipalityCode: { parse: lgCode('municipalityCode') },
    lat: { parse: float('lat') },
    lng: { parse: float('lng') },
    phone: { parse: text('phone') },
    url: { parse: url('url') },
    supportFields: { parse: vocabularyList('supportFields', SUPPORT_FIELDS, 'support field') },
    networks: { parse: list('networks') },
  },
  program: {
    localId: { required: true, parse: identifier('localId') },
    providerId: { required: true, defaultFromAgency: true, parse: identifier('providerId') },
    title: { required: true, parse: text('title') },
    titleKana: { parse: text('titleKana') },
    summary: { parse: multiline('summary') },
    body: { parse: multiline('body') },
    kind: { required: true, parse: vocabulary('kind', PROGRAM_KINDS, 'programme kind') },
    supportFields: { parse: vocabularyList('supportFields', SUPPORT_FIELDS, 'support field') },
    purposes: { parse: list('purposes') },
    area: { parse: area },
    industries: { parse: industries },
    employeeCeiling: { parse: parsed('employeeCeiling', parseEmployeeCeiling) },
    eligibilityText: { parse: multiline('eligibilityText') },
    maxAmount: { parse: yen },
    subsidyRate: { parse: rate },
    opensOn: { parse: parsed('opensOn', parseDate) },
    closesOn: { parse: parsed('closesOn', parseDate) },
    url: { parse: url('url') },
    contact: { parse: text('contact') },
    updatedOn: { parse: parsed('updatedOn', parseDate) },
  },
  consultation: {
    localId: { required: true, parse: identifier('localId') },
    organizationId: { required: true, defaultFromAgency: true, parse: identifier('organizationId') },
    receivedAt: { required: true, parse: parsed('receivedAt', parseDateTime) },
    channel: { required: true, parse: vocabulary('channel', CHANNELS, 'channel') },
    topics: { parse: vocabularyList('topics', SUPPORT_FIELDS, 'support field') },
    corporateNumber: { parse: corporateNumber },
    companyName: { parse: text('companyName') },
    industry: { parse: industry },
    employees: { parse: parsed('employees', parseInteger) },
    municipalityCode: { parse: lgCode('municipalityCode') },
    phone: { parse: phone },
    address: { parse: text('address') },
    summary: { parse: multiline('summary') },
    consultant: { parse: text('consultant') },
    outcome: { parse: vocabulary('outcome', OUTCOMES, 'outcome') },
    referredToId: { parse: identifier('referredToId') },
  },
  committee: {
    localId: { required: true, parse: identifier('localId') },
    meetingOn: { required: true, parse: parsed('meetingOn', parseDate) },
    corporateNumber: { parse: corporateNumber },
    firmId: { parse: identifier('firmId') },
    companyName: { required: true, parse: text('companyName') },
    municipalityCode: { parse: lgCode('municipalityCode') },
    industry: { parse: industry },
    nominatedBy: { parse: identifier('nominatedBy') },
    rationale: { parse: multiline('rationale') },
    outcome: { required: true, parse: vocabulary('outcome', COMMITTEE_OUTCOMES, 'committee outcome') },
    reason: { parse: multiline('reason') },
    decidedBy: { parse: text('decidedBy') },
    leadAgency: { parse: identifier('leadAgency') },
    participatingAgencies: { parse: identifierList('participatingAgencies') },
    goals: { parse: list('goals') },
  },
};

/** Defaults so every stored record has every key, whatever the mapping covers. */
const EMPTY: Record<EntityKind, Output> = {
  organization: { nameKana: null, legalForm: null, corporateNumber: null, postalCode: null, address: null, municipalityCode: null, lat: null, lng: null, phone: null, url: null, supportFields: [], networks: [] },
  program: {
    titleKana: null, summary: null, body: null, supportFields: [], purposes: [], areaCodes: [], areaText: null, industries: [],
    employeeCeiling: null, eligibilityText: null, maxAmount: null, maxAmountText: null, subsidyRate: null, subsidyRatio: null,
    opensOn: null, closesOn: null, url: null, contact: null, updatedOn: null,
  },
  consultation: { topics: [], corporateNumber: null, companyName: null, industry: null, employees: null, municipalityCode: null, phone: null, address: null, summary: null, consultant: null, outcome: null, referredToId: null },
  committee: {
    corporateNumber: null, firmId: null, municipalityCode: null, industry: null, nominatedBy: null, rationale: null, reason: null,
    decidedBy: null, leadAgency: null, participatingAgencies: [], goals: [],
  },
};

// Every output key from the start, in one order, so all records of an entity share one shape:
// V8 keeps such objects fast, where adding keys row by row (Object.assign) made mapping 100,000
// rows take twice as long.
const TEMPLATE = Object.fromEntries(
  (Object.keys(EMPTY) as EntityKind[]).map((entity) => [
    entity,
    {
      ...Object.fromEntries(Object.entries(ENTITY_FIELDS[entity]).flatMap(([field, spec]) => (spec.required ? [[field, null]] : []))),
      ...EMPTY[entity],
      // Filled in by the sync (prepare.ts) once a row is mapped; present from the start all the same.
      id: null, sourceId: null, agencyId: null, sourceKind: null, sourceLocation: null, fetchedAt: null, contentHash: null, sourceRow: null,
    },
  ]),
) as unknown as Record<EntityKind, Output>;

export interface MappingRule {
  column?: string;
  value?: string;
  /** Text with `{column}` placeholders, e.g. a detail URL built from an id. */
  template?: string;
  split?: string[];
  html?: boolean;
  /** Vocabulary lists: skip items outside the vocabulary instead of refusing the row. */
  ignoreUnknown?: boolean;
}

/** Resolves a mapping entry ("column" or an object) into a rule. */
export function toRule(entry: string | MappingRule): MappingRule {
  return typeof entry === 'string' ? { column: entry } : entry;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The columns (or extracted fields) one mapping entry reads. */
export function ruleColumns(entry: string | MappingRule): string[] {
  const rule = toRule(entry);
  if (rule.column !== undefined) return [rule.column];
  return rule.template ? [...rule.template.matchAll(PLACEHOLDER)].map((m) => m[1]) : [];
}

/** The columns (or extracted fields) feeding the entity's required fields: without them no row can land. */
export function requiredColumns(entity: EntityKind, mapping: Record<string, string | MappingRule>): string[] {
  const specs = ENTITY_FIELDS[entity];
  return [...new Set(Object.entries(mapping).flatMap(([field, entry]) => (specs[field]?.required ? ruleColumns(entry) : [])))];
}

/** The columns (or extracted fields) a mapping reads, each once. */
export function mappedColumns(mapping: Record<string, string | MappingRule>): string[] {
  return [...new Set(Object.values(mapping).flatMap(ruleColumns))];
}

// A template whose placeholders are all blank yields a blank cell, so "required" still applies.
function fillTemplate(template: string, raw: Record<string, string | undefined>): string {
  let filled = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = (raw[name] ?? '').trim();
    if (v) filled = true;
    return v;
  });
  return filled ? text : '';
}

function cellOf(rule: MappingRule, raw: Record<string, string | undefined>): string {
  if (rule.column !== undefined) return raw[rule.column] ?? '';
  if (rule.template !== undefined) return fillTemplate(rule.template, raw);
  return rule.value ?? '';
}

export type MapResult = { ok: true; fields: Output } | { ok: false; rejections: RowRejection[] };

interface PlannedField {
  field: string;
  spec: FieldSpec;
  rule: MappingRule | undefined;
  /** What a rejection names: the column, else the field. */
  label: string;
  opts: RuleOptions;
}

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
        return { field, spec, rule, label: rule?.column ?? field, opts: { split: rule?.split, html: rule?.html, ignoreUnknown: rule?.ignoreUnknown } };
      });
    byEntity.set(entity, plan);
  }
  return plan;
}

/**
 * Maps one raw record (column → cell text) to the entity's fields. Every field is checked, so a
 * row with two problems reports both.
 */
export function mapRecord(
  entity: EntityKind,
  mapping: Record<string, string | MappingRule>,
  raw: Record<string, string | undefined>,
  row: number,
  agencyId: string,
): MapResult {
  const out: Output = { ...TEMPLATE[entity] };
  let rejections: RowRejection[] | undefined;
  for (const { field, spec, rule, label, opts } of planOf(entity, mapping)) {
    const cell = rule ? cellOf(rule, raw) : spec.defaultFromAgency ? agencyId : '';
    const verdict = spec.parse(cell, opts, out);
    if (typeof verdict === 'string') (rejections ??= []).push({ row, field: label, value: cell, reason: verdict });
    else if (!verdict && spec.required) (rejections ??= []).push({ row, field: label, value: cell, reason: `required ${field} is empty` });
  }
  if (entity === 'program' && out.opensOn && out.closesOn && String(out.closesOn) < String(out.opensOn)) {
    const rule = mapping.closesOn ? toRule(mapping.closesOn) : undefined;
    (rejections ??= []).push({ row, field: rule?.column ?? 'closesOn', value: String(out.closesOn), reason: `application closes (${out.closesOn}) before it opens (${out.opensOn})` });
  }
  if (entity === 'committee') for (const r of committeeRowProblems(out, mapping, row)) (rejections ??= []).push(r);
  return rejections ? { ok: false, rejections } : { ok: true, fields: out };
}

// A minute must name its firm, and a decision must say why (a selection also who leads the support).
function committeeRowProblems(out: Output, mapping: Record<string, string | MappingRule>, row: number): RowRejection[] {
  const label = (field: string) => (mapping[field] ? toRule(mapping[field]).column : undefined) ?? field;
  const problems: RowRejection[] = [];
  if (!out.corporateNumber && !out.firmId) {
    problems.push({ row, field: label('corporateNumber'), value: null, reason: 'a firm needs its 法人番号 or the network firm id (firmId)' });
  }
  const decision = out.outcome === 'SELECTED' || out.outcome === 'DEFERRED' || out.outcome === 'DECLINED';
  if (decision && !out.reason) problems.push({ row, field: label('reason'), value: null, reason: `a ${String(out.outcome)} decision needs its reason` });
  if (out.outcome === 'SELECTED' && !out.leadAgency) problems.push({ row, field: label('leadAgency'), value: null, reason: 'a selection needs its lead agency' });
  return problems;
}
