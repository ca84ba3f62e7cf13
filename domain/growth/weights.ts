/**
 * The growth score's thresholds and points, a reviewed data file (score-weights.json) validated here
 * with zod when first loaded: a mistake in it stops start-up naming the file, the path inside it
 * and what was expected, rather than scoring firms with half a table.
 */
import { z } from 'zod';
import { JSIC_DIVISIONS, SUPPORT_FIELDS, type JsicDivision, type SupportFieldCode } from '../vocabulary';
import raw from './score-weights.json';

const points = z.number().int().min(-100).max(100);
const atLeastBands = z.array(z.object({ atLeast: z.number().int().min(0), points }).strict()).min(1);
const atMostBands = z.array(z.object({ atMost: z.number().int().min(0), points }).strict()).min(1);

const increasing = (bands: Array<{ atLeast?: number; atMost?: number }>) => {
  const xs = bands.map((b) => b.atLeast ?? b.atMost!);
  return xs.every((x, i) => i === 0 || x > xs[i - 1]);
};
const bandSignal = z
  .object({ $comment: z.string().optional(), bands: z.union([atLeastBands, atMostBands]) })
  .strict()
  .refine((s) => increasing(s.bands), {
    message: 'band thresholds must increase from one band to the next',
    path: ['bands'],
  });

const industryCode = z.string().refine((c): c is JsicDivision => c in JSIC_DIVISIONS, 'a JSIC division letter (A–T)');

export const weightsSchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    version: z.string().min(1),
    windowDays: z.number().int().min(30).max(3650),
    recentDays: z.number().int().min(7).max(3650),
    growthTopics: z
      .array(z.string().refine((t): t is SupportFieldCode => t in SUPPORT_FIELDS, 'a support field code such as SALES'))
      .min(1)
      .max(16)
      .refine((ts) => new Set(ts).size === ts.length, 'each growth topic once'),
    agenda: z.object({ topScored: z.number().int().min(0).max(50) }).strict(),
    signals: z
      .object({
        AGENCIES: bandSignal,
        GROWTH_TOPICS: bandSignal,
        GROWTH_CONSULTATIONS: bandSignal,
        FREQUENCY: bandSignal,
        RECENCY: bandSignal,
        SIZE: bandSignal,
        INDUSTRY: z.object({ $comment: z.string().optional(), points: z.record(industryCode, points) }).strict(),
        REFERRALS: bandSignal,
      })
      .strict(),
  })
  .strict()
  .refine((w) => w.recentDays <= w.windowDays, {
    message: 'recentDays must not exceed windowDays',
    path: ['recentDays'],
  });

export type GrowthWeights = z.infer<typeof weightsSchema> & { growthTopics: SupportFieldCode[] };
export type Band = { atLeast: number; points: number } | { atMost: number; points: number };

export const WEIGHTS_FILE = 'domain/growth/score-weights.json';

/** Validates a weights document; `file` names it in the error. */
export function parseWeights(input: unknown, file = WEIGHTS_FILE): GrowthWeights {
  const result = weightsSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  at ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file}: invalid growth weights\n${problems.join('\n')}`);
  }
  return result.data as GrowthWeights;
}

let loaded: GrowthWeights | undefined;

/** The weights the product scores with (score-weights.json), validated once. */
export function growthWeights(): GrowthWeights {
  return (loaded ??= parseWeights(raw));
}
