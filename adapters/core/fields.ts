/**
 * The common schema's fields as an adapter sees them: for each entity, which fields exist, which
 * are required, what kind of value each holds and which parser (parsers.ts) reads a raw cell into
 * the stored value. The mapping language (mapping.ts) says where each field's cell comes from;
 * mapping a record (record.ts) runs the parsers this table names.
 */
import { parseDate, parseDateTime, parseEmployeeCeiling, parseInteger } from '../../domain/normalize';
import { findJsicDivision } from '../../domain/industries';
import {
  CHANNELS,
  COMMITTEE_OUTCOMES,
  JSIC_DIVISIONS,
  ORGANIZATION_KINDS,
  OUTCOMES,
  PROGRAM_KINDS,
  PROGRAM_STATUSES,
  SUPPORT_FIELDS,
  createVocabularyLookup,
} from '../../domain/vocabulary';
import type { EntityKind } from '../../domain/records';
import * as parse from './parsers';
import type { Parse, Vocabulary } from './parsers';

// The industry vocabulary as `map:` targets are checked against: letters and division names.
const JSIC_VOCABULARY: Vocabulary = Object.fromEntries(
  Object.entries(JSIC_DIVISIONS).map(([letter, label]) => [letter, { label, aliases: [] }]),
);

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
export const NULLABLE: ReadonlySet<FieldType> = new Set<FieldType>([
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

export const ENTITY_FIELDS: Record<EntityKind, Record<string, FieldSpec>> = {
  organization: {
    id: { required: true, type: 'id', parse: parse.identifier('id') },
    name: { required: true, type: 'text', parse: parse.text('name') },
    nameKana: { type: 'text', parse: parse.text('nameKana') },
    kind: {
      required: true,
      type: 'vocabulary',
      vocabulary: ORGANIZATION_KINDS,
      parse: parse.vocabulary('kind', ORGANIZATION_KINDS, 'organization kind'),
    },
    legalForm: { type: 'text', parse: parse.text('legalForm') },
    corporateNumber: { type: 'corporateNumber', parse: parse.corporateNumber },
    postalCode: { type: 'text', parse: parse.text('postalCode') },
    address: { type: 'text', parse: parse.address('address') },
    municipalityCode: { type: 'municipality', parse: parse.lgCode('municipalityCode') },
    lat: { type: 'number', parse: parse.coordinate('lat') },
    lng: { type: 'number', parse: parse.coordinate('lng') },
    phone: { type: 'text', parse: parse.text('phone') },
    url: { type: 'url', parse: parse.url('url') },
    supportFields: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: parse.vocabularyList('supportFields', SUPPORT_FIELDS, 'support field'),
    },
    networks: { type: 'list', parse: parse.list('networks') },
  },
  program: {
    localId: { required: true, type: 'id', parse: parse.identifier('localId') },
    providerId: { required: true, defaultFromAgency: true, type: 'id', parse: parse.identifier('providerId') },
    /** An aggregator's feed names the body offering each programme: resolved to it by name where the directory has it. */
    providerName: { type: 'text', parse: parse.text('providerName') },
    title: { required: true, type: 'text', parse: parse.text('title') },
    titleKana: { type: 'text', parse: parse.text('titleKana') },
    summary: { type: 'multiline', parse: parse.multiline('summary') },
    body: { type: 'multiline', parse: parse.multiline('body') },
    kind: {
      required: true,
      type: 'vocabulary',
      vocabulary: PROGRAM_KINDS,
      parse: parse.vocabulary('kind', PROGRAM_KINDS, 'programme kind'),
    },
    supportFields: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: parse.vocabularyList('supportFields', SUPPORT_FIELDS, 'support field'),
    },
    purposes: { type: 'list', parse: parse.list('purposes') },
    area: { type: 'area', parse: parse.area },
    industries: { type: 'industries', vocabulary: JSIC_VOCABULARY, parse: parse.industries },
    employeeCeiling: { type: 'count', parse: parse.parsed('employeeCeiling', parseEmployeeCeiling) },
    eligibilityText: { type: 'multiline', parse: parse.multiline('eligibilityText') },
    maxAmount: { type: 'amount', rawKey: 'maxAmountText', parse: parse.yen },
    subsidyRate: { type: 'rate', rawKey: 'subsidyRate', parse: parse.rate },
    /** One cell holding the whole application period, split into opensOn and closesOn. */
    period: { type: 'period', fills: ['opensOn', 'closesOn'], parse: parse.period },
    opensOn: { type: 'date', parse: parse.parsed('opensOn', parseDate) },
    closesOn: { type: 'date', parse: parse.parsed('closesOn', parseDate) },
    url: { type: 'url', parse: parse.url('url') },
    contact: { type: 'text', parse: parse.text('contact') },
    updatedOn: { type: 'date', parse: parse.parsed('updatedOn', parseDate) },
    /** The status the page publishes (a 受付中 or 募集終了 badge); the period decides where it gives days. */
    status: {
      type: 'vocabulary',
      vocabulary: PROGRAM_STATUSES,
      parse: parse.vocabulary('publishedStatus', PROGRAM_STATUSES, 'programme status'),
    },
  },
  consultation: {
    localId: { required: true, type: 'id', parse: parse.identifier('localId') },
    organizationId: { required: true, defaultFromAgency: true, type: 'id', parse: parse.identifier('organizationId') },
    receivedAt: { required: true, type: 'datetime', parse: parse.parsed('receivedAt', parseDateTime) },
    channel: {
      required: true,
      type: 'vocabulary',
      vocabulary: CHANNELS,
      parse: parse.vocabulary('channel', CHANNELS, 'channel'),
    },
    topics: {
      type: 'vocabularyList',
      vocabulary: SUPPORT_FIELDS,
      parse: parse.vocabularyList('topics', SUPPORT_FIELDS, 'support field'),
    },
    corporateNumber: { type: 'corporateNumber', parse: parse.corporateNumber },
    companyName: { type: 'text', parse: parse.text('companyName') },
    industry: { type: 'industry', vocabulary: JSIC_VOCABULARY, parse: parse.industry },
    employees: { type: 'count', parse: parse.parsed('employees', parseInteger) },
    municipalityCode: { type: 'municipality', parse: parse.lgCode('municipalityCode') },
    phone: { type: 'text', parse: parse.phone },
    address: { type: 'text', parse: parse.address('address') },
    summary: { type: 'multiline', parse: parse.multiline('summary') },
    consultant: { type: 'text', parse: parse.text('consultant') },
    outcome: { type: 'vocabulary', vocabulary: OUTCOMES, parse: parse.vocabulary('outcome', OUTCOMES, 'outcome') },
    referredToId: { type: 'id', parse: parse.identifier('referredToId') },
  },
  committee: {
    localId: { required: true, type: 'id', parse: parse.identifier('localId') },
    meetingOn: { required: true, type: 'date', parse: parse.parsed('meetingOn', parseDate) },
    corporateNumber: { type: 'corporateNumber', parse: parse.corporateNumber },
    firmId: { type: 'id', parse: parse.identifier('firmId') },
    companyName: { required: true, type: 'text', parse: parse.text('companyName') },
    municipalityCode: { type: 'municipality', parse: parse.lgCode('municipalityCode') },
    industry: { type: 'industry', vocabulary: JSIC_VOCABULARY, parse: parse.industry },
    nominatedBy: { type: 'id', parse: parse.identifier('nominatedBy') },
    rationale: { type: 'multiline', parse: parse.multiline('rationale') },
    outcome: {
      required: true,
      type: 'vocabulary',
      vocabulary: COMMITTEE_OUTCOMES,
      parse: parse.vocabulary('outcome', COMMITTEE_OUTCOMES, 'committee outcome'),
    },
    reason: { type: 'multiline', parse: parse.multiline('reason') },
    decidedBy: { type: 'text', parse: parse.text('decidedBy') },
    leadAgency: { type: 'id', parse: parse.identifier('leadAgency') },
    participatingAgencies: { type: 'list', parse: parse.identifierList('participatingAgencies') },
    goals: { type: 'list', parse: parse.list('goals') },
  },
};

