/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Why a firm is on an agenda (議題の理由). */
export type AgendaReason =
  /** 審議済 — the meeting decided on it */
  | 'DECIDED'
  /** 推薦 — an agency or coordinator nominated it for this meeting */
  | 'NOMINATED'
  /** スコア上位 — among the highest-scored firms no one nominated */
  | 'TOP_SCORE';

export type CommitteeDecisionInput = {
  companyId: string | number;
  decision: CommitteeDecisionKind;
  /** The meeting (YYYY-MM); this month (Japan time) when omitted. Not a future month. */
  meeting?: string | null | undefined;
  /** For a selection: the support plan. The lead agency defaults to the nominating agency; participants to every agency that counts the firm as its client. */
  plan?: SupportPlanInput | null | undefined;
  /** Why (判定理由): required, up to 2,000 characters. */
  reason: string;
};

/** What the committee decided (判定区分). */
export type CommitteeDecisionKind =
  /** 見送り — declined */
  | 'DECLINED'
  /** 保留 — deferred to a later meeting */
  | 'DEFERRED'
  /** 選定 — selected: the network backs the firm with a support plan */
  | 'SELECTED';

/** How a firm is identified (企業の識別). */
export type CompanyIdentity =
  /** 機関の記録 — by one agency's record of a firm without 法人番号, not matched across agencies yet */
  | 'AGENCY_RECORD'
  /** 法人番号 — by its corporate number */
  | 'CORPORATE_NUMBER'
  /** 企業ID — by the id the network assigned to a sole proprietor on a confirmed match */
  | 'NETWORK_ID';

/** How a consultation was held (相談方法). */
export type ConsultationChannel =
  /** 窓口 — at the counter */
  | 'COUNTER'
  /** オンライン — online */
  | 'ONLINE'
  /** 電話 — by phone */
  | 'PHONE'
  /** 訪問 — on a visit */
  | 'VISIT';

/** What came of a consultation (対応結果). */
export type ConsultationOutcome =
  /** 助言 — advised */
  | 'ADVISED'
  /** 制度申請 — helped apply for a programme */
  | 'APPLIED'
  /** 完了 — closed */
  | 'CLOSED'
  /** 継続支援 — continuing support */
  | 'CONTINUING'
  /** 他機関紹介 — referred to another agency */
  | 'REFERRED';

/** Signals the score reads (成長シグナル). */
export type GrowthSignal =
  /** 相談機関数 — distinct agencies consulted */
  | 'AGENCIES'
  /** 直近の相談件数 — consultations lately */
  | 'FREQUENCY'
  /** 成長分野の相談件数 — consultations about growth topics */
  | 'GROWTH_CONSULTATIONS'
  /** 成長分野 — distinct growth topics raised */
  | 'GROWTH_TOPICS'
  /** 業種 — industry */
  | 'INDUSTRY'
  /** 最終相談からの日数 — days since the latest consultation */
  | 'RECENCY'
  /** 機関間の紹介 — hand-offs between agencies */
  | 'REFERRALS'
  /** 従業員数 — size */
  | 'SIZE';

/** Where a firm stands in the programme (成長期待企業としての状況). */
export type GrowthStatus =
  /** 支援中 — selected; its support plan is active */
  | 'ACTIVE'
  /** 見送り — the last decision declined it */
  | 'DECLINED'
  /** 保留 — the last decision deferred it */
  | 'DEFERRED'
  /** 卒業 — its support plan ended with its goals met */
  | 'GRADUATED'
  /** 推薦中 — nominated for a meeting that has not decided yet */
  | 'NOMINATED'
  /** 未推薦 — never nominated nor decided */
  | 'NONE'
  /** 支援終了 — its support plan ended early */
  | 'WITHDRAWN';

/** Kind of programme (施策種別). */
export type ProgramKind =
  /** 認定 — certification */
  | 'CERTIFICATION'
  /** 相談窓口 — consultation service */
  | 'CONSULTATION'
  /** 設備貸与 — equipment and facilities */
  | 'EQUIPMENT'
  /** 専門家派遣 — expert dispatch */
  | 'EXPERT_DISPATCH'
  /** 助成金 — grant */
  | 'GRANT'
  /** 保証 — credit guarantee */
  | 'GUARANTEE'
  /** 融資 — loan */
  | 'LOAN'
  /** マッチング — business matching */
  | 'MATCHING'
  /** その他 — other */
  | 'OTHER'
  /** セミナー — seminar, course or event */
  | 'SEMINAR'
  /** 補助金 — subsidy */
  | 'SUBSIDY'
  /** 技術支援・依頼試験 — technical support and commissioned testing */
  | 'TECHNICAL_SERVICE'
  /** 職業訓練 — vocational training */
  | 'TRAINING';

