import { bandFor, explainScore, topicsOfMask, type FirmSignals } from './score';
import { growthWeights, parseWeights } from './weights';
import { GROWTH_SIGNALS } from './signals';
import raw from './score-weights.json';

const weights = growthWeights();

const busy: FirmSignals = {
  consultations: 14,
  agencies: 3,
  growthTopics: ['SALES', 'OVERSEAS'],
  growthConsultations: 7,
  frequency: 6,
  daysSinceLast: 12,
  employees: 24,
  industry: 'E',
  referrals: 1,
};

describe('explainScore', () => {
  it('lists one contribution per signal, and the contributions add up to the total', () => {
    const score = explainScore(busy, weights);
    expect(score.contributions.map((c) => c.signal)).toEqual([...GROWTH_SIGNALS]);
    expect(score.total).toBe(score.contributions.reduce((s, c) => s + c.points, 0));
    // Read off the reviewed bands: 3 agencies, 2 topics, 7 growth consultations, 6 recent, 12 days, 24 staff, E, 1 hand-off.
    const byBand = (signal: keyof typeof weights.signals, value: number) => {
      const s = weights.signals[signal];
      return 'bands' in s ? (bandFor(s.bands, value)?.points ?? 0) : 0;
    };
    const expected =
      byBand('AGENCIES', 3) +
      byBand('GROWTH_TOPICS', 2) +
      byBand('GROWTH_CONSULTATIONS', 7) +
      byBand('FREQUENCY', 6) +
      byBand('RECENCY', 12) +
      byBand('SIZE', 24) +
      (weights.signals.INDUSTRY.points.E ?? 0) +
      byBand('REFERRALS', 1);
    expect(score.total).toBe(expected);
    expect(score.total).toBeGreaterThan(0);
  });

  it('explains each contribution with the value and the band that gave the points', () => {
    const { contributions } = explainScore(busy, weights);
    const agencies = contributions.find((c) => c.signal === 'AGENCIES')!;
    expect(agencies.value).toBe('3');
    expect(agencies.reason).toMatch(/3 agencies consulted .*相談機関数.*at least 3 gives 30/);
    const topics = contributions.find((c) => c.signal === 'GROWTH_TOPICS')!;
    expect(topics.value).toBe('SALES,OVERSEAS');
    expect(topics.reason).toContain('販路開拓、海外展開');
    const recency = contributions.find((c) => c.signal === 'RECENCY')!;
    expect(recency.reason).toMatch(/at most 30 gives 10/);
    const industry = contributions.find((c) => c.signal === 'INDUSTRY')!;
    expect(industry.reason).toContain('製造業');
  });

  it('gives a firm with no signals 0 and no contributions', () => {
    expect(explainScore(null, weights)).toEqual({ total: 0, contributions: [] });
    expect(explainScore({ ...busy, consultations: 0 }, weights)).toEqual({ total: 0, contributions: [] });
  });

  it('is deterministic: the same signals always give the same explanation', () => {
    expect(explainScore(busy, weights)).toEqual(
      explainScore({ ...busy, growthTopics: [...busy.growthTopics] }, weights),
    );
  });

  it('says why a value below every band earns nothing, and leaves out what was not recorded', () => {
    const quiet = {
      ...busy,
      agencies: 1,
      growthTopics: [],
      growthConsultations: 0,
      frequency: 0,
      daysSinceLast: 400,
      employees: null,
      industry: null,
      referrals: 0,
    };
    const score = explainScore(quiet as FirmSignals, weights);
    expect(score.contributions.map((c) => c.signal)).not.toContain('SIZE');
    expect(score.contributions.map((c) => c.signal)).not.toContain('INDUSTRY');
    expect(score.contributions.find((c) => c.signal === 'AGENCIES')!.reason).toMatch(/under 2 gives 0/);
    expect(score.contributions.find((c) => c.signal === 'RECENCY')!.reason).toMatch(/over 180 gives 0/);
    expect(score.total).toBe(0);
  });
});

describe('bands', () => {
  it('take the highest band reached, or the tightest band a value is within', () => {
    const up = [
      { atLeast: 2, points: 1 },
      { atLeast: 5, points: 3 },
    ];
    expect(bandFor(up, 1)).toBeNull();
    expect(bandFor(up, 2)?.points).toBe(1);
    expect(bandFor(up, 9)?.points).toBe(3);
    const down = [
      { atMost: 10, points: 5 },
      { atMost: 30, points: 2 },
    ];
    expect(bandFor(down, 0)?.points).toBe(5);
    expect(bandFor(down, 11)?.points).toBe(2);
    expect(bandFor(down, 31)).toBeNull();
  });

  it('store growth topics as bits in the weights order', () => {
    const mask = (1 << weights.growthTopics.indexOf('OVERSEAS')) | (1 << weights.growthTopics.indexOf('SALES'));
    expect(topicsOfMask(mask, weights).sort()).toEqual(['OVERSEAS', 'SALES']);
  });
});

describe('the weights file', () => {
  it('is refused with the file, the path and the expectation when a band is wrong', () => {
    const broken = JSON.parse(JSON.stringify(raw));
    broken.signals.AGENCIES.bands[1].atLeast = 1;
    expect(() => parseWeights(broken)).toThrow(
      /score-weights\.json: invalid growth weights\n\s+at signals\.AGENCIES\.bands: band thresholds must increase/,
    );
    const unknownTopic = { ...JSON.parse(JSON.stringify(raw)), growthTopics: ['SALES', 'CAKE'] };
    expect(() => parseWeights(unknownTopic)).toThrow(/at growthTopics\.1: a support field code/);
    const missing = JSON.parse(JSON.stringify(raw));
    delete missing.signals.RECENCY;
    expect(() => parseWeights(missing)).toThrow(/at signals\.RECENCY/);
  });
});
