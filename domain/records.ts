/**
 * Stored record types: the shape rows take in the store and the parent type of every resolver
 * (codegen maps GraphQL types onto these). Adapters produce them; subgraphs read them.
 */
import type {
  ChannelCode,
  CommitteeOutcomeCode,
  JsicDivision,
  OrganizationKindCode,
  OutcomeCode,
  ProgramKindCode,
  ProgramStatusCode,
  SupportFieldCode,
} from './vocabulary';

/**
 * CONFIG: the agency's own file, which declares the agency's organization. GRAPHQL_SUBGRAPH and
 * OPENAPI: live sources, the agency's own service answering per request (no stored records).
 */
export type SourceKind = 'SPREADSHEET' | 'WEBSITE' | 'API' | 'CONFIG' | 'GRAPHQL_SUBGRAPH' | 'OPENAPI';
export type EntityKind = 'organization' | 'program' | 'consultation' | 'committee';

/** Where a record came from: every stored record carries it. */
export interface Provenance {
  sourceId: string;
  agencyId: string;
  sourceKind: SourceKind;
  sourceLocation: string;
  fetchedAt: string;
  contentHash: string;
  sourceRow: number | null;
}

export interface OrganizationRecord extends Provenance {
  id: string;
  name: string;
  nameKana: string | null;
  kind: OrganizationKindCode;
  legalForm: string | null;
  corporateNumber: string | null;
  postalCode: string | null;
  address: string | null;
  municipalityCode: string | null;
  lat: number | null;
  lng: number | null;
  phone: string | null;
  url: string | null;
  supportFields: SupportFieldCode[];
  networks: string[];
}

export interface ProgramRecord extends Provenance {
  id: string;
  localId: string;
  providerId: string;
  /** The offering body's name as an aggregator's feed writes it; null when the source is the provider. */
  providerName: string | null;
  title: string;
  titleKana: string | null;
  summary: string | null;
  body: string | null;
  kind: ProgramKindCode;
  supportFields: SupportFieldCode[];
  purposes: string[];
  areaCodes: string[];
  areaText: string | null;
  industries: JsicDivision[];
  employeeCeiling: number | null;
  eligibilityText: string | null;
  maxAmount: number | null;
  maxAmountText: string | null;
  subsidyRate: string | null;
  subsidyRatio: number | null;
  opensOn: string | null;
  closesOn: string | null;
  url: string | null;
  contact: string | null;
  updatedOn: string | null;
  /** The status the programme's page publishes (受付中, 募集終了…), as read at the last sync; null when it shows none. */
  publishedStatus: ProgramStatusCode | null;
}

export interface ConsultationRecord extends Provenance {
  id: string;
  localId: string;
  organizationId: string;
  receivedAt: string;
  channel: ChannelCode;
  topics: SupportFieldCode[];
  corporateNumber: string | null;
  companyName: string | null;
  industry: JsicDivision | null;
  employees: number | null;
  municipalityCode: string | null;
  /** The firm's phone and address as the agency recorded them: evidence when matching firms without 法人番号. */
  phone: string | null;
  address: string | null;
  summary: string | null;
  consultant: string | null;
  outcome: OutcomeCode | null;
  referredToId: string | null;
  /**
   * Key for the cell-key method of statistics, derived from the id and the install's secret
   * (disclosure.ts); set by the store's write path, absent on records not yet written.
   */
  recordKey?: number;
}

/**
 * One item of a growth-firm committee's minutes (成長企業発掘・育成委員会 議事録): a decision on a
 * firm, or the end of its support reported to the committee.
 */
export interface CommitteeMinuteRecord extends Provenance {
  id: string;
  localId: string;
  /** The meeting's date (開催日). */
  meetingOn: string;
  corporateNumber: string | null;
  /** The network's firm id (企業ID) of a firm without 法人番号. */
  firmId: string | null;
  companyName: string;
  municipalityCode: string | null;
  industry: JsicDivision | null;
  /** The agency that nominated the firm (推薦機関). */
  nominatedBy: string | null;
  rationale: string | null;
  outcome: CommitteeOutcomeCode;
  reason: string | null;
  decidedBy: string | null;
  leadAgency: string | null;
  participatingAgencies: string[];
  goals: string[];
}

export type ProvenanceRecord = Provenance;

export type EntityRecord = OrganizationRecord | ProgramRecord | ConsultationRecord | CommitteeMinuteRecord;

/**
 * Programme and consultation ids are the agency's own number under the agency's id
 * ("hyogo-iac:IAC-2025-000001"), so two agencies' numbers never meet; organization ids are global.
 */
export const agencyScope = (agencyId: string): string => `${agencyId}:`;

export type SyncStatus = 'NEVER_SYNCED' | 'OK' | 'FAILED';

export interface SourceRecord {
  id: string;
  agencyId: string;
  name: string;
  kind: SourceKind;
  /** `live` for a live source. */
  entity: EntityKind | 'live';
  location: string;
  status: SyncStatus;
  stale: boolean;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastChangedAt: string | null;
  lastError: string | null;
  contentHash: string | null;
  etag: string | null;
  lastModified: string | null;
  acceptedCount: number;
  rejectedCount: number;
  /** A live source's state in the gateway; null for the others. */
  live: LiveSourceState | null;
}

export interface LiveSourceState {
  composed: boolean;
  circuit: 'closed' | 'open' | 'half-open';
  latencyMs: number | null;
  fields: string[];
}

/**
 * One rejected input row: row number as the agency sees it, the field, the value and why — the
 * row's first problem; `reasons` lists any further ones, so a row is counted once however many
 * of its cells are wrong.
 */
export interface RowRejection {
  row: number;
  field: string | null;
  value: string | null;
  reason: string;
  reasons?: Array<{ field: string | null; value: string | null; reason: string }>;
}

/** A cell read leniently (a null word, a vocabulary default, markup decoded): the row landed. */
export interface RowWarning {
  row: number;
  field: string;
  value: string;
  /** Without the value, so the same warning on many rows groups into one line. */
  message: string;
}
