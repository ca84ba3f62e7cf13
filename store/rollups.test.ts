import type { ConsultationRecord } from '../domain/records';
import { GROUPINGS } from '../domain/statsPlan';
import { computeRollups, jstMonth } from './rollups';

function record(over: Partial<ConsultationRecord>): ConsultationRecord & { recordKey: number } {
  return {
    recordKey: 1000 * Number(over.id ?? 0),
    id: 'x',
    localId: 'x',
    organizationId: 'org-a',
    receivedAt: '2025-06-10T10:00:00+09:00',
    channel: 'COUNTER',
    topics: ['FINANCE'],
    corporateNumber: null,
    companyName: null,
    industry: 'E',
    employees: null,
    municipalityCode: '282014',
    phone: null,
    address: null,
    summary: null,
    consultant: null,
    outcome: null,
    referredToId: null,
    sourceId: 's',
    agencyId: 'org-a',
    sourceKind: 'SPREADSHEET',
    sourceLocation: 'x.csv',
    fetchedAt: '2025-06-10T00:00:00Z',
    contentHash: 'h',
    sourceRow: 2,
    ...over,
  };
}

describe('jstMonth', () => {
  it('takes the month in Japan time, not UTC', () => {
    expect(jstMonth('2025-06-30T15:30:00Z')).toBe('2025-07');
    expect(jstMonth('2025-06-30T14:59:59Z')).toBe('2025-06');
    expect(jstMonth('2025-07-01T00:10:00+09:00')).toBe('2025-07');
    expect(() => jstMonth('not a date')).toThrow(/not a timestamp/);
  });
});

describe('computeRollups', () => {
  const rows = computeRollups('s', [
    record({ id: '1', topics: ['FINANCE', 'SALES'] }),
    record({ id: '2', channel: 'PHONE', topics: ['FINANCE'], municipalityCode: null, industry: null }),
    record({ id: '3', receivedAt: '2025-06-30T20:00:00Z', topics: [] }),
  ]);
  const of = (grouping: string) => rows.filter((r) => r.grouping === grouping);

  it('counts every consultation once in each grouping without a single topic', () => {
    for (const g of GROUPINGS.filter((g) => !g.dims.includes('TOPIC'))) {
      expect(of(g.name).reduce((s, r) => s + r.n, 0)).toBe(3);
    }
  });

  it('counts a consultation once under each of its topics, and not at all without topics', () => {
    const topics = of('month_topic').map((r) => [r.month, r.topic, r.n]);
    expect(topics).toEqual([
      ['2025-06', 'FINANCE', 2],
      ['2025-06', 'SALES', 1],
    ]);
  });

  it('keeps only its own dimensions, with empty strings for missing values', () => {
    expect(
      of('municipality_industry').map((r) => [
        r.month,
        r.channel,
        r.municipalityCode,
        r.industry,
        r.topic,
        r.topics,
        r.n,
      ]),
    ).toEqual([
      ['', '', '282014', 'E', '', [], 2],
      ['', '', '', '', '', [], 1],
    ]);
    expect(of('month_channel').map((r) => [r.month, r.channel, r.n])).toEqual([
      ['2025-06', 'COUNTER', 1],
      ['2025-06', 'PHONE', 1],
      ['2025-07', 'COUNTER', 1],
    ]);
    expect(of('month_channel_topics').map((r) => r.topics)).toEqual([['FINANCE', 'SALES'], ['FINANCE'], []]);
  });

  it('sums the record keys of each row like its count', () => {
    expect(of('month_topic').map((r) => [r.topic, r.keySum])).toEqual([
      ['FINANCE', 3000],
      ['SALES', 1000],
    ]);
    expect(of('municipality_industry').map((r) => r.keySum)).toEqual([4000, 2000]);
  });
});
