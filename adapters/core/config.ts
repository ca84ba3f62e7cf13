/**
 * Agency configuration: one YAML file per agency under agencies/, validated with zod into a
 * discriminated union by source kind. A bad file stops start-up with the file, the path inside it
 * and what was expected, so an agency's onboarding mistake is found before any data moves.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { load as loadHtml } from 'cheerio';
import { z } from 'zod';
import { ENTITY_FIELDS, ruleColumns } from './fields';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case slug such as "hyogo-iac"');

const mappingEntry = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      value: z.string().optional(),
      /** Text with {column} placeholders, e.g. "https://example.jp/programs/{ID}". */
      template: z.string().regex(/\{[^{}]+\}/, 'a text with at least one {column} placeholder').optional(),
      split: z.array(z.string().min(1)).optional(),
      /** Resolve tags and entities (`<br>`, `&nbsp;`) in the cell before normalizing. */
      html: z.boolean().optional(),
      /** For support fields and topics: items outside the vocabulary are skipped, not refused. */
      ignoreUnknown: z.boolean().optional(),
    })
    .strict()
    .refine((m) => [m.column, m.value, m.template].filter((x) => x !== undefined).length === 1, 'exactly one of "column", "value" or "template"'),
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
  entity: z.enum(['organization', 'program', 'consultation', 'committee']),
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
    /** XLSX only: the sheet this source reads (the first visible one when absent); one source per sheet. */
    sheet: z.string().min(1).optional(),
    delimiter: z.string().length(1).default(','),
    ...sourceCommon,
  })
  .strict();

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL');

// A selector that cheerio cannot parse is a config mistake, reported at start-up like any other.
const emptyPage = loadHtml('<html></html>');
const cssSelector = z
  .string()
  .min(1)
  .refine((s) => {
    try {
      emptyPage(s);
      return true;
    } catch {
      return false;
    }
  }, 'a valid CSS selector');

/** What to take from a page: a selector's text (the shorthand), an attribute, or inner HTML. */
const extractSpec = z.union([
  cssSelector,
  z
    .object({
      /** Within the record (or the detail page); the record element itself when absent. */
      selector: cssSelector.optional(),
      attr: z.string().min(1).optional(),
      html: z.boolean().optional(),
    })
    .strict(),
]);
export type ExtractSpec = z.infer<typeof extractSpec>;

const maxPages = z.number().int().min(1).max(1000).default(20);

const websiteSource = z
  .object({
    kind: z.literal('website'),
    layout: z.string().optional(),
    /** The list page. */
    location: httpUrl,
    /** Used when neither the Content-Type header nor the page's <meta> names a charset. */
    encoding: z.enum(['auto', 'utf-8', 'shift_jis']).default('auto'),
    /** One element per record on the list page. */
    records: cssSelector,
    /** Raw field name → what to extract from a record; the mapping refers to these names. */
    fields: z.record(z.string(), extractSpec),
    pagination: z.object({ next: cssSelector, maxPages }).strict().optional(),
    /** A page per record, linked from it, with more fields. */
    detail: z.object({ link: cssSelector, fields: z.record(z.string(), extractSpec) }).strict().optional(),
    ...sourceCommon,
  })
  .strict();

// A dotted path into a JSON document: "data.items", "result", "meta.next_cursor".
const jsonPath = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a dotted path such as "data.items"');

const apiPagination = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('page'),
      param: z.string().min(1).default('page'),
      start: z.number().int().min(0).default(1),
      sizeParam: z.string().min(1).optional(),
      size: z.number().int().positive().optional(),
      /** Where the answer says how many pages there are; otherwise a short or empty page ends. */
      totalPagesPath: jsonPath.optional(),
      maxPages,
    })
    .strict(),
  z
    .object({
      type: z.literal('offset'),
      param: z.string().min(1).default('offset'),
      sizeParam: z.string().min(1).default('limit'),
      size: z.number().int().positive(),
      /** Where the answer gives the total number of records. */
      totalPath: jsonPath.optional(),
      maxPages,
    })
    .strict(),
  z.object({ type: z.literal('cursor'), param: z.string().min(1).default('cursor'), cursorPath: jsonPath, maxPages }).strict(),
  /** RFC 8288 `Link: <…>; rel="next"` headers. */
  z.object({ type: z.literal('link'), maxPages }).strict(),
]);

const apiSource = z
  .object({
    kind: z.literal('api'),
    layout: z.string().optional(),
    location: httpUrl,
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Path to the list of records in each answer; the answer itself when absent. */
    records: jsonPath.optional(),
    /** Raw field name → path inside a record. Every path of a record is usable in the mapping as well. */
    fields: z.record(z.string(), jsonPath).optional(),
    pagination: apiPagination.optional(),
    /** A header whose value comes from an environment variable, so no secret sits in the file. */
    auth: z
      .object({
        header: z.string().min(1).default('Authorization'),
        env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name'),
        prefix: z.string().default(''),
      })
      .strict()
      .optional(),
    ...sourceCommon,
  })
  .strict();

export const sourceConfigSchema = z.discriminatedUnion('kind', [spreadsheetSource, websiteSource, apiSource]);
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SpreadsheetSourceConfig = z.infer<typeof spreadsheetSource>;
export type WebsiteSourceConfig = z.infer<typeof websiteSource>;
export type ApiSourceConfig = z.infer<typeof apiSource>;

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
      if (source.kind === 'spreadsheet' && source.format === 'csv' && source.sheet !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'sheet'], message: '"sheet" applies to format: xlsx only' });
      }
      if (source.kind === 'website') {
        const extracted = new Set([...Object.keys(source.fields), ...Object.keys(source.detail?.fields ?? {})]);
        for (const [key, entry] of Object.entries(source.mapping)) {
          for (const column of ruleColumns(entry)) {
            if (extracted.has(column)) continue;
            ctx.addIssue({
              code: 'custom',
              path: ['sources', i, 'mapping', key],
              message: `"${column}" is not an extracted field; expected one of ${[...extracted].join(', ')}`,
            });
          }
        }
      }
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
