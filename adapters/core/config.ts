/**
 * Agency configuration: one YAML file per agency under agencies/, validated with zod into a
 * discriminated union by source kind. A bad file stops start-up with the file, the path inside it
 * and what was expected, so an agency's onboarding mistake is found before any data moves.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ENTITY_FIELDS } from './fields';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug such as "hyogo-iac"');

const mappingEntry = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      value: z.string().optional(),
      split: z.array(z.string().min(1)).optional(),
      html: z.boolean().optional(),
    })
    .strict()
    .refine((m) => m.column !== undefined || m.value !== undefined, 'either "column" or "value"'),
]);
export type MappingEntry = z.infer<typeof mappingEntry>;

const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'a duration such as "30m", "6h" or "1d"')
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    const unit = s.trim().slice(-1) as 's' | 'm' | 'h' | 'd';
    return n * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  });

const retryPolicy = z
  .object({
    attempts: z.number().int().min(1).max(10).default(3),
    backoffMs: z.number().int().min(0).default(500),
    retryOn: z.array(z.number().int().min(400).max(599)).default([429, 500, 502, 503, 504]),
  })
  .strict();

const sourceCommon = {
  id: slug,
  entity: z.enum(['organization', 'program', 'consultation']),
  interval: duration.optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  retry: retryPolicy.optional(),
  mapping: z.record(z.string(), mappingEntry),
};

const spreadsheetSource = z
  .object({
    kind: z.literal('spreadsheet'),
    /** A shared layout under agencies/layouts/ whose settings and mapping this source starts from. */
    layout: z.string().optional(),
    /** A path relative to the agency file, or an http(s) URL. */
    location: z.string().min(1),
    format: z.enum(['csv', 'xlsx']).default('csv'),
    encoding: z.enum(['auto', 'utf-8', 'shift_jis']).default('auto'),
    /** Spreadsheet row (1-based) holding the column names; title rows above it are skipped. */
    headerRow: z.number().int().min(1).default(1),
    sheet: z.string().optional(),
    delimiter: z.string().length(1).default(','),
    ...sourceCommon,
  })
  .strict();

export const sourceConfigSchema = z.discriminatedUnion('kind', [spreadsheetSource]);
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SpreadsheetSourceConfig = z.infer<typeof spreadsheetSource>;

export const agencyConfigSchema = z
  .object({
    id: slug,
    name: z.string().min(1),
    sources: z.array(sourceConfigSchema).min(1),
  })
  .strict()
  .superRefine((agency, ctx) => {
    const ids = new Set<string>();
    agency.sources.forEach((source, i) => {
      if (ids.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` });
      ids.add(source.id);
      const fields = ENTITY_FIELDS[source.entity];
      for (const key of Object.keys(source.mapping)) {
        if (!(key in fields)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'mapping', key],
            message: `unknown ${source.entity} field "${key}"; expected one of ${Object.keys(fields).join(', ')}`,
          });
        }
      }
      for (const [key, spec] of Object.entries(fields)) {
        if (spec.required && !(key in source.mapping) && spec.defaultFromAgency !== true) {
          ctx.addIssue({ code: 'custom', path: ['sources', i, 'mapping', key], message: `required ${source.entity} field "${key}" is not mapped` });
        }
      }
    });
  });

export type AgencyConfig = z.infer<typeof agencyConfigSchema> & { file: string; dir: string };

export class AgencyConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ path: string; message: string }>,
  ) {
    super(`${file}: invalid agency config\n${problems.map((p) => `  at ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'AgencyConfigError';
  }
}

// ${VAR} and ${VAR:-default} in string values, so secrets and hosts stay out of the files.
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string[], missing: Array<{ path: string; message: string }>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const v = env[name] ?? fallback;
      if (v === undefined) missing.push({ path: path.join('.'), message: `environment variable ${name} is not set` });
      return v ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, String(i)], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], missing)]));
  }
  return value;
}

/**
 * Several agencies publish the same layout (a network's template, a CRM's export): a source may
 * name one from agencies/layouts/<name>.yaml and override any of its keys or column mappings.
 */
function applyLayouts(raw: unknown, dir: string, problems: Array<{ path: string; message: string }>): unknown {
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { sources?: unknown }).sources)) return raw;
  const sources = (raw as { sources: unknown[] }).sources.map((source, i) => {
    if (!source || typeof source !== 'object' || typeof (source as { layout?: unknown }).layout !== 'string') return source;
    const name = (source as { layout: string }).layout;
    const layoutFile = join(dir, 'layouts', `${name}.yaml`);
    let layout: Record<string, unknown>;
    try {
      layout = parseYaml(readFileSync(layoutFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      problems.push({ path: `sources.${i}.layout`, message: `layout "${name}" cannot be read from layouts/${name}.yaml: ${(e as Error).message}` });
      return source;
    }
    const own = source as Record<string, unknown>;
    return {
      ...layout,
      ...own,
      mapping: { ...((layout.mapping as object) ?? {}), ...((own.mapping as object) ?? {}) },
    };
  });
  return { ...(raw as object), sources };
}

/** Parses and validates one agency file's text; `file` names it in every error. */
export function parseAgencyConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): AgencyConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new AgencyConfigError(file, [{ path: '', message: `not valid YAML: ${(e as Error).message}` }]);
  }
  const problems: Array<{ path: string; message: string }> = [];
  const interpolated = applyLayouts(interpolate(raw, env, [], problems), resolve(file, '..'), problems);
  if (problems.length > 0) throw new AgencyConfigError(file, problems);
  const result = agencyConfigSchema.safeParse(interpolated);
  if (!result.success) {
    throw new AgencyConfigError(
      file,
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (result.data.id !== expected) {
    throw new AgencyConfigError(file, [{ path: 'id', message: `expected "${expected}" (the file name), got "${result.data.id}"` }]);
  }
  return { ...result.data, file, dir: resolve(file, '..') };
}

export function loadAgencyConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgencyConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AgencyConfigError(file, [{ path: '', message: `cannot read file: ${(e as Error).message}` }]);
  }
  return parseAgencyConfig(text, file, env);
}

/** Loads every agency file in a directory; all problems of all files are reported together. */
export function loadAgencyConfigs(dir: string, env: NodeJS.ProcessEnv = process.env): AgencyConfig[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const configs: AgencyConfig[] = [];
  const errors: AgencyConfigError[] = [];
  for (const f of files) {
    try {
      configs.push(loadAgencyConfig(join(dir, f), env));
    } catch (e) {
      if (e instanceof AgencyConfigError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const all = new AgencyConfigError(dir, errors.flatMap((e) => e.problems.map((p) => ({ ...p, path: `${basename(e.file)} ${p.path}` }))));
    all.message = errors.map((e) => e.message).join('\n');
    throw all;
  }
  return configs;
}
