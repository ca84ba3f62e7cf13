/**
 * The signals a firm's growth score is made of, and their Japanese names as the committee papers
 * write them. Apart from the weights (./weights.ts, which validate a data file with zod) so that
 * the committee page reads the names without bundling the validator.
 */
export const GROWTH_SIGNALS = [
  'AGENCIES',
  'GROWTH_TOPICS',
  'GROWTH_CONSULTATIONS',
  'FREQUENCY',
  'RECENCY',
  'SIZE',
  'INDUSTRY',
  'REFERRALS',
] as const;
export type GrowthSignal = (typeof GROWTH_SIGNALS)[number];

/** Japanese names of the signals, as the committee papers write them. */
export const GROWTH_SIGNAL_LABELS: Record<GrowthSignal, string> = {
  AGENCIES: '相談機関数',
  GROWTH_TOPICS: '成長分野',
  GROWTH_CONSULTATIONS: '成長分野の相談件数',
  FREQUENCY: '直近の相談件数',
  RECENCY: '最終相談からの日数',
  SIZE: '従業員数',
  INDUSTRY: '業種',
  REFERRALS: '機関間の紹介',
};