/** The field holding an entity's own identifier in its mapping (`id:` is accepted for it). */
export const ID_FIELD: Record<EntityKind, string> = {
  organization: 'id',
  program: 'localId',
  consultation: 'localId',
  committee: 'localId',
};

/**
 * Why a cell of this field that cannot be read must refuse its row, or null when the agency may
 * choose `invalid: null` instead: a required field, a field that identifies a record or a firm
 * (ids, 法人番号), and the days that define a period cannot be left out without changing what
 * the record says.
 */
export function refusalReason(entity: EntityKind, field: string): string | null {
  const specs = ENTITY_FIELDS[entity];
  const spec = specs[field];
  if (!spec) return null;
  if (spec.required) return `${field} is required`;
  if (spec.type === 'id') return `${field} identifies a record`;
  if (spec.type === 'corporateNumber') return `${field} (法人番号) identifies the firm`;
  if (spec.type === 'period' || Object.values(specs).some((s) => s.fills?.includes(field)))
    return `${field} defines the application period`;
  return null;
}

/** Whether a value written in a `map:` or `default:` is one the field itself accepts. */
export function fieldAccepts(spec: FieldSpec, value: string): boolean {
  if (spec.type === 'industry' || spec.type === 'industries') return findJsicDivision(value) !== undefined;
  if (spec.vocabulary) return createVocabularyLookup(spec.vocabulary)(value) !== undefined;
  return true;
}
