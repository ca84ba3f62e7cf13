/**
 * The growth score explained: a firm's signals read against the reviewed weights, one
 * contribution per signal with the value measured, the points given and the band that gave them.
 * The total is the sum of the contributions and nothing else, so a coordinator can check every
 * point. (The store ranks firms with the same bands in SQL; a test holds the two to one answer.)
 */
import { JSIC_DIVISIONS, SUPPORT_FIELDS, type JsicDivision, type SupportFieldCode } from '../vocabulary';
import { GROWTH_SIGNAL_LABELS, type GrowthSignal } from './signals';
import type { Band, GrowthWeights } from './weights';

/** What the refresh measured for one firm across every agency's consultations. */
export interface FirmSignals {
  /** Consultations within the weights' window; 0 means the firm has no signals at all. */
  consultations: number;
  /** Distinct agencies consulted within the window. */
  agencies: number;
  /** Distinct growth topics raised within the window. */
  growthTopics: SupportFieldCode[];
  /** Consultations within the window touching at least one growth topic. */
  growthConsultations: number;
  /** Consultations within the last `recentDays`. */
  frequency: number;
  /** Days from the latest consultation to the reference day; null without consultations. */
  daysSinceLast: number | null;
  employees: number | null;
  industry: JsicDivision | null;
  /** Consultations handed to another agency. */
  referrals: number;
}

export interface ScoreContribution {
  signal: GrowthSignal;
  /** The measured value, as text (a count, topic codes, a JSIC letter). */
  value: string;
  points: number;
  reason: string;
}

export interface GrowthScore {
  total: number;
  contributions: ScoreContribution[];
}

/** The points a value earns in a signal's bands, and the band (null below every band). */
export function bandFor(bands: readonly Band[], value: number): Band | null {
  if ('atLeast' in bands[0]) {
    let hit: Band | null = null;
    for (const b of bands) if (value >= (b as { atLeast: number }).atLeast) hit = b;
    return hit;
  }
  for (const b of bands) if (value <= (b as { atMost: number }).atMost) return b;
  return null;
}

function describeBand(bands: readonly Band[], band: Band | null): string {
  if (band && 'atLeast' in band) return `at least ${band.atLeast} gives ${band.points}`;
  if (band && 'atMost' in band) return `at most ${band.atMost} gives ${band.points}`;
  const first = bands[0];
  return 'atLeast' in first
    ? `under ${first.atLeast} gives 0`
    : `over ${(bands[bands.length - 1] as { atMost: number }).atMost} gives 0`;
}

function banded(
  signal: GrowthSignal,
  bands: readonly Band[],
  value: number,
  what: string,
  shown = String(value),
): ScoreContribution {
  const band = bandFor(bands, value);
  return {
    signal,
    value: shown,
    points: band?.points ?? 0,
    reason: `${what} (${GROWTH_SIGNAL_LABELS[signal]}): ${describeBand(bands, band)}`,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Every contribution of a firm's signals, in the weights' signal order. A firm without
 * consultations in the window has no signals: total 0, no contributions.
 */
export function explainScore(signals: FirmSignals | null, weights: GrowthWeights): GrowthScore {
  if (!signals || signals.consultations <= 0) return { total: 0, contributions: [] };
  const s = weights.signals;
  const out: ScoreContribution[] = [
    banded(
      'AGENCIES',
      s.AGENCIES.bands,
      signals.agencies,
      `${plural(signals.agencies, 'agency', 'agencies')} consulted in the last ${weights.windowDays} days`,
    ),
    banded(
      'GROWTH_TOPICS',
      s.GROWTH_TOPICS.bands,
      signals.growthTopics.length,
      signals.growthTopics.length === 0
        ? 'no growth topic raised'
        : `${plural(signals.growthTopics.length, 'growth topic')} raised: ${signals.growthTopics.map((t) => SUPPORT_FIELDS[t].label).join('、')}`,
      signals.growthTopics.join(','),
    ),
    banded(
      'GROWTH_CONSULTATIONS',
      s.GROWTH_CONSULTATIONS.bands,
      signals.growthConsultations,
      `${plural(signals.growthConsultations, 'consultation')} about growth topics`,
    ),
    banded(
      'FREQUENCY',
      s.FREQUENCY.bands,
      signals.frequency,
      `${plural(signals.frequency, 'consultation')} in the last ${weights.recentDays} days`,
    ),
  ];
  if (signals.daysSinceLast !== null) {
    out.push(
      banded(
        'RECENCY',
        s.RECENCY.bands,
        signals.daysSinceLast,
        `latest consultation ${plural(signals.daysSinceLast, 'day')} before the reference day`,
      ),
    );
  }
  if (signals.employees !== null)
    out.push(banded('SIZE', s.SIZE.bands, signals.employees, `${plural(signals.employees, 'employee')}`));
  if (signals.industry !== null) {
    const listed = s.INDUSTRY.points[signals.industry];
    out.push({
      signal: 'INDUSTRY',
      value: signals.industry,
      points: listed ?? 0,
      reason: `JSIC ${signals.industry} ${JSIC_DIVISIONS[signals.industry]} (${GROWTH_SIGNAL_LABELS.INDUSTRY}): ${listed === undefined ? 'not listed gives 0' : `listed, gives ${listed}`}`,
    });
  }
  out.push(
    banded(
      'REFERRALS',
      s.REFERRALS.bands,
      signals.referrals,
      `${plural(signals.referrals, 'consultation')} handed to another agency`,
    ),
  );
  return { total: out.reduce((sum, c) => sum + c.points, 0), contributions: out };
}

/** Growth topics as the refresh stores them: one bit per topic, in the weights' order. */
export function topicsOfMask(mask: number, weights: GrowthWeights): SupportFieldCode[] {
  return weights.growthTopics.filter((_, i) => (mask & (1 << i)) !== 0);
}
