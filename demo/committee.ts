/**
 * The demo growth-firm committee's minutes (成長企業発掘・育成委員会 議事録), the spreadsheet the
 * network's lead agency (hyogo-iac) keeps: a meeting a month since 2016, the firms it selected,
 * deferred and declined, and the end of each selected firm's support. The firms come from the
 * generated consultation logs themselves — those several agencies know and that keep asking
 * about growth topics — so the history agrees with the consultations: selected firms show the
 * patterns that justify them. Phrases and parameters are in data/committee.json.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import data from './data/committee.json';
import { toCsv } from './csv';
import { mulberry32, pick, type Rng } from './random';
import {
  COMMITTEE_OUTCOMES,
  SUPPORT_FIELDS,
  type CommitteeOutcomeCode,
  type SupportFieldCode,
} from '../domain/vocabulary';
import { growthWeights } from '../domain/growth/weights';

/** What the logs say about one firm with a 法人番号, across every agency. */
export interface FirmFacts {
  corporateNumber: string;
  name: string;
  municipalityCode: string;
  industry: string;
  employees: number;
  /** Consultations per agency. */
  visits: Map<string, number>;
  /** Consultations about at least one growth topic. */
  growthVisits: number;
  /** Consultations per growth topic. */
  growthTopics: Map<SupportFieldCode, number>;
}

export type FirmTally = Map<string, FirmFacts>;

const CODE_BY_LABEL = new Map<string, SupportFieldCode>(
  Object.entries(SUPPORT_FIELDS).map(([code, f]) => [f.label as string, code as SupportFieldCode]),
);

/** Adds one agency's generated rows to the tally (firms without 法人番号 are left out). */
export function tallyFirms(
  tally: FirmTally,
  agencyId: string,
  rows: ReadonlyArray<{
    corporateNumber: string | null;
    companyName: string;
    municipalityCode: string;
    industry: string;
    employees: number;
    topics: string[];
  }>,
): void {
  const growth = new Set<string>(growthWeights().growthTopics);
  for (const r of rows) {
    if (!r.corporateNumber) continue;
    let f = tally.get(r.corporateNumber);
    if (!f) {
      f = {
        corporateNumber: r.corporateNumber,
        name: r.companyName,
        municipalityCode: r.municipalityCode,
        industry: r.industry,
        employees: r.employees,
        visits: new Map(),
        growthVisits: 0,
        growthTopics: new Map(),
      };
      tally.set(r.corporateNumber, f);
    }
    f.visits.set(agencyId, (f.visits.get(agencyId) ?? 0) + 1);
    const topics = r.topics
      .map((t) => CODE_BY_LABEL.get(t))
      .filter((t): t is SupportFieldCode => t !== undefined && growth.has(t));
    if (topics.length) f.growthVisits += 1;
    for (const t of topics) f.growthTopics.set(t, (f.growthTopics.get(t) ?? 0) + 1);
  }
}

export interface MinuteRow {
  localId: string;
  /** YYYY/MM/DD. */
  meetingOn: string;
  corporateNumber: string;
  companyName: string;
  municipalityCode: string;
  industry: string;
  nominatedBy: string | null;
  rationale: string | null;
  outcome: CommitteeOutcomeCode;
  reason: string;
  decidedBy: string;
  leadAgency: string | null;
  participatingAgencies: string[];
  goals: string[];
}

export interface MinutesOptions {
  seed: number;
  /** Consultations generated: the number of selections scales with it (330 per 100,000). */
  total: number;
  /** The logs' fiscal year: meetings run until its last month (March of the next year). */
  fiscalYear: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** Months from the first meeting to the logs' last month, YYYY-MM. */
function meetingMonths(fiscalYear: number): string[] {
  const [y0, m0] = data.firstMeeting.split('-').map(Number);
  const out: string[] = [];
  for (let y = y0, m = m0; y < fiscalYear + 1 || (y === fiscalYear + 1 && m <= 3); m === 12 ? ((m = 1), y++) : m++)
    out.push(`${y}-${pad(m)}`);
  return out;
}

/** The committee meets on the third Wednesday. */
function meetingDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  const day = 1 + ((3 - first + 7) % 7) + 14;
  return `${y}/${pad(m)}/${pad(day)}`;
}