/** Application status (受付状況). */
export type ProgramStatus =
  /** 受付終了 — closed */
  | 'CLOSED'
  /** 随時 — no application period; always available */
  | 'ONGOING'
  /** 受付中 — accepting applications */
  | 'OPEN'
  /** 受付前 — opens later */
  | 'UPCOMING';

/** What a consultant did with a proposal (提案の対応). */
export type ProposalMarkKind =
  /** 申請済み — the firm applied; not proposed again */
  | 'APPLIED'
  /** 見送り — the firm declined; not proposed again */
  | 'DECLINED'
  /** 提案済み — offered to the firm */
  | 'OFFERED';

/** What a reason is about (理由の種類). */
export type ProposalReasonKind =
  /** 対象地域 — the firm's municipality is in the programme's area */
  | 'AREA'
  /** 対応履歴 — what a consultant already did with it */
  | 'HISTORY'
  /** 対象業種 — the firm's industry is eligible */
  | 'INDUSTRY'
  /** 相談内容 — a need the firm's consultations express */
  | 'NEED'
  /** 受付期間 — open, always available, or opening soon; the closing date */
  | 'PERIOD'
  /** 窓口 — the offering agency and its counter */
  | 'PROVIDER'
  /** 企業規模 — the firm's size is within the programme's ceiling */
  | 'SIZE';

/** Conditions of a search (絞り込み条件): all given conditions must hold; a list matches any of its values. */
export type SearchFilter = {
  /** Programmes whose application period ends on or before this day (締切日). */
  closingBefore?: string | null | undefined;
  /** Firm size (従業員数): programmes without an employee ceiling or with a ceiling of at least this. */
  employees?: number | null | undefined;
  /** Industry (業種) as a JSIC division letter A–T: programmes for every industry or listing this one. */
  industry?: string | null | undefined;
  /** Kind of programme (種別). */
  kinds?: Array<ProgramKind> | null | undefined;
  /**
   * Programmes open to firms in this municipality (対象地域): areas naming it, its designated city,
   * its prefecture or 全国 (000000), and programmes without an area restriction.
   */
  municipalityCode?: string | null | undefined;
  /** Providers (実施機関) by organization id. */
  providerIds?: Array<string | number> | null | undefined;
  /** Purposes of use (利用目的), as listed in the purposes facet. */
  purposes?: Array<string> | null | undefined;
  /** Status (受付状況) on `statusAt`. */
  status?: Array<ProgramStatus> | null | undefined;
  /** The day statuses are computed for (基準日); default: today in Japan. */
  statusAt?: string | null | undefined;
  /** What it helps with (支援分野). */
  supportFields?: Array<SupportField> | null | undefined;
};

/** How a search was relaxed (条件緩和の種類), tried in this order until something is found. */
export type SearchRelaxationStep =
  /** The kind named (補助金, セミナー) was dropped and the place's programmes of every kind are listed (種別を除外). */
  | 'DROPPED_KIND'
  /** The least informative words were dropped (語を除外): the largest set of words some programme has is kept, the rarest on a tie; the dropped words still rank. */
  | 'DROPPED_TERMS'
  /** No programme matched the words anywhere: the place's own programmes are listed, those nearest the words first (地域の施策を表示). */
  | 'PLACE_ONLY'
  /** The place named was dropped (全国に拡大). */
  | 'WIDENED_TO_NATIONWIDE'
  /** The municipality named was widened to its prefecture (都道府県に拡大): other municipalities' programmes are listed after the firm's own and its prefecture's. */
  | 'WIDENED_TO_PREFECTURE';

