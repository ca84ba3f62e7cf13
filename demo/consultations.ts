/**
 * Demo consultation logs (相談記録): a seeded, deterministic fiscal year of SME consultations as the
 * CRM exports of 中小企業支援ネットひょうご's 18 agencies and としまビジネスサポートセンター would look,
 * about 100,000 rows. Every firm, name and text is synthetic. The local agency stand-ins serve these
 * files so that the consultations subgraph, its aggregates and the coordinators' cross-agency view
 * have realistic volume and shape to work on: repeat visits, firms known to several agencies,
 * referrals, seasonal peaks, a CSV that needs RFC 4180 quoting.
 * Run directly to write the files: `npx tsx demo/consultations.ts [outDir]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { corporateNumberCheckDigit } from '../domain/normalize';
import { mulberry32, type Rng } from './random';
import { firmContact, recordedContact, type FirmContact } from './contacts';
import { tallyFirms, writeCommitteeMinutes, type FirmTally } from './committee';
import {
  CHANNELS,
  OUTCOMES,
  SUPPORT_FIELDS,
  type ChannelCode,
  type JsicDivision,
  type OutcomeCode,
  type SupportFieldCode,
} from '../domain/vocabulary';

export interface ConsultationRow {
  number: string;
  /** 'YYYY/MM/DD HH:mm', Japan time. */
  receivedAt: string;
  channel: string;
  topics: string[];
  corporateNumber: string | null;
  companyName: string;
  /** JSIC division letter A–T. */
  industry: string;
  employees: number;
  /** 全国地方公共団体コード (6 digits, with check digit). */
  municipalityCode: string;
  /** The firm's phone and address when this record carries them (records are incomplete). */
  phone: string | null;
  address: string | null;
  summary: string;
  consultant: string;
  outcome: string;
  referredTo: string | null;
}

export interface ConsultationOptions {
  seed?: number;
  total?: number;
  /** 2025 means 2025-04-01 .. 2026-03-31. */
  fiscalYear?: number;
}

export { mulberry32 };

export const DEFAULT_SEED = 20260401;
export const DEFAULT_TOTAL = 100_000;
export const DEFAULT_FISCAL_YEAR = 2025;

export const CSV_HEADER =
  '相談番号,受付日,相談方法,相談分野,法人番号,事業者名,業種,従業員数,所在地コード,電話番号,住所,相談概要,担当者,対応結果,紹介先機関ID';

// ---------------------------------------------------------------------------------------------
// Randomness: our own PRNG so the output depends on the seed alone, never on Math.random.
// ---------------------------------------------------------------------------------------------

const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

