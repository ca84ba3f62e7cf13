/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export type StatsFilter = {
  from?: string | null | undefined;
  organizationIds?: Array<string | number> | null | undefined;
  to?: string | null | undefined;
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

export type FirmSearchQueryVariables = Exact<{
  text?: string | null | undefined;
  filter?: SearchFilter | null | undefined;
  sort?: SearchSort | null | undefined;
  near?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FirmSearchQuery = { search: { totalCount: number, suggestions: Array<string>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, highlight: string | null, distanceKm: number | null, node: { id: string, title: string, kind: ProgramKind, status: ProgramStatus, maxAmountText: string | null, applicationPeriod: { opensOn: string | null, closesOn: string | null }, provider: { id: string, name: string, phone: string | null, address: string | null, municipality: { name: string } | null } | null } }>, facets: { supportFields: Array<{ value: SupportField, count: number }>, kinds: Array<{ value: ProgramKind, count: number }>, statuses: Array<{ value: ProgramStatus, count: number }> }, interpretation: { terms: Array<string>, supportFields: Array<SupportField>, kinds: Array<ProgramKind>, needs: Array<string>, dropped: Array<string>, relaxed: boolean, places: Array<{ code: string, name: string }> } } };

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
export const DashboardStatsDocument = {"__meta__":{"hash":"sha256:8bc0a4dd9110eb986f0beb650929bc744618089e8aa940482b100480cce3029f"}} as unknown as TypedDocumentString<DashboardStatsQuery, DashboardStatsQueryVariables>;
export const FirmSearchDocument = {"__meta__":{"hash":"sha256:cffb7e731c8acbcd0e227d2b26e49360c034af2ecd989499e95fb1a595cde852"}} as unknown as TypedDocumentString<FirmSearchQuery, FirmSearchQueryVariables>;
export const MunicipalityChoicesDocument = {"__meta__":{"hash":"sha256:0637dbfebbf9c829c2e5b8f7f786f223412ae58eedd7591f06670548b3a5f4b3"}} as unknown as TypedDocumentString<MunicipalityChoicesQuery, MunicipalityChoicesQueryVariables>;
export const ProgramPageDocument = {"__meta__":{"hash":"sha256:40464d3e29119c56ad9953a710978952aa7481ca1709f9aec62bd1ced4550c1f"}} as unknown as TypedDocumentString<ProgramPageQuery, ProgramPageQueryVariables>;