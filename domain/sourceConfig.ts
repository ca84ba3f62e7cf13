/**
 * Pieces of the agency file's schema (zod) that several source kinds share: ids, durations, locations
 * and credentials read from the environment by name.
 */
import { z } from 'zod';

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug such as "hyogo-iac"');

export const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'a duration such as "30m", "6h" or "1d"')
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    const unit = s.trim().slice(-1) as 's' | 'm' | 'h' | 'd';
    return n * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  });

/** An http(s) URL, or a path relative to the agency file (a saved page, an exported JSON file). */
export const urlOrPath = z
  .string()
  .min(1)
  .refine((s) => /^https?:\/\/\S+$/.test(s) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(s), 'an http(s) URL or a file path');

/** An http(s) URL only. */
export const httpUrl = z
  .string()
  .min(1)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'an http(s) URL');

export const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name');

/** A header whose value comes from an environment variable, so no secret sits in the file. */
export const headerFromEnv = z
  .object({
    header: z.string().min(1).default('Authorization'),
    env: envName,
    prefix: z.string().default(''),
  })
  .strict();
export type HeaderFromEnv = z.infer<typeof headerFromEnv>;