/** Order of search results (並び順). */
export type SearchSort =
  /**
   * 締切が近い順 — closing date: deadlines still ahead (on or after `statusAt`), soonest first;
   * then programmes without a deadline; then past deadlines, most recent first.
   */
  | 'CLOSING_DATE'
  /**
   * 距離順 — nearest provider first, measured from `near` or else `filter.municipalityCode` to
   * the provider's office (its coordinates, else its municipality); unknown distances last.
   */
  | 'DISTANCE'
  /**
   * 関連度順 — best match first. Programmes of the kinds the text names (補助金, セミナー) come
   * first, without leaving the others out; then, in each group, programmes open or always available
   * (受付中・随時), then those opening later (受付前), closed ones (受付終了) last; without text,
   * in id order.
   */
  | 'RELEVANCE';

/** How a record reached Madoguchi (出典). */
export type SourceKind =
  /** API — the agency's web API */
  | 'API'
  /** 設定ファイル — the agency's own file in Madoguchi, which declares the agency itself */
  | 'CONFIG'
  /** GraphQLサブグラフ — the agency's own Federation 2 service, answering live (a live source) */
  | 'GRAPHQL_SUBGRAPH'
  /** OpenAPI — the agency's own REST service described by OpenAPI, answering live (a live source) */
  | 'OPENAPI'
  /** 表計算ファイル — a CSV or Excel file the agency publishes */
  | 'SPREADSHEET'
  /** ウェブサイト — pages of the agency's web site */
  | 'WEBSITE';

/** A dimension to count consultations by (集計軸). */
export type StatsDimension =
  /** 相談方法 — channel */
  | 'CHANNEL'
  /** 業種 — the firm's JSIC division */
  | 'INDUSTRY'
  /** 受付月 — month received, YYYY-MM in Japan time */
  | 'MONTH'
  /** 所在地 — the firm's municipality code */
  | 'MUNICIPALITY'
  /** 相談先機関 — agency consulted */
  | 'ORGANIZATION'
  /** 相談分野 — topic; a consultation with two topics counts once under each */
  | 'TOPIC';

/**
 * Which consultations are counted (集計対象). For analysts: dates in whole months, one agency or
 * none, one topic or none — a set of agencies or topics would cut a fresh subset of records in
 * every table, whose noise many tables would average away (group by ORGANIZATION or TOPIC instead).
 */
export type StatsFilter = {
  /** From this day (Japan time); analysts: the first day of a month. */
  from?: string | null | undefined;
  /** These agencies (coordinators); analysts: at most one. */
  organizationIds?: Array<string | number> | null | undefined;
  /** To this day (Japan time); analysts: the last day of a month. */
  to?: string | null | undefined;
  /** Consultations on any of these topics (coordinators); analysts: at most one. */
  topics?: Array<SupportField> | null | undefined;
};

/** Support field (支援分野): one taxonomy shared by programmes, organizations and consultations. */
export type SupportField =
  /** 防災・BCP — disaster preparedness and business continuity */
  | 'DISASTER'
  /** IT・DX — digitalization */
  | 'DX'
  /** 雇用・人材 — employment and human resources */
  | 'EMPLOYMENT'
  /** 環境・エネルギー — environment and energy */
  | 'ENVIRONMENT'
  /** 金融・資金繰り — finance and cash flow */
  | 'FINANCE'
  /** 知的財産 — intellectual property */
  | 'IP'
  /** 労務 — labour management */
  | 'LABOR'
  /** 経営 — management */
  | 'MANAGEMENT'
  /** 海外展開 — overseas expansion */
  | 'OVERSEAS'
  /** 販路開拓 — sales channels and marketing */
  | 'SALES'
  /** 起業・創業 — starting a business */
  | 'STARTUP'
  /** 事業承継 — business succession */
  | 'SUCCESSION'
  /** 技術 — technology, R&D, testing */
  | 'TECHNOLOGY';

export type SupportPlanInput = {
  goals?: Array<string> | null | undefined;
  leadAgency?: string | number | null | undefined;
  participatingAgencies?: Array<string | number> | null | undefined;
};

/** A support plan's state (支援状況). */
export type SupportPlanStatus =
  /** 支援中 — active */
  | 'ACTIVE'
  /** 卒業 — graduated */
  | 'GRADUATED'
  /** 支援終了 — withdrawn */
  | 'WITHDRAWN';

