/**
 * Demo consultation logs (相談記録): a seeded, deterministic fiscal year of SME consultations as the
 * CRM exports of 中小企業支援ネットひょうご's 18 agencies and としまビジネスサポートセンター would look,
 * about 100,000 rows. Every firm, name and text is synthetic. The local agency stand-ins serve these
 * files so that the consultations subgraph, its aggregates and the coordinators' cross-agency view
 * have realistic volume and shape to work on: repeat visits, firms known to several agencies,
 * referrals, seasonal peaks, a CSV that needs RFC 4180 quoting. This module is the generator; what
 * it draws from is data (data/consultations/) read by agencies.ts, municipalities.ts, firms.ts,
 * calendar.ts and summaries.ts.
 * Run directly to write the files: `npx tsx demo/consultations.ts [outDir]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CHANNELS,
  type ChannelCode,
  OUTCOMES,
  type OutcomeCode,
  SUPPORT_FIELDS,
  type SupportFieldCode,
} from '../domain/vocabulary';
import { AGENCIES, type AgencySpec, recordNumber, displayName, referralTarget } from './agencies';
import {
  buildCalendar,
  type Calendar,
  type DayPicker,
  dayPickers,
  type Season,
  SEASON_OF,
  TIME_LABELS,
  timeOfDay,
} from './calendar';
import { type FirmTally, tallyFirms, writeCommitteeMinutes } from './committee';
import { firmContact, recordedContact } from './contacts';
import { toCsv } from './csv';
import { assignAgencies, createFirms, FAMILY, type Firm, GIVEN } from './firms';
import type { Region } from './municipalities';
import { mulberry32, pick, type Rng, Weighted, weightedOf } from './random';
import { COMPILED, COMPILED_FOLLOW_UPS, fill, OUTCOME_NOTES } from './summaries';

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
      row.number = recordNumber(agency, fiscalYear, n + 1);
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

/** RFC 4180 (./csv.ts): CRLF between records (and after the last), fields quoted only when they must be. */
export function renderConsultationCsv(rows: ConsultationRow[]): string {
  return toCsv(
    CSV_HEADER.split(','),
    rows.map((r) => [
      r.number,
      r.receivedAt,
      r.channel,
      r.topics.join('、'),
      r.corporateNumber ?? '',
      r.companyName,
      r.industry,
      String(r.employees),
      r.municipalityCode,
      r.phone ?? '',
      r.address ?? '',
      r.summary,
      r.consultant,
      r.outcome,
      r.referredTo ?? '',
    ]),
  );
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
