/**
 * Properties of the demo consultation logs that the rest of Madoguchi relies on: determinism per
 * seed, the volumes, valid identifiers, coherent referrals, firms shared between agencies, and a
 * CSV that survives a real parser.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { isValidLgCode } from '../domain/normalize';
import { CHANNELS, OUTCOMES, SUPPORT_FIELDS } from '../domain/vocabulary';
import { CONSULTATION_AGENCIES, REFERRAL_PARTNERS } from './agencies';
import { DEMO_MUNICIPALITY_CODES } from './municipalities';
import {
  CSV_HEADER,
  generateConsultationLogs,
  renderConsultationCsv,
  writeConsultationFiles,
  type ConsultationRow,
} from './consultations';

// Written out here rather than imported, so the test does not share the generator's arithmetic.
function hasValidCorporateCheckDigit(number: string): boolean {
  if (!/^\d{13}$/.test(number)) return false;
  const base = number.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return Number(number[0]) === 9 - (sum % 9);
}

/** The first few items that break a rule: one expect per rule keeps 20,000 rows fast to check. */
const violations = <T>(items: Iterable<T>, ok: (item: T) => boolean): T[] =>
  [...items].filter((x) => !ok(x)).slice(0, 5);

const allRows = (logs: Map<string, ConsultationRow[]>) => [...logs.values()].flat();
const labels = (vocab: Record<string, { label: string }>) => new Set(Object.values(vocab).map((v) => v.label));