function chairOf(month: string): string {
  return [...data.chairs].reverse().find((c) => c.from <= month)!.name;
}

/** How strongly the logs point at a firm: agencies that know it, growth topics and visits. */
function evidence(f: FirmFacts): number {
  const visits = [...f.visits.values()].reduce((s, n) => s + n, 0);
  return f.visits.size * 10 + f.growthTopics.size * 5 + Math.min(f.growthVisits, 15) + Math.min(visits, 20) / 2;
}

function topicsOf(f: FirmFacts): SupportFieldCode[] {
  return [...f.growthTopics.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}

function fill(template: string, f: FirmFacts): string {
  const topics = topicsOf(f)
    .slice(0, 2)
    .map((t) => SUPPORT_FIELDS[t].label);
  return template
    .replace('{agencies}', String(f.visits.size))
    .replace('{topics}', topics.length ? topics.join('・') : '経営基盤の強化')
    .replace('{employees}', String(f.employees));
}

/** The agency that knows the firm best: most consultations, then by id. */
function mainAgency(f: FirmFacts): string {
  return [...f.visits.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

/** Generates the minutes from the tally, deterministically for the seed. */
export function committeeMinutes(tally: FirmTally, options: MinutesOptions): MinuteRow[] {
  const rng = mulberry32((options.seed ^ 0x2c1b3c6d) >>> 0);
  const months = meetingMonths(options.fiscalYear);
  const candidates = [...tally.values()]
    .filter((f) => f.visits.size >= 2 || f.growthVisits >= 4)
    .sort((a, b) => evidence(b) - evidence(a) || a.corporateNumber.localeCompare(b.corporateNumber));
  const selections = Math.min(
    Math.round((data.selectionsPer100k * options.total) / 100_000),
    Math.floor(candidates.length / 2),
  );
  const selected = candidates.slice(0, selections);
  const others = candidates.slice(selections, selections + Math.round(selections * data.declinedShare));
  const rows: Array<Omit<MinuteRow, 'localId' | 'meetingOn' | 'decidedBy'> & { month: number }> = [];
  const base = (f: FirmFacts) => ({
    corporateNumber: f.corporateNumber,
    companyName: f.name,
    municipalityCode: f.municipalityCode,
    industry: f.industry,
  });
  const noPlan = { leadAgency: null, participatingAgencies: [], goals: [] };

  selected.forEach((f, i) => {
    // The firms the logs point at most strongly now were selected most recently: they are the
    // ones still supported, and their consultations are this year's.
    const at = Math.max(
      0,
      Math.min(
        months.length - 1,
        months.length - 1 - Math.floor((i * months.length) / selections) + between(rng, -1, 1),
      ),
    );
    const lead = mainAgency(f);
    const rationale = fill(pick(rng, data.rationales), f);
    if (rng() < data.deferredShare && at > 0) {
      const earlier = Math.max(0, at - between(rng, 1, 3));
      rows.push({
        ...base(f),
        month: earlier,
        nominatedBy: lead,
        rationale,
        outcome: 'DEFERRED',
        reason: fill(pick(rng, data.reasons.DEFERRED), f),
        ...noPlan,
      });
    }
    const topics = topicsOf(f);
    const partners = topics.flatMap((t) => (data.topicPartners as Record<string, string[]>)[t] ?? []);
    const participating = [...new Set([...[...f.visits.keys()].sort(), ...partners.slice(0, 1)])].filter(
      (a) => a !== lead,
    );
    const goalPool = topics.length
      ? topics.flatMap((t) => (data.goals as Record<string, string[]>)[t] ?? [])
      : data.goals.DEFAULT;
    const goals = [...new Set([goalPool[0], pick(rng, goalPool)])];
    rows.push({
      ...base(f),
      month: at,
      nominatedBy: lead,
      rationale,
      outcome: 'SELECTED',
      reason: fill(pick(rng, data.reasons.SELECTED), f),
      leadAgency: lead,
      participatingAgencies: participating,
      goals,
    });
    const withdrawn = rng() < data.withdrawnShare;
    const span = withdrawn ? data.withdrawnAfterMonths : data.planMonths;
    const end = at + between(rng, span.min, span.max);
    if (end < months.length) {
      const outcome = withdrawn ? 'WITHDRAWN' : 'GRADUATED';
      rows.push({
        ...base(f),
        month: end,
        nominatedBy: null,
        rationale: null,
        outcome,
        reason: fill(pick(rng, data.reasons[outcome]), f),
        ...noPlan,
      });
    }
  });

  for (const f of others) {
    const lead = mainAgency(f);
    const rationale = fill(pick(rng, data.rationales), f);
    let at = between(rng, 0, months.length - 1);
    if (rng() < data.deferredShare && at < months.length - 1) {
      rows.push({
        ...base(f),
        month: at,
        nominatedBy: lead,
        rationale,
        outcome: 'DEFERRED',
        reason: fill(pick(rng, data.reasons.DEFERRED), f),
        ...noPlan,
      });
      at = Math.min(months.length - 1, at + between(rng, 1, 2));
    }
    rows.push({
      ...base(f),
      month: at,
      nominatedBy: lead,
      rationale,
      outcome: 'DECLINED',
      reason: fill(pick(rng, data.reasons.DECLINED), f),
      ...noPlan,
    });
  }

  // Reports on supported firms come first at each meeting, then the decisions, firm by firm.
  const order: Record<CommitteeOutcomeCode, number> = {
    GRADUATED: 0,
    WITHDRAWN: 0,
    SELECTED: 1,
    DEFERRED: 1,
    DECLINED: 1,
  };
  rows.sort(
    (a, b) =>
      a.month - b.month || order[a.outcome] - order[b.outcome] || a.corporateNumber.localeCompare(b.corporateNumber),
  );
  const items = new Map<number, number>();
  return rows.map(({ month, ...r }) => {
    const n = (items.get(month) ?? 0) + 1;
    items.set(month, n);
    return {
      localId: `${months[month]}-${pad(n)}`,
      meetingOn: meetingDay(months[month]),
      decidedBy: chairOf(months[month]),
      ...r,
    };
  });
}

export const MINUTES_HEADER =
  '議事番号,開催日,法人番号,企業ID,企業名,所在地コード,業種,推薦機関,推薦理由,判定,判定理由,判定者,主担当機関,参加機関,支援目標';

/** RFC 4180 (./csv.ts); agencies separated by 、 and goals by ； as the lead agency's sheet writes them. */
export function renderMinutesCsv(rows: readonly MinuteRow[]): string {
  return toCsv(
    MINUTES_HEADER.split(','),
    rows.map((r) => [
      r.localId,
      r.meetingOn,
      r.corporateNumber,
      '',
      r.companyName,
      r.municipalityCode,
      r.industry,
      r.nominatedBy ?? '',
      r.rationale ?? '',
      COMMITTEE_OUTCOMES[r.outcome].label,
      r.reason,
      r.decidedBy,
      r.leadAgency ?? '',
      r.participatingAgencies.join('、'),
      r.goals.join('；'),
    ]),
  );
}

export const MINUTES_FILE = 'committee-minutes.csv';

/** Writes `<dir>/committee-minutes.csv` and returns its path. */
export async function writeCommitteeMinutes(dir: string, tally: FirmTally, options: MinutesOptions): Promise<string> {
  const file = path.join(dir, MINUTES_FILE);
  await writeFile(file, renderMinutesCsv(committeeMinutes(tally, options)), 'utf8');
  return file;
}