export type SupportPlanUpdateInput = {
  goals?: Array<string> | null | undefined;
  leadAgency?: string | number | null | undefined;
  /** The next follow-up review (次回フォローアップ日), today or later (Japan time). */
  nextReviewOn?: string | null | undefined;
  /** What happened (経過メモ). */
  note?: string | null | undefined;
  participatingAgencies?: Array<string | number> | null | undefined;
  planId: string | number;
  status?: SupportPlanStatus | null | undefined;
};

/** Outcome of a source's last sync (同期状態). */
export type SyncStatus =
  /** The last attempt failed; the last good data, if any, is still served and marked stale. */
  | 'FAILED'
  /** Never read yet. */
  | 'NEVER_SYNCED'
  /** The last attempt succeeded. */
  | 'OK';

export type DashboardStatsQueryVariables = Exact<{
  filter?: StatsFilter | null | undefined;
}>;


export type DashboardStatsQuery = { byMonth: { groupBy: Array<StatsDimension>, total: number | null, suppressedCells: number, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ dimension: StatsDimension, value: string, label: string | null }> }> }, byAgency: { groupBy: Array<StatsDimension>, total: number | null, suppressedCells: number, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ dimension: StatsDimension, value: string, label: string | null }> }> }, topicByMonth: { groupBy: Array<StatsDimension>, total: number | null, suppressedCells: number, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ dimension: StatsDimension, value: string, label: string | null }> }> }, byChannel: { groupBy: Array<StatsDimension>, total: number | null, suppressedCells: number, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ dimension: StatsDimension, value: string, label: string | null }> }> } };

export type StatsTableFragment = { groupBy: Array<StatsDimension>, total: number | null, suppressedCells: number, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ dimension: StatsDimension, value: string, label: string | null }> }> };

export type CommitteeAgendaQueryVariables = Exact<{
  month: string;
}>;


export type CommitteeAgendaQuery = { committeeMeeting: { month: string, heldOn: string | null, agenda: Array<{ reasons: Array<AgendaReason>, score: number, company: { id: string, name: string | null, corporateNumber: string | null, municipality: { name: string } | null, industry: { code: string, name: string } | null, growth: { status: GrowthStatus, nominations: Array<{ id: string, rationale: string, nominatedBy: string, nominatedAt: string, fromMinutes: boolean, agency: { id: string, name: string } | null }> } | null } }>, decisions: Array<{ id: string, decision: CommitteeDecisionKind, reason: string, decidedBy: string, decidedAt: string, fromMinutes: boolean, company: { id: string, name: string | null } }> } };

export type CommitteeFirmQueryVariables = Exact<{
  id: string | number;
}>;


export type CommitteeFirmQuery = { company: { id: string, name: string | null, corporateNumber: string | null, employees: number | null, municipality: { name: string } | null, industry: { code: string, name: string } | null, consultations: { totalCount: number, edges: Array<{ node: { id: string, receivedAt: string, channel: ConsultationChannel, topics: Array<SupportField>, outcome: ConsultationOutcome | null, organization: { id: string, name: string } } }> }, growth: { status: GrowthStatus, score: { total: number, asOf: string | null, weightsVersion: string, contributions: Array<{ signal: GrowthSignal, value: string, points: number, reason: string }> } | null, plan: { id: string, status: SupportPlanStatus, selectedIn: string, goals: Array<string>, nextReviewOn: string, reviewScheduled: boolean, reviewOverdue: boolean, leadAgency: { id: string, name: string }, participatingAgencies: Array<{ id: string, name: string }>, history: Array<{ at: string, status: SupportPlanStatus, note: string | null, recordedBy: string }> } | null, decisions: Array<{ id: string, meeting: string, decision: CommitteeDecisionKind, reason: string, decidedBy: string, decidedAt: string, fromMinutes: boolean }> | null, nominations: Array<{ id: string, meeting: string, rationale: string, nominatedAt: string, agency: { id: string, name: string } | null }> } | null } | null };

export type PlanFactsFragment = { id: string, status: SupportPlanStatus, selectedIn: string, goals: Array<string>, nextReviewOn: string, reviewScheduled: boolean, reviewOverdue: boolean, leadAgency: { id: string, name: string }, participatingAgencies: Array<{ id: string, name: string }>, history: Array<{ at: string, status: SupportPlanStatus, note: string | null, recordedBy: string }> };

