import { chooseGrouping, splitMonths } from './stats';

describe('splitMonths', () => {
  it('reads whole months from rollups and nothing from records when the range is whole months', () => {
    expect(splitMonths({ from: '2025-10-01', to: '2025-12-31' })).toEqual({
      months: { first: '2025-10', last: '2025-12' },
      edges: [],
    });
  });

  it('counts the partial months at either end from records', () => {
    expect(splitMonths({ from: '2025-06-15', to: '2025-09-10' })).toEqual({
      months: { first: '2025-07', last: '2025-08' },
      edges: [
        { from: '2025-06-15', to: '2025-06-30' },
        { from: '2025-09-01', to: '2025-09-10' },
      ],
    });
  });

  it('knows February, leap years and open ends', () => {
    expect(splitMonths({ to: '2028-02-29' })).toEqual({ months: { first: undefined, last: '2028-02' }, edges: [] });
    expect(splitMonths({ to: '2026-02-28' })).toEqual({ months: { first: undefined, last: '2026-02' }, edges: [] });
    expect(splitMonths({ to: '2028-02-28' }).edges).toEqual([{ from: '2028-02-01', to: '2028-02-28' }]);
    expect(splitMonths({ from: '2025-12-02' })).toEqual({
      months: { first: '2026-01', last: undefined },
      edges: [{ from: '2025-12-02', to: '2025-12-31' }],
    });
  });

  it('sends a range inside one month to records, and an inverted range nowhere', () => {
    expect(splitMonths({ from: '2025-06-03', to: '2025-06-20' })).toEqual({
      months: null,
      edges: [{ from: '2025-06-03', to: '2025-06-20' }],
    });
    expect(splitMonths({ from: '2025-06-03', to: '2025-07-20' })).toEqual({
      months: null,
      edges: [{ from: '2025-06-03', to: '2025-07-20' }],
    });
    expect(splitMonths({ from: '2025-07-01', to: '2025-06-30' })).toEqual({ months: null, edges: [] });
  });
});

describe('chooseGrouping', () => {
  it('takes the cheapest grouping that keeps every dimension asked for', () => {
    expect(chooseGrouping(['ORGANIZATION'], null)?.name).toBe('month_channel');
    expect(chooseGrouping(['MUNICIPALITY', 'INDUSTRY'], null)?.name).toBe('municipality_industry');
    expect(chooseGrouping(['TOPIC', 'MONTH'], null)?.name).toBe('month_topic');
  });

  it('needs the month for a date filter and the topic set for a topic filter', () => {
    expect(chooseGrouping(['INDUSTRY'], { from: '2025-04-01' })?.name).toBe('month_industry');
    expect(chooseGrouping(['TOPIC'], { topics: ['IP'] })?.name).toBe('month_channel_topics');
    expect(chooseGrouping(['CHANNEL'], { topics: ['IP', 'DX'] })?.name).toBe('month_channel_topics');
  });

  it('serves a filter on one topic from a one-topic grouping, unless topics are also a dimension', () => {
    expect(chooseGrouping(['CHANNEL'], { topics: ['IP'] })?.name).toBe('topic_channel');
    expect(chooseGrouping(['MUNICIPALITY', 'MONTH'], { topics: ['SUCCESSION'] })?.name).toBe(
      'month_topic_municipality',
    );
    expect(chooseGrouping(['MUNICIPALITY', 'MONTH'], { topics: ['SUCCESSION', 'IP'] })).toBeUndefined();
    expect(chooseGrouping(['TOPIC', 'CHANNEL'], { topics: ['IP'] })?.name).toBe('month_channel_topics');
  });

  it('never counts a one-topic grouping without a TOPIC breakdown, and gives up when nothing covers', () => {
    expect(chooseGrouping(['INDUSTRY'], null)?.name).toBe('channel_industry');
    expect(chooseGrouping(['MUNICIPALITY', 'INDUSTRY'], { from: '2025-04-01' })).toBeUndefined();
    expect(chooseGrouping(['MONTH', 'MUNICIPALITY', 'INDUSTRY'], null)).toBeUndefined();
  });
});
