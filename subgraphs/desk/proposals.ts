/**
 * Proposals for a firm (提案型支援): programmes ranked by the needs its consultations express
 * (./needs), among those the one-stop search finds open to the firm — its municipality, size and
 * industry as filters, open, always available or opening within OPENING_SOON_DAYS — less those
 * the firm already applied for or declined. Each comes with its reasons as data. Pure over the
 * search index and the records handed in: the resolver loads them and checks who may ask.
 */
import { getMunicipality, isWithin, NATIONWIDE } from '../../domain/municipalities';
import { programStatus, type ProgramStatusValue } from '../../domain/programStatus';
import type { ConsultationRecord, ProgramRecord } from '../../domain/records';
import { JSIC_DIVISIONS, type JsicDivision } from '../../domain/vocabulary';
import type { FirmRecord } from '../../store/firms';
import type { ProposalMarkRow } from '../../store/desk';
import { normalizeText } from '../../domain/normalize';
import type { SearchFilterInput, SearchIndex } from '../programs/search';
import { addDays } from './alerts';
import { needsOf, type Need } from './needs';

export type ReasonKind = 'NEED' | 'AREA' | 'SIZE' | 'INDUSTRY' | 'PERIOD' | 'PROVIDER' | 'HISTORY';

export interface Reason {
  kind: ReasonKind;
  text: string;
  evidence: string[];
}

export interface Proposal {
  program: ProgramRecord;
  score: number;
  reasons: Reason[];
  distanceKm: number | null;
  mark: ProposalMarkRow | null;
}

/** An upcoming programme is proposed when it opens within this many days. */
export const OPENING_SOON_DAYS = 60;
/** Needs weighing less than this share of the heaviest are not searched for. */
const MINOR_NEED = 0.15;
/** At most this many needs are searched for. */
const MAX_NEEDS = 4;
/** Candidates read per need from the search: by support field, by each keyword. */
const PER_FIELD = 200;
const PER_NEED = 40;
/** Keywords of a need searched for in programme texts. */
const KEYWORDS_PER_NEED = 3;
/** An offered programme stays listed, below the ones not offered yet. */
const OFFERED_FACTOR = 0.6;

export interface ProposalInput {
  firm: FirmRecord;
  /** The firm's consultations the caller may see. */
  consultations: readonly ConsultationRecord[];
  marks: ReadonlyMap<string, ProposalMarkRow>;
  index: SearchIndex;
  /** Loads programmes by id (null where gone). */
  loadPrograms(ids: string[]): Promise<Array<ProgramRecord | null>>;
  today: string;
  first: number;
}

const monthOf = (iso: string) => iso.slice(0, 7);

/** The firm's eligibility as search filters: what the firm's records say, nothing guessed. */
function eligibility(firm: FirmRecord): SearchFilterInput {
  return {
    municipalityCode: firm.municipalityCode && getMunicipality(firm.municipalityCode) ? firm.municipalityCode : null,
    employees: firm.employees ?? null,
    industry: firm.industry ?? null,
    status: ['OPEN', 'ONGOING', 'UPCOMING'],
  };
}

/**
 * Programmes the firm applied for, by its consultations: a record whose outcome is APPLIED and
 * whose summary names the programme's title.
 */
function usedBy(consultations: readonly ConsultationRecord[], program: ProgramRecord): string | null {
  const title = normalizeText(program.title).replace(/\s/g, '');
  if (title.length < 4) return null;
  for (const c of consultations) {
    if (c.outcome === 'APPLIED' && c.summary && normalizeText(c.summary).replace(/\s/g, '').includes(title))
      return c.id;
  }
  return null;
}

export async function proposeFor(input: ProposalInput): Promise<Proposal[]> {
  const { firm, index, today } = input;
  const needs = needsOf(input.consultations, today);
  if (needs.length === 0 || input.first <= 0) return [];
  const heaviest = needs[0].weight;
  const searched = needs.filter((n) => n.weight >= heaviest * MINOR_NEED).slice(0, MAX_NEEDS);
  const total = searched.reduce((s, n) => s + n.weight, 0);
  const filter = eligibility(firm);
  // Candidates: each need's programmes by support field (the agencies' own filing), and for a
  // need read from summaries, by the words agencies use for it (a programme filed elsewhere that
  // names the need in its text).
  const textScore = new Map<string, Map<string, number>>();
  const candidates = new Set<string>();
  for (const need of searched) {
    const byField = index.search({
      filter: { ...filter, supportFields: need.fields },
      today,
      limit: PER_FIELD,
      facets: false,
    });
    for (const h of byField.hits) candidates.add(h.id);
    if (need.keywords.length === 0 || (need.filed && need.kinds.length === 0)) continue;
    // Each of the need's keywords as typed (with the search's synonyms), best score kept.
    const scores = new Map<string, number>();
    for (const keyword of need.keywords.slice(0, KEYWORDS_PER_NEED)) {
      const byText = index.search({ text: keyword, filter, today, limit: PER_NEED, facets: false, understand: false });
      if (byText.interpretation.relaxed || byText.hits.length === 0) continue;
      const top = byText.hits[0].score || 1;
      for (const h of byText.hits) {
        scores.set(h.id, Math.max(scores.get(h.id) ?? 0, h.score / top));
        candidates.add(h.id);
      }
    }
    textScore.set(need.key, scores);
  }
  const records = (await input.loadPrograms([...candidates])).filter((p): p is ProgramRecord => p !== null);
  const horizon = addDays(today, OPENING_SOON_DAYS);
  const proposals: Proposal[] = [];
  for (const program of records) {
    const status = programStatus(program, today);
    if (status === 'CLOSED') continue;
    if (status === 'UPCOMING' && program.opensOn! > horizon) continue;
    const mark = input.marks.get(program.id) ?? null;
    if (mark && mark.mark !== 'OFFERED') continue;
    if (usedBy(input.consultations, program)) continue;
    const served: Array<{ need: Need; share: number }> = [];
    for (const need of searched) {
      const filed = need.fields.some((f) => (program.supportFields as string[]).includes(f)) ? 1 : 0;
      const named = textScore.get(need.key)?.get(program.id) ?? 0;
      // A topic is served by the programmes filed under it; a need read from summaries also by
      // those whose text names it.
      const share = need.filed ? Math.max(filed, 0.7 * named) : 0.6 * filed + 0.4 * named;
      if (share > 0) served.push({ need, share });
    }
    if (served.length === 0) continue;
    let score = served.reduce((s, x) => s + x.need.weight * x.share, 0) / total;
    const preferred = served.some((x) => x.need.kinds.includes(program.kind));
    if (preferred) score += 0.05;
    score += periodBonus(status, program, today) + areaBonus(program, firm.municipalityCode);
    const distanceKm = firm.municipalityCode ? index.providerDistance(program.providerId, firm.municipalityCode) : null;
    if (distanceKm !== null) score += 0.03 * Math.max(0, 1 - distanceKm / 50);
    if (mark?.mark === 'OFFERED') score *= OFFERED_FACTOR;
    proposals.push({
      program,
      score: Math.round(score * 1e4) / 1e4,
      reasons: reasonsFor(program, status, served, firm, today, mark),
      distanceKm: distanceKm === null ? null : Math.round(distanceKm * 10) / 10,
      mark,
    });
  }
  proposals.sort((a, b) => b.score - a.score || (a.program.id < b.program.id ? -1 : 1));
  return proposals.slice(0, input.first);
}