export type RecordDecisionMutationVariables = Exact<{
  input: CommitteeDecisionInput;
}>;


export type RecordDecisionMutation = { recordCommitteeDecision: { id: string, decision: CommitteeDecisionKind, reason: string, decidedBy: string, decidedAt: string, meeting: string, company: { id: string, name: string | null } } };

export type FollowUpQueryVariables = Exact<{
  statuses?: Array<GrowthStatus> | GrowthStatus | null | undefined;
  after?: string | null | undefined;
}>;


export type FollowUpQuery = { growthFirms: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string | null, growth: { status: GrowthStatus, signals: { lastConsultedAt: string | null } | null, plan: { id: string, status: SupportPlanStatus, selectedIn: string, nextReviewOn: string, reviewOverdue: boolean, reviewScheduled: boolean, leadAgency: { id: string, name: string }, history: Array<{ at: string }> } | null } | null } }> } };

export type RecordReviewMutationVariables = Exact<{
  input: SupportPlanUpdateInput;
}>;


export type RecordReviewMutation = { updateSupportPlan: { id: string, nextReviewOn: string, reviewOverdue: boolean, reviewScheduled: boolean, history: Array<{ at: string, note: string | null }> } };

export type AgencyNominationsQueryVariables = Exact<{
  meeting: string;
}>;


export type AgencyNominationsQuery = { nominations: Array<{ id: string, meeting: string, rationale: string, nominatedBy: string, nominatedAt: string, agency: { id: string, name: string } | null, company: { id: string, name: string | null } }>, nominationAllowance: { meeting: string, cap: number, used: number, remaining: number, agency: { id: string, name: string } | null } };

export type FirmLookupQueryVariables = Exact<{
  id: string | number;
}>;


export type FirmLookupQuery = { company: { id: string, name: string | null, municipality: { name: string } | null, industry: { name: string } | null, growth: { status: GrowthStatus } | null } | null };

export type NominateMutationVariables = Exact<{
  companyId: string | number;
  rationale: string;
  meeting?: string | null | undefined;
}>;


export type NominateMutation = { nominateCompany: { id: string, meeting: string, rationale: string, nominatedAt: string, company: { id: string, name: string | null } } };

export type DeskFindQueryVariables = Exact<{
  text: string;
}>;


export type DeskFindQuery = { deskCompanies: Array<{ name: string | null, corporateNumber: string | null, consultations: number, matchedBy: string, company: { id: string }, municipality: { name: string } | null }> };

export type DeskCompanyQueryVariables = Exact<{
  id: string | number;
}>;


export type DeskCompanyQuery = { company: { id: string, name: string | null, corporateNumber: string | null, identifiedBy: CompanyIdentity, employees: number | null, industry: { code: string, name: string } | null, municipality: { name: string } | null, consultations: { totalCount: number, edges: Array<{ node: { id: string, receivedAt: string, channel: ConsultationChannel, topics: Array<SupportField>, summary: string | null, outcome: ConsultationOutcome | null, organization: { id: string, name: string }, referrals: Array<{ referredAt: string, to: { id: string, name: string } }>, notes: Array<{ id: string, body: string, writtenBy: string, writtenAt: string }> } }> }, proposals: Array<{ score: number, distanceKm: number | null, program: { id: string, title: string, kind: ProgramKind, url: string | null, applicationPeriod: { opensOn: string | null, closesOn: string | null } }, provider: { id: string, name: string }, reasons: Array<{ kind: ProposalReasonKind, text: string, evidence: Array<string> }>, mark: { mark: ProposalMarkKind, reason: string | null, markedBy: string, markedAt: string } | null }> | null } | null };

export type DeskReferMutationVariables = Exact<{
  id: string | number;
  to: string | number;
  note?: string | null | undefined;
}>;


export type DeskReferMutation = { referConsultation: { id: string, referrals: Array<{ referredAt: string, to: { id: string, name: string } }> } };

export type DeskNoteMutationVariables = Exact<{
  id: string | number;
  body: string;
}>;


export type DeskNoteMutation = { addConsultationNote: { id: string, body: string, writtenBy: string, writtenAt: string } };

export type DeskMarkMutationVariables = Exact<{
  company: string | number;
  program: string | number;
  mark: ProposalMarkKind;
  reason?: string | null | undefined;
}>;


