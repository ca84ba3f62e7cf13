/**
 * The demo's firms: where they are, their industry, whether they are companies (with a 法人番号)
 * or sole proprietors, their names (data/consultations/trades.json and names.json), size and how
 * often they ask for help; and which one to three agencies each firm goes to.
 */
import { corporateNumberCheckDigit } from '../domain/normalize';
import type { JsicDivision } from '../domain/vocabulary';
import { affinity, AGENCIES } from './agencies';
import type { FirmContact } from './contacts';
import firmData from './data/consultations/firms.json';
import names from './data/consultations/names.json';
import tradeData from './data/consultations/trades.json';
import { type Area, type DemoMunicipality, municipalitiesOf, type Region } from './municipalities';
import { gaussian, pad, pick, randInt, type Rng, Weighted, type Weights, weightedOf } from './random';

/** A name pattern: `*` is replaced by a stem of one of the kinds (f family, k kanji, a katakana, h hiragana). */
type Pattern = readonly [template: string, stems: string];
interface Trade {
  corp: readonly Pattern[];
  sole: readonly Pattern[];
}
const TRADES = tradeData as unknown as Record<JsicDivision, Trade>;

// Firms that come to support counters: the SME population with manufacturers over-represented.
const INDUSTRIES = firmData.industries as Record<Region, Weights<JsicDivision>>;
// Share of firms that are companies rather than sole proprietors, by industry.
const INCORPORATED = firmData.incorporated as Record<JsicDivision, number>;
// 中小企業基本法's employee ceilings: 300 for makers and most others, 100 wholesale and services.
const EMPLOYEE_CEILING = firmData.employeeCeiling as Record<JsicDivision, number>;

export const FAMILY: readonly string[] = names.family;
export const GIVEN: readonly string[] = names.given;
export const KATAKANA: readonly string[] = names.katakana;

export interface Firm {
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
      return rng() < 0.45 ? pick(rng, names.kanji[region]) : pick(rng, names.kanji.common);
    case 'a':
      return pick(rng, KATAKANA);
    default:
      return pick(rng, names.hiragana);
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
const REGISTRY_OFFICES = firmData.registryOffices as Record<Area, readonly string[]>;
const REGISTRY_KIND = firmData.registryKind as Record<LegalForm, string>;

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

export function createFirms(rng: Rng, count: number, region: Region, firstSerial: number): Firm[] {
  const municipalities = new Weighted(municipalitiesOf(region).map((m) => [m, m.weight] as const));
  const industries = weightedOf(INDUSTRIES[region]);
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

/**
 * Gives every firm one to three agencies. The per-agency constants are calibrated (iterative
 * proportional fitting over the firms' industry × municipality mix) so that each agency ends up
 * with about the number of client firms its volume and repeat rate imply, whatever the filters.
 */
export function assignAgencies(rng: Rng, firms: Firm[], volumes: number[]): void {
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
