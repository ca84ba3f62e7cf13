/**
 * Settings of the desk and its alerts, read once from the environment and validated (zod); a bad
 * value stops the start naming the variable and what was expected.
 * (To move into the one settings schema of the app when that lands.)
 */
import { z } from 'zod';
import { parseAllowedRanges, type OutboundPolicy } from './webhooks/outbound';

const ms = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400_000)
    .default(fallback);

const environment = z.object({
  MADOGUCHI_WEBHOOK_ALLOW_PRIVATE: z.string().optional(),
  MADOGUCHI_WEBHOOK_OWNERS: z.string().optional(),
  MADOGUCHI_WEBHOOK_MAX_PER_OWNER: z.coerce.number().int().min(1).max(100_000).default(100),
  MADOGUCHI_WEBHOOK_RETRY_BASE_MS: ms(5_000),
  MADOGUCHI_WEBHOOK_RETRY_MAX_MS: ms(5 * 3_600_000),
  MADOGUCHI_WEBHOOK_RETRY_WINDOW_MS: ms(24 * 3_600_000),
  MADOGUCHI_WEBHOOK_TIMEOUT_MS: ms(10_000),
});

export interface DeskSettings {
  outbound: OutboundPolicy;
  /** Token subjects that may register webhooks besides coordinators. */
  webhookOwners: Set<string>;
  maxWebhooksPerOwner: number;
  retry: {
    /** Delay after the first failure; each later one is `factor` times the last, up to `maxMs`. */
    baseMs: number;
    factor: number;
    maxMs: number;
    /** A delivery still failing this long after it was created is given up and its webhook disabled. */
    windowMs: number;
  };
  timeoutMs: number;
}

export function deskSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DeskSettings {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new Error(`invalid settings in the environment:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    outbound: { allowed: parseAllowedRanges(e.MADOGUCHI_WEBHOOK_ALLOW_PRIVATE) },
    webhookOwners: new Set(
      (e.MADOGUCHI_WEBHOOK_OWNERS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    maxWebhooksPerOwner: e.MADOGUCHI_WEBHOOK_MAX_PER_OWNER,
    retry: {
      baseMs: e.MADOGUCHI_WEBHOOK_RETRY_BASE_MS,
      factor: 4,
      maxMs: e.MADOGUCHI_WEBHOOK_RETRY_MAX_MS,
      windowMs: e.MADOGUCHI_WEBHOOK_RETRY_WINDOW_MS,
    },
    timeoutMs: e.MADOGUCHI_WEBHOOK_TIMEOUT_MS,
  };
}