export type DeskMarkMutation = { markProposal: { mark: ProposalMarkKind, reason: string | null, markedAt: string } };

export type FirmSearchQueryVariables = Exact<{
  text?: string | null | undefined;
  filter?: SearchFilter | null | undefined;
  sort?: SearchSort | null | undefined;
  near?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FirmSearchQuery = { search: { totalCount: number, suggestions: Array<string>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, highlight: string | null, distanceKm: number | null, node: { id: string, title: string, kind: ProgramKind, status: ProgramStatus, maxAmountText: string | null, url: string | null, providerName: string | null, applicationPeriod: { opensOn: string | null, closesOn: string | null }, provider: { id: string, name: string, phone: string | null, address: string | null, municipality: { name: string } | null } | null } }>, facets: { supportFields: Array<{ value: SupportField, count: number }>, kinds: Array<{ value: ProgramKind, count: number }>, statuses: Array<{ value: ProgramStatus, count: number }> }, interpretation: { terms: Array<string>, supportFields: Array<SupportField>, kinds: Array<ProgramKind>, needs: Array<string>, firm: Array<string>, dropped: Array<string>, relaxed: boolean, places: Array<{ code: string, name: string }>, relaxations: Array<{ step: SearchRelaxationStep, words: Array<string>, places: Array<{ code: string, name: string }> }> } } };

export type MunicipalityChoicesQueryVariables = Exact<{
  name: string;
}>;


export type MunicipalityChoicesQuery = { municipalities: Array<{ code: string, name: string, prefecture: string | null }> };

export type ProgramPageQueryVariables = Exact<{
  id: string | number;
  agencyId: string | number;
}>;