function periodBonus(status: ProgramStatusValue, program: ProgramRecord, today: string): number {
  if (status === 'UPCOMING') return -0.04;
  // A deadline within a month is worth raising now.
  if (status === 'OPEN' && program.closesOn && program.closesOn <= addDays(today, 30)) return 0.03;
  return 0;
}

/** A programme for the firm's own city or ward says more than one for the whole country. */
function areaBonus(program: ProgramRecord, municipalityCode: string | null): number {
  if (!municipalityCode || program.areaCodes.length === 0) return 0;
  const m = getMunicipality(municipalityCode);
  if (program.areaCodes.some((a) => a !== NATIONWIDE && a === municipalityCode)) return 0.03;
  if (m && program.areaCodes.some((a) => a !== NATIONWIDE && a !== m.prefectureCode && isWithin(municipalityCode, a)))
    return 0.03;
  if (m && program.areaCodes.includes(m.prefectureCode ?? '')) return 0.01;
  return 0;
}

function reasonsFor(
  program: ProgramRecord,
  status: ProgramStatusValue,
  served: Array<{ need: Need; share: number }>,
  firm: FirmRecord,
  today: string,
  mark: ProposalMarkRow | null,
): Reason[] {
  const reasons: Reason[] = [];
  for (const { need } of [...served].sort((a, b) => b.need.weight * b.share - a.need.weight * a.share)) {
    const n = need.consultations.length;
    const since = monthOf(need.consultations[n - 1].receivedAt);
    reasons.push({
      kind: 'NEED',
      text: `${need.label} in ${n} consultation${n === 1 ? '' : 's'} since ${since}`,
      evidence: need.consultations.slice(0, 10).map((c) => c.id),
    });
  }
  const muni = firm.municipalityCode ? getMunicipality(firm.municipalityCode) : undefined;
  if (program.areaCodes.length === 0) {
    reasons.push({ kind: 'AREA', text: 'open to firms anywhere (no area restriction)', evidence: [] });
  } else if (muni) {
    const area = program.areaCodes.find((a) => isWithin(muni.code, a)) ?? program.areaCodes[0];
    const areaName = area === NATIONWIDE ? '全国' : (getMunicipality(area)?.name ?? area);
    reasons.push({
      kind: 'AREA',
      text: area === muni.code ? `${muni.name} is in the area` : `${muni.name} is in the area (${areaName})`,
      evidence: [muni.code, area],
    });
  }
  if (program.employeeCeiling !== null && firm.employees !== null) {
    reasons.push({
      kind: 'SIZE',
      text: `for firms of up to ${program.employeeCeiling} employees; the firm has ${firm.employees}`,
      evidence: [String(program.employeeCeiling), String(firm.employees)],
    });
  }
  if (program.industries.length > 0 && firm.industry) {
    const name = JSIC_DIVISIONS[firm.industry as JsicDivision] ?? firm.industry;
    reasons.push({ kind: 'INDUSTRY', text: `for ${name} (${firm.industry})`, evidence: program.industries });
  }
  reasons.push(periodReason(program, status, today));
  if (mark)
    reasons.push({
      kind: 'HISTORY',
      text: `offered on ${mark.markedAt.slice(0, 10)} by ${mark.markedBy}`,
      evidence: [mark.markedAt],
    });
  return reasons;
}

function periodReason(program: ProgramRecord, status: ProgramStatusValue, today: string): Reason {
  if (status === 'ONGOING') return { kind: 'PERIOD', text: 'always available (随時)', evidence: [] };
  if (status === 'UPCOMING')
    return { kind: 'PERIOD', text: `opens ${program.opensOn}`, evidence: [program.opensOn!, today] };
  if (program.closesOn) return { kind: 'PERIOD', text: `closes ${program.closesOn}`, evidence: [program.closesOn] };
  return { kind: 'PERIOD', text: `open since ${program.opensOn}`, evidence: [program.opensOn ?? today] };
}