describe('generateConsultationLogs', () => {
  const small = generateConsultationLogs({ total: 20_000 });
  const rows = allRows(small);

  it('is deterministic for a seed and changes with it', () => {
    const again = generateConsultationLogs({ total: 20_000 });
    expect([...again.keys()]).toEqual([...small.keys()]);
    // Comparing the rendered text is as strict as a deep equality here and much faster.
    expect(renderConsultationCsv(allRows(again))).toBe(renderConsultationCsv(rows));
    const other = generateConsultationLogs({ total: 20_000, seed: 7 });
    expect(renderConsultationCsv(allRows(other))).not.toEqual(renderConsultationCsv(rows));
  });

  it('produces about 100,000 rows by default, spread over every agency', () => {
    const logs = generateConsultationLogs();
    const total = allRows(logs).length;
    expect(Math.abs(total - 100_000)).toBeLessThanOrEqual(2_000);
    expect([...logs.keys()]).toEqual(CONSULTATION_AGENCIES.map((a) => a.id));
    for (const list of logs.values()) expect(list.length).toBeGreaterThan(0);
    // The two big general counters dwarf the specialist labs.
    expect(logs.get('hyogo-iac')!.length).toBeGreaterThan(10 * logs.get('hyogo-hsta')!.length);
  });

  it('honours the total option', () => {
    expect(allRows(generateConsultationLogs({ total: 2_000 }))).toHaveLength(2_000);
    expect(rows).toHaveLength(20_000);
  });

  it('numbers consultations uniquely per agency, in order of receipt, within the fiscal year', () => {
    for (const list of small.values()) {
      expect(new Set(list.map((r) => r.number)).size).toBe(list.length);
      expect(violations(list.keys(), (i) => i === 0 || list[i - 1].receivedAt <= list[i].receivedAt)).toEqual([]);
    }
    const weekday = (r: ConsultationRow) =>
      new Date(`${r.receivedAt.slice(0, 10).replace(/\//g, '-')}T00:00:00Z`).getUTCDay();
    expect(
      violations(rows, (r) => {
        const time = r.receivedAt.slice(11);
        return (
          /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/.test(r.receivedAt) &&
          r.receivedAt >= '2025/04/01' &&
          r.receivedAt < '2026/04/01' &&
          time >= '09:00' &&
          time <= '17:30' &&
          weekday(r) !== 0
        );
      }),
    ).toEqual([]);
    expect(rows.filter((r) => weekday(r) === 6).length / rows.length).toBeLessThan(0.03);
    // No consultations on public holidays or over the year-end closure.
    const closed = ['2025/04/29', '2025/05/05', '2025/05/06', '2025/11/24', '2025/12/30', '2026/01/02', '2026/03/20'];
    expect(violations(rows, (r) => !closed.includes(r.receivedAt.slice(0, 10)))).toEqual([]);
    const fy2026 = allRows(generateConsultationLogs({ total: 500, fiscalYear: 2026 }));
    expect(violations(fy2026, (r) => r.receivedAt >= '2026/04/01' && r.receivedAt < '2027/04/01')).toEqual([]);
  });

  it('uses the shared vocabularies', () => {
    const channels = labels(CHANNELS);
    const topics = labels(SUPPORT_FIELDS);
    const outcomes = labels(OUTCOMES);
    expect(
      violations(
        rows,
        (r) =>
          channels.has(r.channel) &&
          (r.topics.length === 1 || r.topics.length === 2) &&
          new Set(r.topics).size === r.topics.length &&
          r.topics.every((t) => topics.has(t)) &&
          outcomes.has(r.outcome) &&
          /^[A-T]$/.test(r.industry) &&
          Number.isInteger(r.employees) &&
          r.employees >= 1 &&
          r.employees <= 300 &&
          r.companyName !== '' &&
          r.consultant !== '',
      ),
    ).toEqual([]);
    // The credit guarantor works across its counter; employment bodies take calls.
    const share = (id: string, channel: string) =>
      small.get(id)!.filter((r) => r.channel === channel).length / small.get(id)!.length;
    expect(share('hyogo-cgc', CHANNELS.COUNTER.label)).toBeGreaterThan(0.6);
    expect(share('hyogo-koyo', CHANNELS.PHONE.label)).toBeGreaterThan(share('hyogo-cgc', CHANNELS.PHONE.label));
    const makers = (id: string) => small.get(id)!.filter((r) => r.industry === 'E').length / small.get(id)!.length;
    expect(makers('hyogo-itc')).toBeGreaterThan(2 * makers('hyogo-cgc'));
  });

  it('gives about 60% of firms a corporate number with a valid check digit', () => {
    const firms = new Map<string, ConsultationRow>();
    for (const r of rows) firms.set(`${r.corporateNumber ?? r.companyName}|${r.municipalityCode}`, r);
    const incorporated = [...firms.values()].filter((r) => r.corporateNumber !== null).length / firms.size;
    expect(incorporated).toBeGreaterThan(0.5);
    expect(incorporated).toBeLessThan(0.7);
    expect(
      violations(rows, (r) => r.corporateNumber === null || hasValidCorporateCheckDigit(r.corporateNumber)),
    ).toEqual([]);
  });

  it('locates every firm in a known municipality with a valid code', () => {
    expect(violations(DEMO_MUNICIPALITY_CODES, isValidLgCode)).toEqual([]);
    expect(violations(rows, (r) => DEMO_MUNICIPALITY_CODES.has(r.municipalityCode))).toEqual([]);
    // Toshima's counter serves the ward and its neighbours, Hyogo's agencies the prefecture.
    expect(violations(small.get('toshima-bizsapo')!, (r) => r.municipalityCode.startsWith('13'))).toEqual([]);
    expect(violations(small.get('hyogo-iac')!, (r) => r.municipalityCode.startsWith('28'))).toEqual([]);
    const amagasaki = small.get('amagasaki-ipo')!;
    expect(amagasaki.filter((r) => r.municipalityCode === '282022').length / amagasaki.length).toBeGreaterThan(0.8);
  });

  it('refers about 4% of consultations to another, fitting agency', () => {
    const known = new Set([...CONSULTATION_AGENCIES, ...REFERRAL_PARTNERS].map((a) => a.id));
    let referred = 0;
    for (const [agency, list] of small) {
      referred += list.filter((r) => r.referredTo !== null).length;
      expect(
        violations(list, (r) =>
          r.outcome === OUTCOMES.REFERRED.label
            ? r.referredTo !== null && known.has(r.referredTo) && r.referredTo !== agency
            : r.referredTo === null,
        ),
      ).toEqual([]);
    }
    expect(referred / rows.length).toBeGreaterThan(0.03);
    expect(referred / rows.length).toBeLessThan(0.05);
    const fromToshima = small.get('toshima-bizsapo')!.filter((r) => r.referredTo !== null);
    expect(
      violations(fromToshima, (r) => ['toshima-city', 'sugamo-sbiz', 'fuji-fbiz'].includes(r.referredTo!)),
    ).toEqual([]);
    const financeFromCci = small
      .get('hyogo-cci')!
      .filter((r) => r.referredTo !== null && r.topics[0] === SUPPORT_FIELDS.FINANCE.label);
    expect(financeFromCci.filter((r) => r.referredTo === 'hyogo-cgc').length).toBeGreaterThan(
      financeFromCci.length / 2,
    );
  });

  it('shows the same firm identically at several agencies', () => {
    const agenciesOf = new Map<string, Set<string>>();
    const profile = new Map<string, string>();
    const inconsistent: string[] = [];
    for (const [agency, list] of small) {
      for (const r of list) {
        if (r.corporateNumber === null) continue;
        const seen = agenciesOf.get(r.corporateNumber) ?? new Set<string>();
        seen.add(agency);
        agenciesOf.set(r.corporateNumber, seen);
        const p = [r.companyName, r.industry, r.employees, r.municipalityCode].join('|');
        if ((profile.get(r.corporateNumber) ?? p) !== p) inconsistent.push(r.corporateNumber);
        profile.set(r.corporateNumber, p);
      }
    }
    expect(inconsistent).toEqual([]);
    const several = [...agenciesOf.values()].filter((s) => s.size >= 2).length;
    expect(several / agenciesOf.size).toBeGreaterThanOrEqual(0.01);
    // Firms come back: fewer firms than consultations.
    expect(agenciesOf.size).toBeLessThan(rows.filter((r) => r.corporateNumber !== null).length / 2);
  });

  it('has summaries with commas and line breaks, as staff notes do', () => {
    expect(rows.some((r) => r.summary.includes(','))).toBe(true);
    expect(rows.some((r) => r.summary.includes('\n'))).toBe(true);
  });
});