export type ProgramPageQuery = { program: { id: string, title: string, summary: string | null, detail: string | null, kind: ProgramKind, status: ProgramStatus, supportFields: Array<SupportField>, purposes: Array<string>, maxAmountText: string | null, url: string | null, contact: string | null, updatedAt: string | null, subsidyRate: { text: string } | null, applicationPeriod: { opensOn: string | null, closesOn: string | null }, eligibility: { areaText: string | null, employeeCeiling: number | null, text: string | null, areas: Array<{ code: string, name: string }>, industries: Array<{ code: string, name: string }> }, provider: { id: string, name: string, phone: string | null, url: string | null, address: string | null, municipality: { name: string, prefecture: string | null } | null } | null, provenance: { sourceId: string, kind: SourceKind, fetchedAt: string }, alternatives: Array<{ id: string, title: string, status: ProgramStatus, maxAmountText: string | null, provider: { name: string, municipality: { name: string } | null } | null }> } | null, sources: Array<{ name: string, status: SyncStatus, stale: boolean, lastSuccessAt: string | null, lastChangedAt: string | null }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const StatsTableFragmentDoc = new TypedDocumentString(`
    fragment StatsTable on ConsultationStats {
  groupBy
  total
  suppressedCells
  cells {
    keys {
      dimension
      value
      label
    }
    count
    suppressed
  }
}
    `, {"fragmentName":"StatsTable"}) as unknown as TypedDocumentString<StatsTableFragment, unknown>;
export const PlanFactsFragmentDoc = new TypedDocumentString(`
    fragment PlanFacts on SupportPlan {
  id
  status
  selectedIn
  goals
  nextReviewOn
  reviewScheduled
  reviewOverdue
  leadAgency {
    id
    name
  }
  participatingAgencies {
    id
    name
  }
  history {
    at
    status
    note
    recordedBy
  }
}
    `, {"fragmentName":"PlanFacts"}) as unknown as TypedDocumentString<PlanFactsFragment, unknown>;
export const DashboardStatsDocument = {"__meta__":{"hash":"sha256:8bc0a4dd9110eb986f0beb650929bc744618089e8aa940482b100480cce3029f"}} as unknown as TypedDocumentString<DashboardStatsQuery, DashboardStatsQueryVariables>;
export const CommitteeAgendaDocument = {"__meta__":{"hash":"sha256:3479e9bdd686f2a5fecbb59fdd017df1684426f7542f59e9d2c3520909999f6c"}} as unknown as TypedDocumentString<CommitteeAgendaQuery, CommitteeAgendaQueryVariables>;
export const CommitteeFirmDocument = {"__meta__":{"hash":"sha256:0b2a916c1a0f46d11b1098ac8eb6c658cc096e54463651d1a15f6bd60dc284dc"}} as unknown as TypedDocumentString<CommitteeFirmQuery, CommitteeFirmQueryVariables>;
export const RecordDecisionDocument = {"__meta__":{"hash":"sha256:50d5561769e8c87fd5771eecb1382fafe5e2d82f54887238569fd3672bbc233a"}} as unknown as TypedDocumentString<RecordDecisionMutation, RecordDecisionMutationVariables>;
export const FollowUpDocument = {"__meta__":{"hash":"sha256:897e884aafd90e5b8377e3393ee942ea1e82df5b6cd03b2a0e0b96eb6e9a45e2"}} as unknown as TypedDocumentString<FollowUpQuery, FollowUpQueryVariables>;
export const RecordReviewDocument = {"__meta__":{"hash":"sha256:9ad8cd88a8ef7360a7e9bd8b0fb99908e6155ccb60b689de5caa385d29a128d1"}} as unknown as TypedDocumentString<RecordReviewMutation, RecordReviewMutationVariables>;
export const AgencyNominationsDocument = {"__meta__":{"hash":"sha256:9d1eb0855de39de21589b3e7fcb45feaca440b22b3d1b88529ec99628912a6cb"}} as unknown as TypedDocumentString<AgencyNominationsQuery, AgencyNominationsQueryVariables>;
export const FirmLookupDocument = {"__meta__":{"hash":"sha256:9f5b1973ee20864e4c7eb45e04b15cfb06d69b0097b4af6cf4d58e2b2ec12e22"}} as unknown as TypedDocumentString<FirmLookupQuery, FirmLookupQueryVariables>;
export const NominateDocument = {"__meta__":{"hash":"sha256:f007cbf5ed7c5a0b08e9d07a9c9668bdb7d65ce83a4a46134686afe97919051a"}} as unknown as TypedDocumentString<NominateMutation, NominateMutationVariables>;
export const DeskFindDocument = {"__meta__":{"hash":"sha256:525aaa6fdd6e851271e6940e2fda080176b1deaded9b66c98d75958f547d2126"}} as unknown as TypedDocumentString<DeskFindQuery, DeskFindQueryVariables>;
export const DeskCompanyDocument = {"__meta__":{"hash":"sha256:0d7ef1dbd4b3cd74f7ac64853a83dd62357c9ca143d5b5ee884bb4d485b86e02"}} as unknown as TypedDocumentString<DeskCompanyQuery, DeskCompanyQueryVariables>;
export const DeskReferDocument = {"__meta__":{"hash":"sha256:c6d08421dd652a0d86970d5381d63e052f6969459a7ab20373a4dcddbe4fecc0"}} as unknown as TypedDocumentString<DeskReferMutation, DeskReferMutationVariables>;
export const DeskNoteDocument = {"__meta__":{"hash":"sha256:4ddd12c0fa185ee739b4eb6987fb5509e16ebf5787ddb9e7ac87c42b7c9904df"}} as unknown as TypedDocumentString<DeskNoteMutation, DeskNoteMutationVariables>;
export const DeskMarkDocument = {"__meta__":{"hash":"sha256:24d93d056153fb7ef48a73d501de6d93104c35797dc27254995a6c4f76b0f799"}} as unknown as TypedDocumentString<DeskMarkMutation, DeskMarkMutationVariables>;
export const FirmSearchDocument = {"__meta__":{"hash":"sha256:f1aa75451b0c7ad7c2556631f801287ae97f0dea53e0e1e970759f55db451a96"}} as unknown as TypedDocumentString<FirmSearchQuery, FirmSearchQueryVariables>;
export const MunicipalityChoicesDocument = {"__meta__":{"hash":"sha256:0637dbfebbf9c829c2e5b8f7f786f223412ae58eedd7591f06670548b3a5f4b3"}} as unknown as TypedDocumentString<MunicipalityChoicesQuery, MunicipalityChoicesQueryVariables>;
export const ProgramPageDocument = {"__meta__":{"hash":"sha256:40464d3e29119c56ad9953a710978952aa7481ca1709f9aec62bd1ced4550c1f"}} as unknown as TypedDocumentString<ProgramPageQuery, ProgramPageQueryVariables>;