import { chooseGrouping } from './statsPlan';

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