describe('renderConsultationCsv', () => {
  const rows = allRows(generateConsultationLogs({ total: 20_000 }));

  it('round-trips through an RFC 4180 parser with the exact header', () => {
    const text = renderConsultationCsv(rows);
    expect(text.split('\r\n', 1)[0]).toBe(CSV_HEADER);
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(CSV_HEADER.split(','));
    expect(records).toHaveLength(rows.length);
    const asCsv = (r: ConsultationRow) =>
      [
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
      ].join('\u0000');
    expect(violations(records.keys(), (i) => Object.values(records[i]).join('\u0000') === asCsv(rows[i]))).toEqual([]);
  });

  it('keeps a summary with a comma, a quote and a line break intact', () => {
    const summary = '運転資金1,000万円の借入について相談。ブランド名"ソレイユ"も確認。\n次回、5月に再訪予定。';
    const row: ConsultationRow = { ...rows[0], summary };
    const text = renderConsultationCsv([row]);
    expect(text).toContain(
      '"運転資金1,000万円の借入について相談。ブランド名""ソレイユ""も確認。\n次回、5月に再訪予定。"',
    );
    const [record] = parse(text, { columns: true }) as Record<string, string>[];
    expect(record['相談概要']).toBe(summary);
    expect(rows.some((r) => r.summary.includes(',') && r.summary.includes('\n'))).toBe(true);
  });
});

describe('writeConsultationFiles', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'consultations-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one UTF-8 CSV without BOM per agency', async () => {
    const out = path.join(dir, 'nested', 'consultations');
    const { files, total } = await writeConsultationFiles(out, { total: 3_000, seed: 11 });
    expect(total).toBe(3_000);
    expect(files.map((f) => path.basename(f))).toEqual(CONSULTATION_AGENCIES.map((a) => `${a.id}.csv`));
    const logs = generateConsultationLogs({ total: 3_000, seed: 11 });
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
      expect(bytes.toString('utf8')).toBe(renderConsultationCsv(logs.get(path.basename(file, '.csv'))!));
    }
  });
});
