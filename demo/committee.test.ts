/**
 * The demo committee's minutes agree with the consultation logs they are drawn from: every firm
 * named is one of the logs' firms with a 法人番号, selected firms are known to several agencies or
 * keep asking about growth topics, and the history has the shape the white paper reports — a
 * meeting a month since 2016, 300+ firms selected, about 100 supported now.
 */
import { parse } from 'csv-parse/sync';
import { generateConsultationLogs } from './consultations';
import { committeeMinutes, renderMinutesCsv, tallyFirms, MINUTES_HEADER, type FirmTally } from './committee';

function tallyOf(total: number): FirmTally {
  const tally: FirmTally = new Map();
  for (const [agency, rows] of generateConsultationLogs({ total })) tallyFirms(tally, agency, rows);
  return tally;
}

describe('committee minutes at the demo size (100,000 consultations)', () => {
  const tally = tallyOf(100_000);
  const minutes = committeeMinutes(tally, { seed: 20260401, total: 100_000, fiscalYear: 2025 });

  it('hold a meeting a month from April 2016 to March 2026', () => {
    const months = new Set(minutes.map((m) => m.localId.slice(0, 7)));
    expect(minutes[0].meetingOn).toBe('2016/04/20');
    expect(minutes.at(-1)!.meetingOn.startsWith('2026/03')).toBe(true);
    expect(months.size).toBeGreaterThan(110);
    expect(months.size).toBeLessThanOrEqual(120);
  });

  it('select 300+ firms over the years, about 100 of them still supported', () => {
    const selected = new Set(minutes.filter((m) => m.outcome === 'SELECTED').map((m) => m.corporateNumber));
    const ended = new Set(
      minutes.filter((m) => m.outcome === 'GRADUATED' || m.outcome === 'WITHDRAWN').map((m) => m.corporateNumber),
    );
    expect(selected.size).toBeGreaterThanOrEqual(300);
    const active = [...selected].filter((f) => !ended.has(f)).length;
    expect(active).toBeGreaterThanOrEqual(85);
    expect(active).toBeLessThanOrEqual(115);
  });

  it('name only firms of the logs, and select firms the logs point at', () => {
    for (const m of minutes) {
      const firm = tally.get(m.corporateNumber);
      expect({ firm: m.corporateNumber, known: firm !== undefined, name: firm?.name }).toEqual({
        firm: m.corporateNumber,
        known: true,
        name: m.companyName,
      });
      if (m.outcome !== 'SELECTED') continue;
      expect(firm!.visits.size >= 2 || firm!.growthVisits >= 4).toBe(true);
      // The agency that nominated and leads the support is one the firm consulted.
      expect(firm!.visits.has(m.nominatedBy!)).toBe(true);
      expect(m.leadAgency).toBe(m.nominatedBy);
      expect(m.participatingAgencies).not.toContain(m.leadAgency);
      expect(m.goals.length).toBeGreaterThan(0);
    }
  });

  it('end a plan only after its selection, and every decision has a reason', () => {
    const selectedAt = new Map(
      minutes.filter((m) => m.outcome === 'SELECTED').map((m) => [m.corporateNumber, m.meetingOn]),
    );
    for (const m of minutes) {
      expect(m.reason.length).toBeGreaterThan(5);
      if (m.outcome === 'GRADUATED' || m.outcome === 'WITHDRAWN')
        expect(m.meetingOn > selectedAt.get(m.corporateNumber)!).toBe(true);
    }
  });

  it('render as the CSV the layout reads, the same for the same seed', () => {
    const text = renderMinutesCsv(minutes);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(MINUTES_HEADER.split(','));
    expect(records).toHaveLength(minutes.length);
    expect(renderMinutesCsv(committeeMinutes(tally, { seed: 20260401, total: 100_000, fiscalYear: 2025 }))).toBe(text);
  });
});

test('a smaller log gets proportionally fewer selections', () => {
  const minutes = committeeMinutes(tallyOf(12_000), { seed: 20260401, total: 12_000, fiscalYear: 2025 });
  const selected = minutes.filter((m) => m.outcome === 'SELECTED').length;
  expect(selected).toBeGreaterThanOrEqual(30);
  expect(selected).toBeLessThanOrEqual(45);
});