function gaussian(rng: Rng): number {
  // Box–Muller; 1 - rng() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Weighted choice by binary search over cumulative weights: ~100k draws per table stay cheap. */
class Weighted<T> {
  readonly items: T[] = [];
  private readonly cum: number[] = [];
  readonly total: number;

  constructor(entries: Iterable<readonly [T, number]>) {
    let sum = 0;
    for (const [item, weight] of entries) {
      if (!(weight > 0)) continue;
      sum += weight;
      this.items.push(item);
      this.cum.push(sum);
    }
    if (this.items.length === 0) throw new Error('Weighted: no item with a positive weight');
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

const weightedOf = <K extends string>(weights: Partial<Record<K, number>>): Weighted<K> =>
  new Weighted(Object.entries(weights) as [K, number][]);

// ---------------------------------------------------------------------------------------------
// Municipalities. Codes checked against the localgovjp list; weights are rough establishment
// counts in hundreds (経済センサス order of magnitude), enough to put most firms where firms are.
// `cci` marks areas served by a 商工会議所; elsewhere the 商工会 is the local counter.
// ---------------------------------------------------------------------------------------------

type Area = 'kobe' | 'hanshin' | 'harima' | 'tajima' | 'tanba' | 'awaji' | 'tokyo';

export interface DemoMunicipality {
  code: string;
  name: string;
  weight: number;
  cci: boolean;
  area: Area;
}

const muni = (code: string, name: string, weight: number, cci: boolean, area: Area): DemoMunicipality => ({
  code,
  name,
  weight,
  cci,
  area,
});

export const HYOGO_MUNICIPALITIES: readonly DemoMunicipality[] = [
  muni('281018', '神戸市東灘区', 62, true, 'kobe'),
  muni('281026', '神戸市灘区', 50, true, 'kobe'),
  muni('281051', '神戸市兵庫区', 62, true, 'kobe'),
  muni('281069', '神戸市長田区', 62, true, 'kobe'),
  muni('281077', '神戸市須磨区', 38, true, 'kobe'),
  muni('281085', '神戸市垂水区', 42, true, 'kobe'),
  muni('281093', '神戸市北区', 64, true, 'kobe'),
  muni('281107', '神戸市中央区', 170, true, 'kobe'),
  muni('281115', '神戸市西区', 72, true, 'kobe'),
  muni('282014', '姫路市', 240, true, 'harima'),
  muni('282022', '尼崎市', 175, true, 'hanshin'),
  muni('282031', '明石市', 90, true, 'harima'),
  muni('282049', '西宮市', 140, true, 'hanshin'),
  muni('282057', '洲本市', 25, true, 'awaji'),
  muni('282065', '芦屋市', 28, false, 'hanshin'),
  muni('282073', '伊丹市', 62, true, 'hanshin'),
  muni('282081', '相生市', 14, true, 'harima'),
  muni('282090', '豊岡市', 50, true, 'tajima'),
  muni('282103', '加古川市', 92, true, 'harima'),
  muni('282120', '赤穂市', 20, true, 'harima'),
  muni('282138', '西脇市', 22, true, 'harima'),
  muni('282146', '宝塚市', 62, true, 'hanshin'),
  muni('282154', '三木市', 34, true, 'harima'),
  muni('282162', '高砂市', 33, true, 'harima'),
  muni('282171', '川西市', 44, true, 'hanshin'),
  muni('282189', '小野市', 22, true, 'harima'),
  muni('282197', '三田市', 35, true, 'hanshin'),
  muni('282201', '加西市', 22, true, 'harima'),
  muni('282219', '丹波篠山市', 24, false, 'tanba'),
  muni('282227', '養父市', 14, false, 'tajima'),
  muni('282235', '丹波市', 33, false, 'tanba'),
  muni('282243', '南あわじ市', 27, false, 'awaji'),
  muni('282251', '朝来市', 15, false, 'tajima'),
  muni('282260', '淡路市', 24, false, 'awaji'),
  muni('282278', '宍粟市', 19, false, 'harima'),
  muni('282286', '加東市', 20, false, 'harima'),
  muni('282294', 'たつの市', 32, true, 'harima'),
  muni('283011', '猪名川町', 8, false, 'hanshin'),
  muni('283657', '多可町', 10, false, 'harima'),
  muni('283819', '稲美町', 11, false, 'harima'),
  muni('283827', '播磨町', 11, false, 'harima'),
  muni('284424', '市川町', 6, false, 'harima'),
  muni('284432', '福崎町', 9, false, 'harima'),
  muni('284467', '神河町', 5, false, 'harima'),
  muni('284645', '太子町', 11, false, 'harima'),
  muni('284815', '上郡町', 7, false, 'harima'),
  muni('285013', '佐用町', 10, false, 'harima'),
  muni('285854', '香美町', 14, false, 'tajima'),
  muni('285862', '新温泉町', 9, false, 'tajima'),
];

/** The Toshima counter's clients: the ward itself and the wards around Ikebukuro. */
export const TOSHIMA_MUNICIPALITIES: readonly DemoMunicipality[] = [
  muni('131164', '豊島区', 70, true, 'tokyo'),
  muni('131172', '北区', 8, true, 'tokyo'),
  muni('131199', '板橋区', 6, true, 'tokyo'),
  muni('131202', '練馬区', 5, true, 'tokyo'),
  muni('131041', '新宿区', 6, true, 'tokyo'),
  muni('131059', '文京区', 5, true, 'tokyo'),
];

const MUNICIPALITIES: readonly DemoMunicipality[] = [...HYOGO_MUNICIPALITIES, ...TOSHIMA_MUNICIPALITIES];
export const DEMO_MUNICIPALITY_CODES: ReadonlySet<string> = new Set(MUNICIPALITIES.map((m) => m.code));

const KOBE = (m: DemoMunicipality) => m.area === 'kobe';

// ---------------------------------------------------------------------------------------------
// Agencies
// ---------------------------------------------------------------------------------------------

type Region = 'hyogo' | 'toshima';
type Weights<K extends string> = Partial<Record<K, number>>;

interface AgencySpec {
  id: string;
  name: string;
  /** How the agency is named in another agency's note ("…を紹介。"). */
  shortName: string;
  region: Region;
  /** Consultations a year. */
  volume: number;
  /** Relative visits per client firm: a test lab sees the same firms often, a guarantor once or twice. */
  repeat: number;
  channels: Weights<ChannelCode>;
  topics: Weights<SupportFieldCode>;
  outcomes: Record<OutcomeCode, number>;
  /** Multipliers on the firm population's industry mix (default 1). */
  industries?: Weights<JsicDivision>;
  industryDefault?: number;
  /** Multiplier by the firm's municipality (default 1). */
  area?: (m: DemoMunicipality) => number;
  /** Share of consultations held on Saturdays (start-up counters, some events). */
  saturday: number;
  number: (fiscalYear: number, seq: number) => string;
  staff: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const yy = (fy: number) => pad(fy % 100, 2);

// Public test labs and research bodies mostly see manufacturers.
const MAKERS: Weights<JsicDivision> = { E: 6, D: 1, G: 1.5, L: 2, C: 1, F: 1 };
const GENERAL_CHANNELS: Weights<ChannelCode> = { COUNTER: 45, PHONE: 28, VISIT: 12, ONLINE: 15 };
const LAB_CHANNELS: Weights<ChannelCode> = { COUNTER: 48, PHONE: 24, VISIT: 14, ONLINE: 14 };
const EMPLOYMENT_CHANNELS: Weights<ChannelCode> = { COUNTER: 30, PHONE: 45, VISIT: 15, ONLINE: 10 };
const LAB_OUTCOMES: Record<OutcomeCode, number> = {
  ADVISED: 40,
  REFERRED: 4.5,
  APPLIED: 4,
  CONTINUING: 27,
  CLOSED: 25,
};

const AGENCIES: readonly AgencySpec[] = [
  {
    id: 'hyogo-iac',
    name: '公益財団法人ひょうご産業活性化センター',
    shortName: 'ひょうご産業活性化センター',
    region: 'hyogo',
    volume: 16000,
    repeat: 2.6,
    channels: { COUNTER: 42, PHONE: 25, VISIT: 13, ONLINE: 20 },
    topics: {
      MANAGEMENT: 24,
      FINANCE: 12,
      STARTUP: 12,
      SUCCESSION: 12,
      SALES: 15,
      DX: 10,
      OVERSEAS: 5,
      TECHNOLOGY: 3,
      EMPLOYMENT: 2,
      DISASTER: 2,
      ENVIRONMENT: 3,
    },
    outcomes: { ADVISED: 42, REFERRED: 4, APPLIED: 14, CONTINUING: 28, CLOSED: 12 },
    area: (m) => (KOBE(m) ? 1.3 : 1),
    saturday: 0.01,
    number: (fy, n) => `IAC-${fy}-${pad(n, 6)}`,
    staff: 9,
  },
  {
    id: 'hyogo-itc',
    name: '兵庫県立工業技術センター',
    shortName: '兵庫県立工業技術センター',
    region: 'hyogo',
    volume: 7000,
    repeat: 4,
    channels: LAB_CHANNELS,
    topics: { TECHNOLOGY: 82, ENVIRONMENT: 6, IP: 3, DX: 6, DISASTER: 1, SALES: 2 },
    outcomes: { ADVISED: 40, REFERRED: 3.5, APPLIED: 4, CONTINUING: 27, CLOSED: 26 },
    industries: MAKERS,
    industryDefault: 0.2,
    area: (m) => (m.area === 'tajima' || m.area === 'awaji' ? 0.6 : 1),
    saturday: 0,
    number: (fy, n) => `ITC${fy}-${pad(n, 5)}`,
    staff: 8,
  },
  {
    id: 'niro',
    name: '公益財団法人新産業創造研究機構',
    shortName: '新産業創造研究機構(NIRO)',
    region: 'hyogo',
    volume: 1500,
    repeat: 3.5,
    channels: LAB_CHANNELS,
    topics: { TECHNOLOGY: 55, IP: 25, ENVIRONMENT: 10, STARTUP: 5, SALES: 5 },
    outcomes: LAB_OUTCOMES,
    industries: MAKERS,
    industryDefault: 0.15,
    saturday: 0,
    number: (fy, n) => `NIRO-${yy(fy)}-${pad(n, 4)}`,
    staff: 4,
  },
  {
    id: 'hyogo-hsta',
    name: '公益財団法人ひょうご科学技術協会',
    shortName: 'ひょうご科学技術協会',
    region: 'hyogo',
    volume: 800,
    repeat: 3.5,
    channels: LAB_CHANNELS,
    topics: { TECHNOLOGY: 80, ENVIRONMENT: 10, IP: 5, STARTUP: 5 },
    outcomes: { ADVISED: 40, REFERRED: 6, APPLIED: 8, CONTINUING: 26, CLOSED: 20 },
    industries: MAKERS,
    industryDefault: 0.15,
    saturday: 0,
    number: (fy, n) => `HSTA${fy}${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'kobe-ipf',
    name: '公益財団法人神戸市産業振興財団',
    shortName: '神戸市産業振興財団',
    region: 'hyogo',
    volume: 10000,
    repeat: 2.6,
    channels: { COUNTER: 50, PHONE: 20, VISIT: 10, ONLINE: 20 },
    topics: { MANAGEMENT: 30, STARTUP: 20, SALES: 20, FINANCE: 8, DX: 8, OVERSEAS: 5, SUCCESSION: 5, TECHNOLOGY: 4 },
    outcomes: { ADVISED: 45, REFERRED: 4, APPLIED: 11, CONTINUING: 27, CLOSED: 13 },
    area: (m) => (KOBE(m) ? 1 : 0.02),
    saturday: 0.03,
    number: (fy, n) => `KIPF-${fy}-${pad(n, 5)}`,
    staff: 7,
  },
  {
    id: 'ampi',
    name: '一般財団法人近畿高エネルギー加工技術研究所',
    shortName: '近畿高エネルギー加工技術研究所(AMPI)',
    region: 'hyogo',
    volume: 1200,
    repeat: 3.5,
    channels: LAB_CHANNELS,
    topics: { TECHNOLOGY: 85, ENVIRONMENT: 8, IP: 4, SALES: 3 },
    outcomes: { ADVISED: 40, REFERRED: 5, APPLIED: 4, CONTINUING: 27, CLOSED: 24 },
    industries: { E: 8, D: 1, L: 1.5 },
    industryDefault: 0.1,
    area: (m) => (m.area === 'hanshin' || KOBE(m) ? 1.3 : 1),
    saturday: 0,
    number: (fy, n) => `AMPI${yy(fy)}-${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'fbri',
    name: '公益財団法人先端医療振興財団',
    shortName: '先端医療振興財団',
    region: 'hyogo',
    volume: 900,
    repeat: 3,
    channels: { COUNTER: 45, PHONE: 15, VISIT: 15, ONLINE: 25 },
    topics: { TECHNOLOGY: 55, STARTUP: 30, IP: 10, SALES: 5 },
    outcomes: { ADVISED: 40, REFERRED: 6, APPLIED: 10, CONTINUING: 30, CLOSED: 14 },
    industries: { P: 4, L: 4, E: 3, G: 2 },
    industryDefault: 0.08,
    area: (m) => (KOBE(m) ? 2 : 1),
    saturday: 0,
    number: (fy, n) => `FBRI-${fy}-${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'hyogo-jiii',
    name: '一般社団法人兵庫県発明協会',
    shortName: '兵庫県発明協会',
    region: 'hyogo',
    volume: 2500,
    repeat: 2.2,
    channels: { COUNTER: 55, PHONE: 25, VISIT: 5, ONLINE: 15 },
    topics: { IP: 90, TECHNOLOGY: 5, SALES: 3, OVERSEAS: 2 },
    outcomes: { ADVISED: 55, REFERRED: 4, APPLIED: 15, CONTINUING: 14, CLOSED: 12 },
    industries: { E: 3, G: 1.5, L: 1.5 },
    industryDefault: 0.6,
    saturday: 0,
    number: (fy, n) => `JIII${yy(fy)}-${pad(n, 4)}`,
    staff: 4,
  },
  {
    id: 'hyogo-kogyokai',
    name: '公益社団法人兵庫工業会',
    shortName: '兵庫工業会',
    region: 'hyogo',
    volume: 1500,
    repeat: 2.5,
    channels: { COUNTER: 35, PHONE: 30, VISIT: 25, ONLINE: 10 },
    topics: { SALES: 30, TECHNOLOGY: 25, LABOR: 20, EMPLOYMENT: 10, ENVIRONMENT: 5, OVERSEAS: 5, DISASTER: 5 },
    outcomes: { ADVISED: 48, REFERRED: 5, APPLIED: 6, CONTINUING: 26, CLOSED: 15 },
    industries: { E: 7, D: 1, H: 1 },
    industryDefault: 0.15,
    saturday: 0,
    number: (fy, n) => `HKK-${yy(fy)}-${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'hyogo-cgc',
    name: '兵庫県信用保証協会',
    shortName: '兵庫県信用保証協会',
    region: 'hyogo',
    volume: 9000,
    repeat: 1.6,
    channels: { COUNTER: 70, PHONE: 20, VISIT: 5, ONLINE: 5 },
    topics: { FINANCE: 90, SUCCESSION: 4, STARTUP: 4, MANAGEMENT: 2 },
    outcomes: { ADVISED: 30, REFERRED: 3, APPLIED: 40, CONTINUING: 15, CLOSED: 12 },
    industries: { D: 1.3, I: 1.2, M: 1.1, E: 1.1 },
    saturday: 0,
    number: (fy, n) => `CGC${yy(fy)}-${pad(n, 5)}`,
    staff: 8,
  },
  {
    id: 'hyogo-cci',
    name: '兵庫県商工会議所連合会',
    shortName: '商工会議所',
    region: 'hyogo',
    volume: 14000,
    repeat: 2.6,
    channels: { COUNTER: 45, PHONE: 20, VISIT: 25, ONLINE: 10 },
    topics: { MANAGEMENT: 30, FINANCE: 25, LABOR: 12, SALES: 12, SUCCESSION: 6, DX: 6, STARTUP: 5, DISASTER: 4 },
    outcomes: { ADVISED: 45, REFERRED: 4.5, APPLIED: 15, CONTINUING: 25, CLOSED: 10.5 },
    area: (m) => (m.cci ? 1 : 0.05),
    saturday: 0.005,
    number: (fy, n) => `CCI-${fy}-${pad(n, 5)}`,
    staff: 9,
  },
  {
    id: 'hyogo-chuokai',
    name: '兵庫県中小企業団体中央会',
    shortName: '兵庫県中小企業団体中央会',
    region: 'hyogo',
    volume: 3000,
    repeat: 2.5,
    channels: { COUNTER: 40, PHONE: 30, VISIT: 22, ONLINE: 8 },
    topics: { MANAGEMENT: 40, LABOR: 30, EMPLOYMENT: 10, FINANCE: 8, DISASTER: 5, SALES: 7 },
    outcomes: { ADVISED: 48, REFERRED: 4, APPLIED: 12, CONTINUING: 24, CLOSED: 12 },
    // Its members are co-operatives (事業協同組合) and the firms in them.
    industries: { Q: 30, E: 1.5, D: 1.3, H: 1.3 },
    saturday: 0,
    number: (fy, n) => `CHK${fy}-${pad(n, 4)}`,
    staff: 4,
  },
  {
    id: 'hyogo-shokokai',
    name: '兵庫県商工会連合会',
    shortName: '商工会',
    region: 'hyogo',
    volume: 12000,
    repeat: 3,
    channels: { COUNTER: 35, PHONE: 22, VISIT: 35, ONLINE: 8 },
    topics: { MANAGEMENT: 35, FINANCE: 30, SUCCESSION: 15, SALES: 8, LABOR: 6, DX: 4, DISASTER: 2 },
    outcomes: { ADVISED: 45, REFERRED: 4, APPLIED: 16, CONTINUING: 25, CLOSED: 10 },
    // 商工会 serve the towns and the former towns merged into cities that still have no chamber.
    area: (m) => (m.cci ? (KOBE(m) ? 0.02 : 0.12) : 1),
    saturday: 0.005,
    number: (fy, n) => `SKR${fy}-${pad(n, 5)}`,
    staff: 9,
  },
  {
    id: 'hyogo-koyo',
    name: '一般財団法人兵庫県雇用開発協会',
    shortName: '兵庫県雇用開発協会',
    region: 'hyogo',
    volume: 3000,
    repeat: 2.2,
    channels: EMPLOYMENT_CHANNELS,
    topics: { EMPLOYMENT: 75, LABOR: 25 },
    outcomes: { ADVISED: 45, REFERRED: 5, APPLIED: 20, CONTINUING: 18, CLOSED: 12 },
    industries: { P: 2, E: 1.5, H: 1.3 },
    saturday: 0,
    number: (fy, n) => `KOYO-${yy(fy)}-${pad(n, 4)}`,
    staff: 4,
  },
  {
    id: 'jeed-hyogo',
    name: '独立行政法人高齢・障害・求職者雇用支援機構 兵庫支部',
    shortName: '高齢・障害・求職者雇用支援機構 兵庫支部',
    region: 'hyogo',
    volume: 2500,
    repeat: 2.2,
    channels: EMPLOYMENT_CHANNELS,
    topics: { EMPLOYMENT: 80, LABOR: 15, DX: 5 },
    outcomes: { ADVISED: 45, REFERRED: 4, APPLIED: 20, CONTINUING: 19, CLOSED: 12 },
    industries: { P: 2, E: 1.8, H: 1.3 },
    saturday: 0,
    number: (fy, n) => `JEED28-${fy}-${pad(n, 4)}`,
    staff: 4,
  },
  {
    id: 'hyogo-vada',
    name: '兵庫県職業能力開発協会',
    shortName: '兵庫県職業能力開発協会',
    region: 'hyogo',
    volume: 1500,
    repeat: 2,
    channels: EMPLOYMENT_CHANNELS,
    topics: { EMPLOYMENT: 90, LABOR: 10 },
    outcomes: { ADVISED: 45, REFERRED: 4, APPLIED: 22, CONTINUING: 15, CLOSED: 14 },
    industries: { E: 2, D: 1.5 },
    saturday: 0.01,
    number: (fy, n) => `VADA${yy(fy)}${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'akashi-ipf',
    name: '一般財団法人明石市産業振興財団',
    shortName: '明石市産業振興財団',
    region: 'hyogo',
    volume: 2000,
    repeat: 2.5,
    channels: GENERAL_CHANNELS,
    topics: { MANAGEMENT: 30, STARTUP: 20, SALES: 20, FINANCE: 10, TECHNOLOGY: 10, DX: 10 },
    outcomes: { ADVISED: 46, REFERRED: 4.5, APPLIED: 10, CONTINUING: 27, CLOSED: 12.5 },
    area: (m) =>
      m.code === '282031' ? 1 : ['282103', '283819', '283827', '281115', '281085'].includes(m.code) ? 0.05 : 0.005,
    saturday: 0.02,
    number: (fy, n) => `AIPF-${fy}-${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'amagasaki-ipo',
    name: '公益財団法人尼崎地域産業活性化機構',
    shortName: '尼崎地域産業活性化機構',
    region: 'hyogo',
    volume: 2500,
    repeat: 2.5,
    channels: GENERAL_CHANNELS,
    topics: { TECHNOLOGY: 25, MANAGEMENT: 25, SALES: 15, STARTUP: 10, ENVIRONMENT: 10, DX: 10, EMPLOYMENT: 5 },
    outcomes: { ADVISED: 45, REFERRED: 4.5, APPLIED: 9, CONTINUING: 27, CLOSED: 14.5 },
    industries: { E: 2 },
    area: (m) => (m.code === '282022' ? 1 : ['282049', '282073'].includes(m.code) ? 0.05 : 0.005),
    saturday: 0,
    number: (fy, n) => `AIPO-${yy(fy)}-${pad(n, 4)}`,
    staff: 3,
  },
  {
    id: 'toshima-bizsapo',
    name: 'としまビジネスサポートセンター',
    shortName: 'としまビジネスサポートセンター',
    region: 'toshima',
    volume: 6000,
    repeat: 2.5,
    // One counter in the ward office building: people come in.
    channels: { COUNTER: 75, ONLINE: 15, PHONE: 8, VISIT: 2 },
    topics: { FINANCE: 28, STARTUP: 25, SALES: 30, LABOR: 12, MANAGEMENT: 8, DX: 4 },
    // f-Biz style: keep working with the firm until something sells.
    outcomes: { ADVISED: 38, REFERRED: 4, APPLIED: 8, CONTINUING: 42, CLOSED: 8 },
    saturday: 0.02,
    // The ward writes its fiscal year in 令和.
    number: (fy, n) => `TBS-R${fy - 2018}-${pad(n, 4)}`,
    staff: 5,
  },
];

export const CONSULTATION_AGENCIES: readonly { id: string; name: string }[] = AGENCIES.map(({ id, name }) => ({
  id,
  name,
}));

/** Partners the Toshima counter refers firms to; they are not members of the Hyogo network. */
export const REFERRAL_PARTNERS: readonly { id: string; name: string }[] = [
  { id: 'toshima-city', name: '豊島区' },
  { id: 'sugamo-sbiz', name: '巣鴨信用金庫' },
  { id: 'fuji-fbiz', name: '富士市産業支援センター(f-Biz)' },
];

const PARTNER_NAMES = new Map(REFERRAL_PARTNERS.map((p) => [p.id, p.name]));
const AGENCY_INDEX = new Map(AGENCIES.map((a, i) => [a.id, i]));

// Where a consultation is sent when the question belongs elsewhere, by its first topic.
const HYOGO_REFERRALS: Record<SupportFieldCode, Weights<string>> = {
  TECHNOLOGY: { 'hyogo-itc': 6, niro: 1, ampi: 1, 'hyogo-hsta': 0.5, 'amagasaki-ipo': 0.5 },
  MANAGEMENT: { 'hyogo-iac': 4, 'hyogo-cci': 2, 'hyogo-shokokai': 2, 'kobe-ipf': 1 },
  FINANCE: { 'hyogo-cgc': 8, 'hyogo-iac': 1 },
  EMPLOYMENT: { 'hyogo-koyo': 3, 'jeed-hyogo': 2, 'hyogo-vada': 1 },
  SALES: { 'hyogo-iac': 4, 'hyogo-kogyokai': 1, 'kobe-ipf': 1.5 },
  STARTUP: { 'hyogo-iac': 3, 'kobe-ipf': 2, 'akashi-ipf': 1, fbri: 0.3 },
  LABOR: { 'hyogo-chuokai': 2, 'hyogo-koyo': 2, 'hyogo-cci': 1 },
  IP: { 'hyogo-jiii': 8, niro: 1 },
  SUCCESSION: { 'hyogo-iac': 5, 'hyogo-cci': 1, 'hyogo-shokokai': 1 },
  DX: { 'hyogo-iac': 4, 'hyogo-itc': 1 },
  OVERSEAS: { 'hyogo-iac': 5, 'kobe-ipf': 1 },
  ENVIRONMENT: { 'hyogo-itc': 2, niro: 2, 'hyogo-hsta': 1 },
  DISASTER: { 'hyogo-iac': 2, 'hyogo-cci': 2, 'hyogo-shokokai': 1 },
};

const TOSHIMA_REFERRALS: Partial<Record<SupportFieldCode, Weights<string>>> = {
  FINANCE: { 'sugamo-sbiz': 5, 'toshima-city': 3 },
  STARTUP: { 'toshima-city': 3, 'sugamo-sbiz': 2 },
  SALES: { 'sugamo-sbiz': 4, 'toshima-city': 1, 'fuji-fbiz': 0.3 },
  LABOR: { 'toshima-city': 2, 'sugamo-sbiz': 0.5 },
};
const TOSHIMA_REFERRAL_DEFAULT: Weights<string> = { 'toshima-city': 2, 'sugamo-sbiz': 1, 'fuji-fbiz': 0.2 };

// ---------------------------------------------------------------------------------------------
// Firms
// ---------------------------------------------------------------------------------------------

// Firms that come to support counters: the SME population with manufacturers over-represented.
const HYOGO_INDUSTRIES: Weights<JsicDivision> = {
  E: 16,
  I: 20,
  D: 10,
  M: 10,
  L: 6,
  G: 2.5,
  N: 7,
  P: 6,
  H: 3,
  K: 5,
  R: 6,
  O: 2,
  J: 1,
  A: 1.2,
  B: 0.4,
  C: 0.1,
  F: 0.3,
  Q: 0.6,
  T: 0.4,
};
const TOSHIMA_INDUSTRIES: Weights<JsicDivision> = {
  E: 6,
  I: 20,
  D: 6,
  M: 14,
  L: 10,
  G: 9,
  N: 10,
  P: 6,
  H: 2,
  K: 7,
  R: 6,
  O: 3,
  J: 1.5,
  F: 0.2,
  Q: 0.2,
  T: 0.5,
};

// Share of firms that are companies rather than sole proprietors, by industry.
const INCORPORATED: Record<JsicDivision, number> = {
  A: 0.35,
  B: 0.3,
  C: 0.9,
  D: 0.6,
  E: 0.8,
  F: 0.9,
  G: 0.82,
  H: 0.82,
  I: 0.56,
  J: 0.68,
  K: 0.7,
  L: 0.56,
  M: 0.32,
  N: 0.32,
  O: 0.42,
  P: 0.65,
  Q: 1,
  R: 0.56,
  S: 1,
  T: 0.5,
};

// 中小企業基本法's employee ceilings: 300 for makers and most others, 100 wholesale and services.
const EMPLOYEE_CEILING: Record<JsicDivision, number> = {
  A: 300,
  B: 300,
  C: 300,
  D: 300,
  E: 300,
  F: 300,
  G: 300,
  H: 300,
  I: 100,
  J: 300,
  K: 300,
  L: 100,
  M: 100,
  N: 100,
  O: 100,
  P: 100,
  Q: 300,
  R: 100,
  S: 300,
  T: 100,
};

const FAMILY = [
  '田中',
  '山本',
  '中村',
  '小林',
  '松本',
  '井上',
  '山田',
  '藤原',
  '前田',
  '岡田',
  '高橋',
  '佐藤',
  '鈴木',
  '伊藤',
  '渡辺',
  '加藤',
  '吉田',
  '山口',
  '森',
  '池田',
  '橋本',
  '西村',
  '藤井',
  '大西',
  '松田',
  '谷口',
  '村上',
  '岡本',
  '福田',
  '坂本',
  '石田',
  '小西',
  '上田',
  '竹内',
  '長谷川',
  '久保',
  '堀',
  '安田',
  '中西',
  '北村',
  '吉川',
  '森本',
  '原田',
  '平田',
  '内田',
  '足立',
  '藤田',
  '三宅',
  '河野',
  '岩崎',
  '西川',
  '今井',
  '野村',
  '大塚',
  '木村',
  '清水',
];
const GIVEN = [
  '健一',
  '誠',
  '浩二',
  '直樹',
  '裕子',
  '美紀',
  '恵子',
  '大輔',
  '拓也',
  '由美',
  '真理子',
  '修',
  '隆',
  '和也',
  '智子',
  '彩',
  '翔太',
  '亮',
  '恵美',
  '聡',
  '優子',
  '剛',
  '陽子',
  '康弘',
  'さやか',
  '正人',
  '千尋',
  '洋平',
];
const KANJI_COMMON = [
  '東洋',
  '大和',
  '旭',
  '光',
  '日進',
  '昭和',
  '新栄',
  '三協',
  '丸栄',
  '大成',
  '共栄',
  '明和',
  '協和',
  '第一',
  '中央',
  '太陽',
  '富士',
  '双葉',
  '松栄',
  '日光',
  '宝',
  '若葉',
  '菊水',
  '三和',
  '平和',
  '永和',
  '大栄',
  '東亜',
];
const KANJI_HYOGO = [
  '神港',
  '播州',
  '但馬',
  '淡路',
  '摂津',
  '阪神',
  '六甲',
  '須磨',
  '明石',
  '西播',
  '北摂',
  '姫路',
  '丹波',
  '瀬戸内',
  '湊川',
  '舞子',
  '加古川',
  '龍野',
  '赤穂',
  '灘',
  '尼崎',
  '兵庫',
  '有馬',
  '東播',
];
const KANJI_TOSHIMA = [
  '池袋',
  '目白',
  '巣鴨',
  '大塚',
  '駒込',
  '豊島',
  '椎名町',
  '要町',
  '城北',
  '武蔵',
  '江戸',
  '東京',
];
const KATAKANA = [
  'アクア',
  'アルファ',
  'ウィズ',
  'エール',
  'オーク',
  'クレスト',
  'グリーン',
  'サンライズ',
  'ステラ',
  'ソレイユ',
  'ネクスト',
  'ノア',
  'ハーモニー',
  'フォレスト',
  'ブリッジ',
  'ベイ',
  'ポート',
  'ミライ',
  'ライト',
  'リンク',
  'ルーツ',
  'コスモ',
  'シーサイド',
  'マリン',
  'ハーバー',
  'スマイル',
  'ジョイ',
  'アスト',
  'ラルゴ',
  'プラム',
];
const HIRAGANA = [
  'みどり',
  'さくら',
  'ひまわり',
  'こはる',
  'つばめ',
  'あおい',
  'すずらん',
  'はな',
  'ことり',
  'まる',
  'やまびこ',
  'かもめ',
  'いろは',
  'ふくろう',
  'わかば',
  'ひだまり',
];

/** A name pattern: `*` is replaced by a stem of one of the kinds (f family, k kanji, a katakana, h hiragana). */
type Pattern = readonly [template: string, stems: string];
interface Trade {
  corp: readonly Pattern[];
  sole: readonly Pattern[];
}

const TRADES: Record<JsicDivision, Trade> = {
  A: {
    corp: [
      ['*農園', 'fk'],
      ['*ファーム', 'ah'],
      ['*アグリ', 'a'],
    ],
    sole: [
      ['*農園', 'f'],
      ['*果樹園', 'f'],
    ],
  },
  B: {
    corp: [
      ['*水産', 'fk'],
      ['*海産', 'k'],
    ],
    sole: [
      ['*水産', 'f'],
      ['*漁業', 'f'],
    ],
  },
  C: {
    corp: [
      ['*砕石', 'k'],
      ['*鉱業', 'k'],
    ],
    sole: [['*砂利', 'f']],
  },
  D: {
    corp: [
      ['*建設', 'fk'],
      ['*工務店', 'f'],
      ['*組', 'f'],
      ['*建工', 'fk'],
      ['*設備', 'fk'],
      ['*電設', 'fk'],
      ['*塗装', 'fk'],
      ['*土木', 'fk'],
      ['*住建', 'fk'],
      ['*興業', 'fk'],
      ['*ホーム', 'ka'],
    ],
    sole: [
      ['*塗装', 'f'],
      ['*工務店', 'f'],
      ['*電気工事', 'f'],
      ['*左官', 'f'],
      ['*設備', 'f'],
      ['*内装', 'f'],
      ['*板金', 'f'],
      ['*造園', 'f'],
    ],
  },
  E: {
    corp: [
      ['*製作所', 'fk'],
      ['*工業', 'fk'],
      ['*精機', 'fka'],
      ['*金属', 'fk'],
      ['*化成', 'k'],
      ['*鉄工所', 'fk'],
      ['*精工', 'fk'],
      ['*工作所', 'f'],
      ['*食品', 'fk'],
      ['*製菓', 'fkh'],
      ['*印刷', 'fk'],
      ['*ゴム', 'fk'],
      ['*電機', 'fk'],
      ['*機械', 'k'],
      ['*技研', 'ka'],
      ['*酒造', 'fk'],
      ['*化学', 'k'],
      ['*シューズ', 'a'],
      ['*テック', 'a'],
      ['*産業', 'fk'],
      ['*紙器', 'fk'],
      ['*縫製', 'fk'],
    ],
    sole: [
      ['*製作所', 'f'],
      ['*鉄工所', 'f'],
      ['*製菓', 'fh'],
      ['*工房', 'fh'],
      ['*木工所', 'f'],
      ['*表具店', 'f'],
      ['*刃物', 'f'],
    ],
  },
  F: {
    corp: [
      ['*エネルギー', 'ka'],
      ['*電力', 'k'],
    ],
    sole: [['*ソーラー', 'f']],
  },
  G: {
    corp: [
      ['*システム', 'ka'],
      ['*ソフト', 'a'],
      ['*ソリューションズ', 'a'],
      ['*ラボ', 'a'],
      ['*ネット', 'ka'],
      ['*テクノロジーズ', 'a'],
      ['*情報', 'k'],
      ['*メディア', 'a'],
    ],
    sole: [
      ['*ウェブ工房', 'ah'],
      ['*システム開発', 'f'],
      ['*映像制作', 'f'],
      ['*デザインラボ', 'a'],
    ],
  },
  H: {
    corp: [
      ['*運送', 'fk'],
      ['*運輸', 'fk'],
      ['*物流', 'ka'],
      ['*急送', 'k'],
      ['*ロジスティクス', 'a'],
      ['*海運', 'k'],
    ],
    sole: [
      ['*運送', 'f'],
      ['*軽貨物', 'f'],
    ],
  },
  I: {
    corp: [
      ['*商店', 'f'],
      ['*商事', 'fk'],
      ['*物産', 'k'],
      ['*商会', 'fk'],
      ['*販売', 'k'],
      ['*トレーディング', 'a'],
      ['*薬局', 'kh'],
      ['*酒店', 'f'],
      ['*茶舗', 'f'],
      ['*ストアー', 'a'],
    ],
    sole: [
      ['*商店', 'f'],
      ['*酒店', 'f'],
      ['*青果', 'f'],
      ['*鮮魚店', 'f'],
      ['*呉服店', 'f'],
      ['*米穀店', 'f'],
      ['*文具店', 'f'],
      ['*時計店', 'f'],
      ['雑貨*', 'ha'],
      ['*精肉店', 'f'],
    ],
  },
  J: {
    corp: [
      ['*保険サービス', 'k'],
      ['*ファイナンス', 'a'],
    ],
    sole: [['*保険事務所', 'f']],
  },
  K: {
    corp: [
      ['*不動産', 'fk'],
      ['*地所', 'fk'],
      ['*ハウジング', 'a'],
      ['*リース', 'k'],
      ['*エステート', 'a'],
      ['*管財', 'k'],
    ],
    sole: [
      ['*不動産', 'f'],
      ['*レンタル', 'a'],
    ],
  },
  L: {
    corp: [
      ['*設計', 'fk'],
      ['*コンサルティング', 'a'],
      ['*デザイン', 'a'],
      ['*測量', 'k'],
      ['*技術研究所', 'k'],
      ['*エンジニアリング', 'ka'],
    ],
    sole: [
      ['*設計事務所', 'f'],
      ['*デザイン事務所', 'f'],
      ['*技術士事務所', 'f'],
      ['*行政書士事務所', 'f'],
      ['*税理士事務所', 'f'],
      ['*デザイン室', 'a'],
    ],
  },
  M: {
    corp: [
      ['*フーズ', 'ka'],
      ['*旅館', 'fk'],
      ['*観光', 'k'],
      ['*ダイニング', 'a'],
      ['*亭', 'kh'],
    ],
    sole: [
      ['カフェ*', 'ah'],
      ['喫茶*', 'ah'],
      ['食堂*', 'h'],
      ['お好み焼き*', 'h'],
      ['*食堂', 'f'],
      ['*亭', 'h'],
      ['居酒屋*', 'h'],
      ['ベーカリー*', 'a'],
      ['*うどん', 'f'],
      ['ラーメン*', 'h'],
      ['*寿司', 'f'],
      ['たこ焼き*', 'h'],
    ],
  },
  N: {
    corp: [
      ['*クリーニング', 'ka'],
      ['*ビューティー', 'a'],
      ['*トラベル', 'a'],
      ['*葬祭', 'k'],
      ['*ライフ', 'a'],
    ],
    sole: [
      ['美容室*', 'ah'],
      ['ヘアサロン*', 'a'],
      ['*理容', 'f'],
      ['*クリーニング店', 'f'],
      ['*湯', 'kh'],
      ['整体院*', 'h'],
      ['ネイルサロン*', 'a'],
      ['*写真館', 'f'],
    ],
  },
  O: {
    corp: [
      ['*アカデミー', 'a'],
      ['*教育', 'k'],
      ['*ゼミナール', 'k'],
    ],
    sole: [
      ['*塾', 'fh'],
      ['*ピアノ教室', 'fh'],
      ['*書道教室', 'f'],
      ['英会話*', 'a'],
      ['*そろばん教室', 'f'],
    ],
  },
  P: {
    corp: [
      ['*ケアサービス', 'ka'],
      ['*介護サービス', 'k'],
      ['*メディカル', 'a'],
      ['*福祉サービス', 'k'],
    ],
    sole: [
      ['*鍼灸院', 'f'],
      ['*整骨院', 'f'],
      ['訪問看護ステーション*', 'h'],
      ['*治療院', 'f'],
      ['*歯科医院', 'f'],
      ['デイサービス*', 'h'],
    ],
  },
  // 複合サービス here means co-operatives: named without a company form.
  Q: {
    corp: [
      ['*事業協同組合', 'k'],
      ['*協同組合', 'k'],
    ],
    sole: [['*協同組合', 'k']],
  },
  R: {
    corp: [
      ['*サービス', 'ka'],
      ['*企画', 'k'],
      ['*ビルメンテナンス', 'k'],
      ['*警備保障', 'k'],
      ['*リサイクル', 'k'],
    ],
    sole: [
      ['*企画', 'f'],
      ['*サービス', 'f'],
      ['*リサイクル', 'f'],
    ],
  },
  S: { corp: [['*サービス', 'k']], sole: [['*サービス', 'f']] },
  T: {
    corp: [
      ['*企画', 'k'],
      ['*', 'a'],
    ],
    sole: [['*企画', 'f']],
  },
};

interface Firm {
  region: Region;
  muni: DemoMunicipality;
  industry: JsicDivision;
  corporateNumber: string | null;
  name: string;
  employees: number;
  /** How often this firm asks for help at all; larger firms and a few heavy users ask more. */
  intensity: number;
  agencies: number[];
  /** Numbers the firms in order of creation; seeds the firm's own phone and address. */
  serial: number;
  contact?: FirmContact;
}

function stem(rng: Rng, kinds: string, region: Region): string {
  switch (kinds[randInt(rng, kinds.length)]) {
    case 'f':
      return pick(rng, FAMILY);
    case 'k':
      return rng() < 0.45 ? pick(rng, region === 'hyogo' ? KANJI_HYOGO : KANJI_TOSHIMA) : pick(rng, KANJI_COMMON);
    case 'a':
      return pick(rng, KATAKANA);
    default:
      return pick(rng, HIRAGANA);
  }
}

type LegalForm = '株式会社' | '有限会社' | '合同会社' | '協同組合';

function firmName(rng: Rng, industry: JsicDivision, region: Region, form: LegalForm | null): string {
  const trade = TRADES[industry];
  if (form === null) {
    // CRMs list many sole proprietors under the owner's own name rather than a 屋号.
    if (rng() < 0.15) return `${pick(rng, FAMILY)}\u3000${pick(rng, GIVEN)}`;
    const [template, kinds] = pick(rng, trade.sole);
    return template.replace('*', stem(rng, kinds, region));
  }
  const [template, kinds] = pick(rng, trade.corp);
  const body = template.replace('*', stem(rng, kinds, region));
  if (form === '協同組合') return body;
  if (form === '合同会社' || rng() < 0.55) return form + body;
  return body + form;
}

function legalForm(rng: Rng, industry: JsicDivision): LegalForm {
  if (industry === 'Q') return '協同組合';
  const young = industry === 'G' || industry === 'L' || industry === 'M' || industry === 'N';
  const x = rng();
  if (x < (young ? 0.22 : 0.1)) return '合同会社';
  if (x < (young ? 0.32 : 0.27)) return '有限会社';
  return '株式会社';
}

// 会社法人等番号 = registry office (4) + kind (2) + serial (6); offices are plausible, not real.
const REGISTRY_OFFICES: Record<Area, readonly string[]> = {
  kobe: ['1400'],
  hanshin: ['1401', '1404'],
  harima: ['1402', '1405', '1406'],
  tajima: ['1407'],
  tanba: ['1408'],
  awaji: ['1409'],
  tokyo: ['0113', '0110', '0111'],
};
const REGISTRY_KIND: Record<LegalForm, string> = { 株式会社: '01', 有限会社: '02', 合同会社: '03', 協同組合: '05' };

function corporateNumber(rng: Rng, area: Area, form: LegalForm, used: Set<string>): string {
  for (;;) {
    const base = pick(rng, REGISTRY_OFFICES[area]) + REGISTRY_KIND[form] + pad(randInt(rng, 1_000_000), 6);
    if (used.has(base)) continue;
    used.add(base);
    return String(corporateNumberCheckDigit(base)) + base;
  }
}

function employeesOf(rng: Rng, industry: JsicDivision, incorporated: boolean): number {
  const median = incorporated ? (industry === 'E' || industry === 'H' ? 11 : 6) : 2;
  const sigma = incorporated ? 1.2 : 0.7;
  const n = Math.round(median * Math.exp(sigma * gaussian(rng)));
  return Math.min(Math.max(n, 1), incorporated ? EMPLOYEE_CEILING[industry] : 30);
}

function createFirms(rng: Rng, count: number, region: Region, firstSerial: number): Firm[] {
  const municipalities = new Weighted(
    (region === 'hyogo' ? HYOGO_MUNICIPALITIES : TOSHIMA_MUNICIPALITIES).map((m) => [m, m.weight] as const),
  );
  const industries = weightedOf(region === 'hyogo' ? HYOGO_INDUSTRIES : TOSHIMA_INDUSTRIES);
  const used = new Set<string>();
  const firms: Firm[] = [];
  for (let i = 0; i < count; i++) {
    const m = municipalities.pick(rng);
    const industry = industries.pick(rng);
    const incorporated = rng() < INCORPORATED[industry];
    const form = incorporated ? legalForm(rng, industry) : null;
    const employees = employeesOf(rng, industry, incorporated);
    firms.push({
      region,
      muni: m,
      industry,
      corporateNumber: form ? corporateNumber(rng, m.area, form, used) : null,
      name: firmName(rng, industry, region, form),
      employees,
      // Clipped so that no firm turns up more than a few dozen times in a year.
      intensity: Math.exp(0.8 * Math.max(-2.5, Math.min(2.5, gaussian(rng)))) * (1 + 0.35 * Math.log10(employees)),
      agencies: [],
      serial: firstSerial + i,
    });
  }
  return firms;
}

// ---------------------------------------------------------------------------------------------
// Which firms go to which agencies
// ---------------------------------------------------------------------------------------------

function affinity(agency: AgencySpec, industry: JsicDivision, m: DemoMunicipality): number {
  if ((agency.region === 'toshima') !== (m.area === 'tokyo')) return 0;
  const ind = agency.industries?.[industry] ?? agency.industryDefault ?? 1;
  return ind * (agency.area ? agency.area(m) : 1);
}

/**
 * Gives every firm one to three agencies. The per-agency constants are calibrated (iterative
 * proportional fitting over the firms' industry × municipality mix) so that each agency ends up
 * with about the number of client firms its volume and repeat rate imply, whatever the filters.
 */
function assignAgencies(rng: Rng, firms: Firm[], volumes: number[]): void {
  interface Combo {
    muni: DemoMunicipality;
    count: number;
    /** Affinity of each agency for this industry × municipality. */
    aff: number[];
    /** Calibrated choice weights over the region's agencies. */
    weights: number[];
  }
  const combos = new Map<string, Combo>();
  for (const f of firms) {
    const key = f.industry + f.muni.code;
    let c = combos.get(key);
    if (!c) {
      c = { muni: f.muni, count: 0, aff: AGENCIES.map((a) => affinity(a, f.industry, f.muni)), weights: [] };
      combos.set(key, c);
    }
    c.count++;
  }

  for (const region of ['hyogo', 'toshima'] as const) {
    const members = AGENCIES.map((_, i) => i).filter((i) => AGENCIES[i].region === region && volumes[i] > 0);
    if (members.length === 0) continue;
    const regionCombos = [...combos.values()].filter((c) => (c.muni.area === 'tokyo') === (region === 'toshima'));
    const firmCount = regionCombos.reduce((s, c) => s + c.count, 0);
    const wanted = members.map((i) => volumes[i] / AGENCIES[i].repeat);
    const wantedSum = wanted.reduce((s, x) => s + x, 0);
    const m = members.length;
    const base = new Float64Array(m).fill(1);
    const expected = new Float64Array(m);
    const aff = regionCombos.map((c) => Float64Array.from(members, (i) => c.aff[i]));
    // Converges in a handful of rounds; stop once no agency is off its target by more than 0.5%.
    for (let iter = 0, worst = Infinity; iter < 30 && worst > 0.005; iter++) {
      expected.fill(0);
      regionCombos.forEach((c, n) => {
        const a = aff[n];
        let denom = 0;
        for (let k = 0; k < m; k++) denom += base[k] * a[k];
        if (denom === 0) return;
        const scale = c.count / denom;
        for (let k = 0; k < m; k++) expected[k] += scale * base[k] * a[k];
      });
      worst = 0;
      for (let k = 0; k < m; k++) {
        if (expected[k] <= 0) continue;
        const factor = ((wanted[k] / wantedSum) * firmCount) / expected[k];
        worst = Math.max(worst, Math.abs(factor - 1));
        base[k] *= factor;
      }
    }
    for (const c of regionCombos) c.weights = members.map((i, k) => base[k] * c.aff[i]);

    const weights = new Float64Array(members.length);
    // Draws one agency not yet chosen; false when none is left.
    const choose = (f: Firm): boolean => {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k];
      if (sum <= 0) return false;
      let x = rng() * sum;
      let k = 0;
      while (k < weights.length - 1 && (x >= weights[k] || weights[k] === 0)) x -= weights[k++];
      weights[k] = 0;
      f.agencies.push(members[k]);
      return true;
    };
    for (const f of firms) {
      if (f.region !== region) continue;
      const own = combos.get(f.industry + f.muni.code)!.weights;
      for (let k = 0; k < own.length; k++) weights[k] = own[k];
      if (!choose(f)) continue;
      // Companies are more often known to a second agency than sole proprietors are.
      if (rng() < (f.corporateNumber ? 0.115 : 0.06) && choose(f) && rng() < 0.2) choose(f);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar: business days of the fiscal year, Japanese public holidays computed, not listed,
// so any fiscal year works.
// ---------------------------------------------------------------------------------------------

interface Day {
  label: string; // YYYY/MM/DD
  month: number; // 1..12
  weekday: number; // 0 Sunday
  /** Days since 1 April: rows sort on it without parsing dates. */
  ordinal: number;
}

function nthMonday(year: number, month: number, nth: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((8 - first) % 7) + (nth - 1) * 7;
}

function holidays(year: number): Set<string> {
  const key = (m: number, d: number) => `${m}-${d}`;
  const spring = Math.floor(20.8431 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4));
  const autumn = Math.floor(23.2488 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4));
  const fixed = [
    key(1, 1),
    key(1, nthMonday(year, 1, 2)),
    key(2, 11),
    key(2, 23),
    key(3, spring),
    key(4, 29),
    key(5, 3),
    key(5, 4),
    key(5, 5),
    key(7, nthMonday(year, 7, 3)),
    key(8, 11),
    key(9, nthMonday(year, 9, 3)),
    key(9, autumn),
    key(10, nthMonday(year, 10, 2)),
    key(11, 3),
    key(11, 23),
  ];
  const set = new Set(fixed);
  // 振替休日: a holiday on a Sunday moves to the next day that is not already a holiday.
  for (const k of fixed) {
    const [m, d] = k.split('-').map(Number);
    if (new Date(Date.UTC(year, m - 1, d)).getUTCDay() !== 0) continue;
    let next = new Date(Date.UTC(year, m - 1, d + 1));
    while (set.has(key(next.getUTCMonth() + 1, next.getUTCDate()))) next = new Date(next.getTime() + 86_400_000);
    set.add(key(next.getUTCMonth() + 1, next.getUTCDate()));
  }
  // 国民の休日: a weekday between two holidays (September in some years).
  const between = new Date(Date.UTC(year, 8, autumn - 1));
  if (set.has(key(9, autumn - 2)) && between.getUTCDay() !== 0) set.add(key(9, autumn - 1));
  return set;
}

interface Calendar {
  weekdays: Day[];
  saturdays: Day[];
}

function buildCalendar(fiscalYear: number): Calendar {
  const off = new Map([fiscalYear, fiscalYear + 1].map((y) => [y, holidays(y)]));
  const weekdays: Day[] = [];
  const saturdays: Day[] = [];
  const start = Date.UTC(fiscalYear, 3, 1);
  const end = Date.UTC(fiscalYear + 1, 3, 1);
  for (let t = start; t < end; t += 86_400_000) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const weekday = d.getUTCDay();
    // Public offices close for the year end (29 Dec – 3 Jan) and on public holidays.
    if ((m === 12 && day >= 29) || (m === 1 && day <= 3) || off.get(y)!.has(`${m}-${day}`)) continue;
    const entry: Day = {
      label: `${y}/${pad(m, 2)}/${pad(day, 2)}`,
      month: m,
      weekday,
      ordinal: (t - start) / 86_400_000,
    };
    if (weekday >= 1 && weekday <= 5) weekdays.push(entry);
    else if (weekday === 6) saturdays.push(entry);
  }
  return { weekdays, saturdays };
}

type Season = 'general' | 'subsidy' | 'finance' | 'employment';

// Monthly intensity, April first. Subsidy calls open in spring; money is tight before the
// year end and the fiscal year end; hiring questions follow the graduate cycle; August is お盆.
const SEASONS: Record<Season, readonly number[]> = {
  general: [1.05, 1.05, 1.05, 1.0, 0.75, 0.95, 1.0, 0.95, 0.9, 0.85, 1.0, 1.0],
  subsidy: [1.35, 1.3, 1.15, 0.95, 0.7, 0.9, 0.95, 0.9, 0.8, 0.85, 0.95, 1.0],
  finance: [0.95, 0.9, 0.95, 0.95, 0.8, 1.0, 0.95, 1.05, 1.4, 0.85, 1.05, 1.4],
  employment: [1.15, 1.0, 1.0, 1.0, 0.75, 1.0, 1.1, 1.0, 0.85, 0.95, 1.05, 1.1],
};
const SEASON_OF: Record<SupportFieldCode, Season> = {
  TECHNOLOGY: 'general',
  MANAGEMENT: 'subsidy',
  FINANCE: 'finance',
  EMPLOYMENT: 'employment',
  SALES: 'subsidy',
  STARTUP: 'subsidy',
  LABOR: 'employment',
  IP: 'general',
  SUCCESSION: 'general',
  DX: 'subsidy',
  OVERSEAS: 'general',
  ENVIRONMENT: 'general',
  DISASTER: 'general',
};
// Mondays bring the weekend's worries; Friday afternoons are quiet.
const WEEKDAY_FACTOR = [0, 1.1, 1.0, 1.0, 1.0, 0.9, 0];

type DayPicker = Weighted<Day>;

function dayPickers(calendar: Calendar): Record<Season, DayPicker> {
  const make = (season: Season) =>
    new Weighted(
      calendar.weekdays.map((d) => [d, SEASONS[season][(d.month + 8) % 12] * WEEKDAY_FACTOR[d.weekday]] as const),
    );
  return {
    general: make('general'),
    subsidy: make('subsidy'),
    finance: make('finance'),
    employment: make('employment'),
  };
}

// Counters open 9:00–17:30; late morning and early afternoon are busiest.
const HOURS = new Weighted<number>([
  [9, 0.6],
  [10, 1.2],
  [11, 1.1],
  [12, 0.45],
  [13, 1.0],
  [14, 1.2],
  [15, 1.1],
  [16, 0.8],
  [17, 0.25],
]);

const TIME_LABELS = Array.from({ length: 24 * 60 }, (_, m) => `${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`);

/** Minutes since midnight. */
function timeOfDay(rng: Rng): number {
  const hour = HOURS.pick(rng);
  let minute = hour === 17 ? randInt(rng, 31) : randInt(rng, 60);
  // Appointments are booked on the quarter hour.
  if (rng() < 0.3 && hour < 17) minute -= minute % 15;
  return hour * 60 + minute;
}

// ---------------------------------------------------------------------------------------------
// Summaries (相談概要): templates per topic with slots; a few carry amounts with commas, a quoted
// brand name or a second line, as staff-typed notes do.
// ---------------------------------------------------------------------------------------------

type Slots = Record<string, readonly string[]>;

const SLOTS: Slots = {
  defect: ['変色', '腐食', '割れ', '異物混入', '寸法不良', '強度不足', '異臭', '塗膜の剥離', 'ばり'],
  test: [
    '成分分析',
    '引張試験',
    '硬さ試験',
    '電子顕微鏡観察',
    '塩水噴霧試験',
    '温湿度サイクル試験',
    '振動試験',
    '蛍光X線分析',
    '三次元測定',
    '耐候性試験',
  ],
  material: [
    'ステンレス',
    'アルミ合金',
    '炭素鋼',
    'チタン',
    'ポリプロピレン',
    'セラミックス',
    '炭素繊維複合材',
    '銅合金',
  ],
  equipment: ['協働ロボット', '画像検査装置', 'ファイバーレーザー加工機', '3Dプリンター', 'IoTセンサー', 'AGV'],
  plan: ['経営革新計画', '経営力向上計画', '事業計画', '経営改善計画', '先端設備等導入計画'],
  amount: ['300万円', '500万円', '800万円', '1,000万円', '1,500万円', '2,000万円', '3,000万円', '5,000万円'],
  sales: ['2,400万円', '4,800万円', '8,500万円', '1億2,000万円', '3億5,000万円', '6,300万円'],
  pct: ['5', '8', '10', '12', '15', '20', '30'],
  subsidy: [
    'ものづくり補助金',
    '小規模事業者持続化補助金',
    '新事業進出補助金',
    '中小企業省力化投資補助金',
    '県の新分野進出支援補助金',
  ],
  itSubsidy: ['IT導入補助金', 'デジタル化・AI導入補助金', '小規模事業者持続化補助金'],
  grant: [
    'キャリアアップ助成金',
    '人材開発支援助成金',
    '業務改善助成金',
    '特定求職者雇用開発助成金',
    '65歳超雇用推進助成金',
  ],
  role: [
    '製造スタッフ',
    '技術者',
    '介護職員',
    '調理スタッフ',
    '営業職',
    'ドライバー',
    '施工管理技士',
    '事務職',
    '溶接工',
  ],
  training: [
    '溶接技能講習',
    'CAD研修',
    '在職者訓練',
    'フォークリフト運転技能講習',
    '技能検定(機械加工)',
    'DX推進研修',
    '生産管理研修',
  ],
  fair: [
    '国際フロンティア産業メッセ',
    'スーパーマーケット・トレードショー',
    '地域の商談会',
    'ビジネスマッチング会',
    '百貨店の催事',
    'オンライン展示会',
  ],
  business: [
    'カフェ',
    '美容室',
    '学習塾',
    '訪問介護事業',
    'ITコンサルティング',
    '焼菓子の製造販売',
    'ネイルサロン',
    '整体院',
    'ウェブ制作',
    '古民家を活用した宿泊施設',
    'キッチンカー',
    '雑貨のネット販売',
  ],
  tool: ['クラウド会計', '受発注システム', '勤怠管理システム', 'POSレジ', '在庫管理システム', '生産管理システム'],
  country: ['ベトナム', 'タイ', '台湾', '米国', '中国', 'シンガポール', 'インドネシア', '韓国'],
  brand: KATAKANA,
  month: ['4', '5', '6', '7', '9', '10', '11', '12', '1', '2', '3'],
};

const REGION_SLOTS: Record<Region, Slots> = {
  hyogo: {
    product: [
      '金属部品',
      '樹脂成形品',
      '洋菓子',
      '清酒',
      'ケミカルシューズ',
      '線香',
      '革製品',
      '家具',
      '機械部品',
      '化粧品',
      '真珠製品',
      'ソース',
      '手延べそうめん',
      '鞄',
      '釣り針',
      '播州織のストール',
      '冷凍食品',
      '木製玩具',
    ],
    loan: [
      '県制度融資',
      '経営活性化資金',
      '伴走支援型特別保証',
      '小規模事業者経営改善資金(マル経)',
      '日本政策金融公庫の融資',
      '借換保証',
    ],
    startupLoan: ['県の創業支援資金', '日本政策金融公庫の新規開業資金', '創業関連保証'],
    quake: ['南海トラフ地震', '大規模地震', '台風による高潮'],
  },
  toshima: {
    product: [
      '印刷物',
      '和菓子',
      '雑貨',
      'アパレル',
      'アニメ関連グッズ',
      '焼菓子',
      '革小物',
      'アクセサリー',
      '健康食品',
      '文具',
      '精密部品',
      '紅茶',
    ],
    loan: [
      '豊島区の融資あっせん',
      '東京都制度融資',
      '巣鴨信用金庫の事業性融資',
      '日本政策金融公庫の融資',
      '伴走支援型特別保証',
    ],
    startupLoan: ['豊島区の創業支援融資', '日本政策金融公庫の新規開業資金', '東京都の創業融資'],
    quake: ['首都直下地震', '大規模地震', '都市型水害'],
  },
};

const TEMPLATES: Record<SupportFieldCode, readonly string[]> = {
  TECHNOLOGY: [
    '{product}の{defect}について原因調査を依頼。{test}による分析を提案。',
    '新製品開発に伴う{test}の実施を相談。依頼試験の手続きと料金を案内。',
    '{material}の加工条件について技術的な助言を求められた。試作品を持参予定。',
    '{material}の溶接部の{defect}について相談。断面観察の結果を説明。',
    '取引先から{test}のデータ提出を求められている。測定方法を助言。',
    '工程の自動化に向けた{equipment}の導入について技術的な検討を依頼。',
  ],
  MANAGEMENT: [
    '売上減少に伴う経営改善について相談。{plan}の策定を提案。',
    '原材料価格の高騰で利益が圧迫されている。価格転嫁の進め方を助言。',
    '{plan}の作成支援を依頼。事業計画書の記載内容を確認。',
    '事業拡大に向けた組織体制の見直しについて相談。',
    '売上高{sales}、前年比{pct}%減。原価管理の見直しを提案。',
    '{subsidy}の申請に向けて事業計画の内容を確認。',
  ],
  FINANCE: [
    '運転資金{amount}の借入について相談。{loan}の利用を提案。',
    '設備資金{amount}の調達方法を相談。保証付融資の条件を説明。',
    '既往借入金の返済条件変更について相談。資金繰り表の作成を助言。',
    '賞与・納税資金の資金繰りについて相談。{loan}の申込書類を案内。',
    '返済負担軽減のため{loan}への借換えを検討。',
    '売上高{sales}に対し借入残高が大きい。資金繰りの改善策を助言。',
  ],
  EMPLOYMENT: [
    '{role}の採用が難しく人材確保の方法を相談。求人票の書き方を助言。',
    '{grant}の申請要件について相談。',
    '高年齢者の継続雇用制度の導入について相談。',
    '障害者の雇用に向けた職場環境の整備について相談。',
    '従業員向けの{training}の受講を検討。訓練コースを案内。',
    '外国人材(特定技能)の受入れについて相談。',
  ],
  SALES: [
    '新商品の販路開拓について{fair}への出展を検討。{subsidy}の活用を相談。',
    'ECサイトでの販売を始めたい。出店先の選び方を助言。',
    '{product}の新規取引先を開拓したい。商談会への参加を案内。',
    '既存顧客への依存度が高く、新規顧客獲得の方法を相談。',
    '商品パッケージとブランディングの見直しについて相談。',
    '自社の強みを整理し、ターゲットを絞った営業方法を一緒に検討。',
  ],
  STARTUP: [
    '{business}での創業を予定。事業計画書の作成を支援。',
    '創業融資の申込みに向けて資金計画を確認。{startupLoan}を案内。',
    '特定創業支援等事業の証明書の取得について相談。',
    '開業届と青色申告の手続きについて相談。',
    '{business}の開業に向けて店舗物件の選定と資金計画を相談。',
  ],
  LABOR: [
    '就業規則の改定について相談。社会保険労務士の専門家派遣を提案。',
    '時間外労働の上限規制への対応を相談。',
    '最低賃金引上げに伴う賃金体系の見直しを相談。{grant}を案内。',
    'パート従業員の社会保険加入について相談。',
    'ハラスメント防止措置について相談。',
  ],
  IP: [
    '新製品の特許出願を検討。先行技術調査の方法を助言。',
    '商品名の商標登録について相談。J-PlatPatでの検索方法を案内。',
    '意匠登録の要否について相談。',
    '他社から特許侵害の警告を受けた。弁理士相談を案内。',
    '海外での商標出願について相談。補助制度を案内。',
    'ブランド名"{brand}"の商標登録を検討。類似商標の有無を確認。',
  ],
  SUCCESSION: [
    '後継者が決まっておらず事業承継について相談。事業承継・引継ぎ支援センターの利用を案内。',
    '親族内承継に向けた株式の移転について相談。',
    '第三者承継(M&A)の可能性について相談。',
    '代表者の高齢化に伴い事業承継計画の策定を支援。',
    '従業員への事業承継を検討。経営者保証の扱いについて相談。',
  ],
  DX: [
    '受発注業務のデジタル化について相談。{tool}の導入を検討。',
    '{itSubsidy}を活用した{tool}の導入について相談。',
    'ホームページのリニューアルとSNS活用について相談。',
    'インボイス制度対応と電子帳簿保存について相談。',
    '情報セキュリティ対策について相談。',
  ],
  OVERSEAS: [
    '{country}への輸出について相談。輸出手続きと商社の活用を助言。',
    '海外展示会への出展について相談。',
    '{country}での現地法人設立について相談。',
    '越境ECでの{product}の販売について相談。',
  ],
  ENVIRONMENT: [
    '工場の省エネ診断を希望。電力使用量の削減策を助言。',
    '太陽光発電設備の導入について相談。',
    '取引先からCO2排出量の算定を求められている。算定方法を案内。',
    '産業廃棄物の削減とリサイクルについて相談。',
  ],
  DISASTER: [
    '事業継続力強化計画の策定について相談。',
    'BCPの策定を検討。策定手順を助言。',
    '{quake}を想定した防災対策について相談。',
    '水害リスクに備えた設備の配置見直しを相談。',
  ],
};

const FOLLOW_UPS = [
  '次回、{month}月に再訪予定。',
  '専門家派遣を調整。',
  '関係資料を確認のうえ回答予定。',
  '後日、電話でフォロー。',
  '見積書を持参して再相談予定。',
  '次回はオンラインで面談予定。',
];
const OUTCOME_NOTES: Partial<Record<OutcomeCode, readonly string[]>> = {
  APPLIED: ['申請書類の作成を支援。', '申請手続きを案内。', '申込書を受理。'],
  CLOSED: ['本件は対応完了。', '試験結果を報告し完了。'],
};

/** A template split at its slots: literals at even positions, slot names at odd ones. */
type Compiled = readonly string[];
const compile = (template: string): Compiled => template.split(/\{(\w+)\}/);
const COMPILED = {} as Record<SupportFieldCode, readonly Compiled[]>;
for (const topic of Object.keys(TEMPLATES) as SupportFieldCode[]) COMPILED[topic] = TEMPLATES[topic].map(compile);
const COMPILED_FOLLOW_UPS = FOLLOW_UPS.map(compile);

/** Appends the filled template's pieces to `out`; the caller joins them once. */
function fill(rng: Rng, parts: Compiled, region: Region, out: string[]): void {
  out.push(parts[0]);
  for (let i = 1; i < parts.length; i += 2) {
    const slot = parts[i];
    out.push(pick(rng, REGION_SLOTS[region][slot] ?? SLOTS[slot]), parts[i + 1]);
  }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/** Splits `total` over the agencies by volume, jittered a little per seed, summing exactly. */
function allocateVolumes(rng: Rng, total: number): number[] {
  const raw = AGENCIES.map((a) => a.volume * (0.97 + 0.06 * rng()));
  const sum = raw.reduce((s, x) => s + x, 0);
  const exact = raw.map((x) => (x * total) / sum);
  const counts = exact.map(Math.floor);
  let rest = total - counts.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (rest-- <= 0) break;
    counts[i]++;
  }
  return counts;
}

function consultantNames(rng: Rng): string[][] {
  return AGENCIES.map((a) => {
    const names = new Set<string>();
    while (names.size < a.staff) names.add(`${pick(rng, FAMILY)}\u3000${pick(rng, GIVEN)}`);
    return [...names];
  });
}

export function generateConsultationLogs(options: ConsultationOptions = {}): Map<string, ConsultationRow[]> {
  return new Map(agencyLogs(options));
}

/**
 * Yields each agency's rows in turn. The writer renders and drops one agency before the next is
 * generated, so 100k rows never live at once and the GC stays cheap; the output is the same.
 */
function* agencyLogs(options: ConsultationOptions): Generator<[string, ConsultationRow[]]> {
  const seed = options.seed ?? DEFAULT_SEED;
  const total = Math.max(0, Math.floor(options.total ?? DEFAULT_TOTAL));
  const fiscalYear = options.fiscalYear ?? DEFAULT_FISCAL_YEAR;
  const rng = mulberry32(seed);

  const calendar = buildCalendar(fiscalYear);
  const days = dayPickers(calendar);
  const volumes = allocateVolumes(rng, total);
  const staff = consultantNames(rng);

  // About 30,000 firms for 100,000 consultations, split between the two networks by the client
  // firms their agencies imply (Hyogo firms often see more than one agency, so divide by ~1.13).
  const poolSize = Math.max(20, Math.round(total * 0.3));
  const clients = (region: Region) =>
    AGENCIES.reduce((s, a, i) => (a.region === region ? s + volumes[i] / a.repeat : s), 0);
  const hyogoClients = clients('hyogo') / 1.13;
  const toshimaClients = clients('toshima');
  const toshimaFirms = Math.round((poolSize * toshimaClients) / (hyogoClients + toshimaClients || 1));
  const firms = [
    ...createFirms(rng, poolSize - toshimaFirms, 'hyogo', 0),
    ...createFirms(rng, toshimaFirms, 'toshima', poolSize - toshimaFirms),
  ];
  // Phones and addresses come from a stream of their own, so adding them changed no other column.
  const contacts = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  assignAgencies(rng, firms, volumes);

  for (let a = 0; a < AGENCIES.length; a++) {
    const agency = AGENCIES[a];
    const tables: AgencyTables = {
      topics: weightedOf(agency.topics),
      channels: weightedOf(agency.channels),
      outcomes: weightedOf(agency.outcomes),
      days,
      calendar,
      staff: staff[a],
      seed,
      contacts,
    };
    let clientsOf = firms.filter((f) => f.agencies.includes(a));
    // Never more client firms than consultations (only bites for tiny totals).
    if (clientsOf.length > volumes[a]) clientsOf = clientsOf.slice(0, volumes[a]);

    // Each client comes at least once; the remaining visits go to the keener firms.
    const visits = clientsOf.map(() => 1);
    if (clientsOf.length > 0) {
      const keen = new Weighted(clientsOf.map((f, k) => [k, f.intensity * (0.5 + rng())] as const));
      for (let extra = volumes[a] - clientsOf.length; extra > 0; extra--) visits[keen.pick(rng)]++;
    }

    const drafts: ConsultationRow[] = [];
    const keys: number[] = [];
    clientsOf.forEach((firm, k) => {
      // A firm keeps coming about the same matter, usually to the same consultant.
      const mainTopic = tables.topics.pick(rng);
      const ownConsultant = pick(rng, staff[a]);
      for (let v = 0; v < visits[k]; v++)
        drafts.push(consultation(rng, agency, firm, mainTopic, ownConsultant, tables, keys));
    });

    // Numbered in order of receipt, as a CRM would. Key and index packed into one double
    // (key < 2^20 minutes, index < 2^32) sort natively and keep ties in generation order.
    const packed = new Float64Array(drafts.length);
    for (let i = 0; i < drafts.length; i++) packed[i] = keys[i] * 2 ** 32 + i;
    packed.sort();
    const ordered = new Array<ConsultationRow>(drafts.length);
    for (let n = 0; n < packed.length; n++) {
      const row = drafts[packed[n] % 2 ** 32];
      row.number = agency.number(fiscalYear, n + 1);
      ordered[n] = row;
    }
    yield [agency.id, ordered];
  }
}

interface AgencyTables {
  seed: number;
  contacts: Rng;
  topics: Weighted<SupportFieldCode>;
  channels: Weighted<ChannelCode>;
  outcomes: Weighted<OutcomeCode>;
  days: Record<Season, DayPicker>;
  calendar: Calendar;
  staff: string[];
}

function consultation(
  rng: Rng,
  agency: AgencySpec,
  firm: Firm,
  mainTopic: SupportFieldCode,
  ownConsultant: string,
  t: AgencyTables,
  /** Receives the row's sort key (minutes since 1 April). */
  keys: number[],
): ConsultationRow {
  const first = rng() < 0.65 ? mainTopic : t.topics.pick(rng);
  let second: SupportFieldCode | null = null;
  if (rng() < 0.3) {
    for (let tries = 0; tries < 4 && second === null; tries++) {
      const other = t.topics.pick(rng);
      if (other !== first) second = other;
    }
  }

  const day =
    agency.saturday > 0 && t.calendar.saturdays.length > 0 && rng() < agency.saturday
      ? pick(rng, t.calendar.saturdays)
      : t.days[SEASON_OF[first]].pick(rng);
  const minutes = timeOfDay(rng);
  keys.push(day.ordinal * 1440 + minutes);
  // Saturday sessions are held at the counter or online, never as visits.
  const channel: ChannelCode = day.weekday === 6 ? (rng() < 0.7 ? 'COUNTER' : 'ONLINE') : t.channels.pick(rng);

  const outcome = t.outcomes.pick(rng);
  const referredTo = outcome === 'REFERRED' ? referralTarget(rng, agency, firm, first) : null;

  // Pieces joined once: a flat string per row instead of a rope keeps 100k rows light for the GC.
  const summary: string[] = [];
  fill(rng, pick(rng, COMPILED[first]), firm.region, summary);
  if (second !== null && rng() < 0.4) fill(rng, pick(rng, COMPILED[second]), firm.region, summary);
  if (referredTo) summary.push(displayName(referredTo), 'を紹介。');
  else if (OUTCOME_NOTES[outcome] && rng() < 0.4) summary.push(pick(rng, OUTCOME_NOTES[outcome]!));
  if (rng() < 0.3) {
    // Some staff start a new line for the next step; the export keeps it inside the cell.
    if (rng() < 0.06) summary.push('\n');
    fill(rng, pick(rng, COMPILED_FOLLOW_UPS), firm.region, summary);
  }

  firm.contact ??= firmContact(t.seed, firm.serial, firm.muni.area, firm.muni.name, firm.corporateNumber !== null);
  const { phone, address } = recordedContact(t.contacts, firm.contact);
  return {
    number: '',
    receivedAt: day.label + ' ' + TIME_LABELS[minutes],
    channel: CHANNELS[channel].label,
    topics:
      second === null ? [SUPPORT_FIELDS[first].label] : [SUPPORT_FIELDS[first].label, SUPPORT_FIELDS[second].label],
    corporateNumber: firm.corporateNumber,
    companyName: firm.name,
    industry: firm.industry,
    employees: firm.employees,
    municipalityCode: firm.muni.code,
    phone,
    address,
    summary: summary.join(''),
    consultant: rng() < 0.75 ? ownConsultant : pick(rng, t.staff),
    outcome: OUTCOMES[outcome].label,
    referredTo,
  };
}

function displayName(id: string): string {
  const a = AGENCY_INDEX.get(id);
  return a === undefined ? (PARTNER_NAMES.get(id) ?? id) : AGENCIES[a].shortName;
}

const referralCache = new Map<string, Weighted<string> | null>();

/**
 * Sends the firm to the agency that owns the topic, preferring one the firm already deals with,
 * never back to the referring agency and never to a city foundation outside its city.
 */
function referralTarget(rng: Rng, agency: AgencySpec, firm: Firm, topic: SupportFieldCode): string {
  if (agency.region === 'toshima') {
    const key = `toshima:${topic}`;
    let table = referralCache.get(key);
    if (table === undefined) {
      table = weightedOf(TOSHIMA_REFERRALS[topic] ?? TOSHIMA_REFERRAL_DEFAULT);
      referralCache.set(key, table);
    }
    return table!.pick(rng);
  }
  const candidates = Object.entries(HYOGO_REFERRALS[topic])
    .map(([id, w]) => {
      const spec = AGENCIES[AGENCY_INDEX.get(id)!];
      const serves =
        (!spec.area || spec.area(firm.muni) >= 0.1) &&
        (spec.industries?.[firm.industry] ?? spec.industryDefault ?? 1) >= 0.1;
      return [id, id !== agency.id && serves ? w! : 0] as const;
    })
    .filter(([, w]) => w > 0);
  const known = candidates.filter(([id]) => firm.agencies.includes(AGENCY_INDEX.get(id)!));
  if (known.length > 0 && rng() < 0.7) return new Weighted(known).pick(rng);
  if (candidates.length > 0) return new Weighted(candidates).pick(rng);
  // Nothing fits the topic: the prefecture's hub takes it, or the chambers when the hub refers.
  return agency.id === 'hyogo-iac' ? (firm.muni.cci ? 'hyogo-cci' : 'hyogo-shokokai') : 'hyogo-iac';
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

const NEEDS_QUOTES = /[",\r\n]/;
const csvField = (value: string): string => (NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** RFC 4180: CRLF between records (and after the last), fields quoted only when they must be. */
export function renderConsultationCsv(rows: ConsultationRow[]): string {
  // Each line is joined flat, then appended: a rope of 100k flat lines is cheap to flatten at write
  // time, unlike a rope of every field (millions of nodes) or one join over 100k lines.
  let out = CSV_HEADER + '\r\n';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const line = [
      csvField(r.number),
      csvField(r.receivedAt),
      csvField(r.channel),
      csvField(r.topics.join('、')),
      csvField(r.corporateNumber ?? ''),
      csvField(r.companyName),
      csvField(r.industry),
      String(r.employees),
      csvField(r.municipalityCode),
      csvField(r.phone ?? ''),
      csvField(r.address ?? ''),
      csvField(r.summary),
      csvField(r.consultant),
      csvField(r.outcome),
      csvField(r.referredTo ?? ''),
    ].join(',');
    out += line + '\r\n';
  }
  return out;
}

/**
 * Writes `<dir>/<agencyId>.csv` (UTF-8, no BOM) for every agency, and the growth committee's
 * minutes drawn from the same firms (`committee-minutes.csv`, see committee.ts).
 */
export async function writeConsultationFiles(
  dir: string,
  options?: ConsultationOptions,
): Promise<{ files: string[]; total: number; minutes: string }> {
  const { files, counts, minutes } = await writeLogs(dir, options ?? {});
  return { files, total: counts.reduce((s, n) => s + n, 0), minutes };
}

async function writeLogs(
  dir: string,
  options: ConsultationOptions,
): Promise<{ files: string[]; counts: number[]; minutes: string }> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const counts: number[] = [];
  const writes: Promise<void>[] = [];
  const tally: FirmTally = new Map();
  for (const [id, rows] of agencyLogs(options)) {
    const file = path.join(dir, `${id}.csv`);
    files.push(file);
    counts.push(rows.length);
    tallyFirms(tally, id, rows);
    writes.push(writeFile(file, renderConsultationCsv(rows), 'utf8'));
  }
  const total = counts.reduce((s, n) => s + n, 0);
  const minutes = await writeCommitteeMinutes(dir, tally, {
    seed: options.seed ?? DEFAULT_SEED,
    total,
    fiscalYear: options.fiscalYear ?? DEFAULT_FISCAL_YEAR,
  });
  await Promise.all(writes);
  return { files, counts, minutes };
}

async function main(argv: string[]): Promise<void> {
  const dir = path.resolve(argv[0] ?? path.join(__dirname, 'generated', 'consultations'));
  const started = process.hrtime.bigint();
  const { files, counts } = await writeLogs(dir, {});
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  files.forEach((file, i) => console.log(`${path.basename(file, '.csv').padEnd(16)} ${String(counts[i]).padStart(6)}`));
  const total = counts.reduce((s, n) => s + n, 0);
  console.log(
    `${total} consultations in ${files.length} files under ${dir}, generated and written in ${ms.toFixed(0)} ms`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
