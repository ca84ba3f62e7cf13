/**
 * The agencies whose consultation logs the demo writes (data/consultations/agencies.json): the 18
 * members of 中小企業支援ネットひょうご and としまビジネスサポートセンター, each with its yearly volume,
 * how often a client returns, its channels, topics and outcomes, the industries and places it
 * serves, how it numbers records, and where it refers a firm whose question belongs elsewhere.
 */
import type { ChannelCode, JsicDivision, OutcomeCode, SupportFieldCode } from '../domain/vocabulary';
import data from './data/consultations/agencies.json';
import type { Area, DemoMunicipality, Region } from './municipalities';
import { pad, type Rng, Weighted, type Weights, weightedOf } from './random';

/** The first rule whose conditions all hold gives the factor; a rule without conditions always holds. */
interface AreaRule {
  when?: { areas?: Area[]; cci?: boolean; codes?: string[] };
  factor: number;
}

export interface AgencySpec {
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
  area?: AreaRule[];
  /** Share of consultations held on Saturdays (start-up counters, some events). */
  saturday: number;
  /** Record numbers: {fy} the fiscal year, {yy} its last two digits, {reiwa} its 令和 year, {n:W} the serial in W digits. */
  number: string;
  staff: number;
}

export const AGENCIES = data.agencies as readonly AgencySpec[];

export const CONSULTATION_AGENCIES: readonly { id: string; name: string }[] = AGENCIES.map(({ id, name }) => ({
  id,
  name,
}));

/** Partners the Toshima counter refers firms to; they are not members of the Hyogo network. */
export const REFERRAL_PARTNERS: readonly { id: string; name: string }[] = data.partners;

const PARTNER_NAMES = new Map(REFERRAL_PARTNERS.map((p) => [p.id, p.name]));
const AGENCY_INDEX = new Map(AGENCIES.map((a, i) => [a.id, i]));

/** An agency's record number for the n-th consultation of a fiscal year. */
export function recordNumber(agency: AgencySpec, fiscalYear: number, n: number): string {
  return agency.number.replace(/\{(fy|yy|reiwa|n:(\d))\}/g, (_, token: string, width?: string) => {
    if (token === 'fy') return String(fiscalYear);
    if (token === 'yy') return pad(fiscalYear % 100, 2);
    if (token === 'reiwa') return String(fiscalYear - 2018);
    return pad(n, Number(width));
  });
}

/** How much more (or less) than elsewhere the agency serves firms in this municipality. */
export function areaFactor(agency: AgencySpec, m: DemoMunicipality): number {
  if (!agency.area) return 1;
  for (const { when, factor } of agency.area) {
    if (
      !when ||
      ((when.areas === undefined || when.areas.includes(m.area)) &&
        (when.cci === undefined || when.cci === m.cci) &&
        (when.codes === undefined || when.codes.includes(m.code)))
    )
      return factor;
  }
  return 1;
}

const industryFactor = (agency: AgencySpec, industry: JsicDivision): number =>
  agency.industries?.[industry] ?? agency.industryDefault ?? 1;

/** How likely a firm of this industry and place is to go to the agency, before calibration. */
export function affinity(agency: AgencySpec, industry: JsicDivision, m: DemoMunicipality): number {
  if ((agency.region === 'toshima') !== (m.area === 'tokyo')) return 0;
  return industryFactor(agency, industry) * areaFactor(agency, m);
}

/** How an agency or partner is named in a note. */
export function displayName(id: string): string {
  const a = AGENCY_INDEX.get(id);
  return a === undefined ? (PARTNER_NAMES.get(id) ?? id) : AGENCIES[a].shortName;
}

// Where a consultation is sent when the question belongs elsewhere, by its first topic.
const HYOGO_REFERRALS = data.referrals.hyogo as Record<SupportFieldCode, Weights<string>>;
const TOSHIMA_REFERRALS = data.referrals.toshima as Partial<Record<SupportFieldCode, Weights<string>>>;
const TOSHIMA_REFERRAL_DEFAULT: Weights<string> = data.referrals.toshimaDefault;

const referralCache = new Map<string, Weighted<string> | null>();

/**
 * Sends the firm to the agency that owns the topic, preferring one the firm already deals with,
 * never back to the referring agency and never to a city foundation outside its city.
 */
export function referralTarget(
  rng: Rng,
  agency: AgencySpec,
  firm: { muni: DemoMunicipality; industry: JsicDivision; agencies: number[] },
  topic: SupportFieldCode,
): string {
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
      const serves = areaFactor(spec, firm.muni) >= 0.1 && industryFactor(spec, firm.industry) >= 0.1;
      return [id, id !== agency.id && serves ? w! : 0] as const;
    })
    .filter(([, w]) => w > 0);
  const known = candidates.filter(([id]) => firm.agencies.includes(AGENCY_INDEX.get(id)!));
  if (known.length > 0 && rng() < 0.7) return new Weighted(known).pick(rng);
  if (candidates.length > 0) return new Weighted(candidates).pick(rng);
  // Nothing fits the topic: the prefecture's hub takes it, or the chambers when the hub refers.
  return agency.id === 'hyogo-iac' ? (firm.muni.cci ? 'hyogo-cci' : 'hyogo-shokokai') : 'hyogo-iac';
}
