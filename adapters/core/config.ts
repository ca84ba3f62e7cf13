/**
 * Agency configuration: one YAML file per agency under agencies/, validated with zod into a
 * discriminated union by source kind (each source's schema is ./sourceSchema.ts). A bad file stops start-up with the file, the path inside it
 * and what was expected, so an agency's onboarding mistake is found before any data moves.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ENTITY_FIELDS, ID_FIELD, MAPPABLE, fieldAccepts, refusalReason } from './fields';
import { columnKey, mappedColumns, ruleColumns, toRule } from './mapping';
import { mapRecord } from './record';
import { ORGANIZATION_KINDS } from '../../domain/vocabulary';
import { graphqlSubgraphSource, isLiveSource, openapiSource, type LiveSourceConfig } from '../../domain/liveSources';
import {
  apiSource,
  slug,
  sourceConfigSchema,
  spreadsheetSource,
  websiteSource,
  type SourceConfig,
} from './sourceSchema';

export {
  ORGANIZATION_SOURCE_ID,
  type ApiSourceConfig,
  type ExtractSpec,
  type MappingEntry,
  type SourceConfig,
  type SpreadsheetSourceConfig,
  type WebsiteSourceConfig,
} from './sourceSchema';
export type { LiveSourceConfig };

/** Every kind a file may declare: sources read into the store, and live ones (domain/liveSources). */
const anySourceSchema = z.discriminatedUnion('kind', [
  spreadsheetSource,
  websiteSource,
  apiSource,
  graphqlSubgraphSource,
  openapiSource,
]);

/**
 * The agency itself as the directory shows it, so its programmes always have a provider. Where a
 * directory source lists the agency under its id, that entry is used instead.
 */
const organizationDeclaration = z
  .object({
    /** The agency's name when absent. */
    name: z.string().min(1).optional(),
    nameKana: z.string().min(1).optional(),
    /** 機関種別, as a code or label (その他 when absent). */
    kind: z.string().min(1).optional(),
    legalForm: z.string().min(1).optional(),
    corporateNumber: z.string().min(1).optional(),
    postalCode: z.string().min(1).optional(),
    address: z.string().min(1).optional(),
    /** A 全国地方公共団体コード or a municipality's name. */
    municipality: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
  })
  .strict();
export type OrganizationDeclaration = z.infer<typeof organizationDeclaration>;

/** The declaration as an organization mapping of fixed values, checked and stored like any row. */
export function declarationMapping(agency: {
  id: string;
  name: string;
  organization?: OrganizationDeclaration;
}): Record<string, { value: string }> {
  const d = agency.organization ?? {};
  const values: Record<string, string | undefined> = {
    id: agency.id,
    name: d.name ?? agency.name,
    nameKana: d.nameKana,
    kind: d.kind ?? ORGANIZATION_KINDS.OTHER.label,
    legalForm: d.legalForm,
    corporateNumber: d.corporateNumber,
    postalCode: d.postalCode,
    address: d.address,
    municipalityCode: d.municipality,
    phone: d.phone,
    url: d.url,
  };
  return Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, { value: v }]])));
}

// Which key of the declaration a mapped organization field comes from, for error paths.
const DECLARED_AS: Record<string, string> = { municipalityCode: 'municipality' };

export const agencyConfigSchema = z
  .object({
    id: slug,
    name: z.string().min(1),
    organization: organizationDeclaration.optional(),
    sources: z.array(anySourceSchema).min(1),
  })
  .strict()
  .superRefine((agency, ctx) => {
    const declared = mapRecord('organization', declarationMapping(agency), {}, 0, agency.id);
    if (!declared.ok) {
      for (const p of [declared.rejection, ...(declared.rejection.reasons ?? [])]) {
        const key = p.field ?? '';
        ctx.addIssue({ code: 'custom', path: ['organization', DECLARED_AS[key] ?? key], message: p.reason });
      }
    }
    const ids = new Set<string>();
    agency.sources.forEach((source, i) => {
      if (ids.has(source.id))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` });
      ids.add(source.id);
      if (isLiveSource(source)) return;
      if (source.kind === 'spreadsheet' && source.format === 'csv' && source.sheet !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'sheet'],
          message: '"sheet" applies to format: xlsx only',
        });
      }
      if (source.kind === 'website') {
        const extracted = [...Object.keys(source.fields), ...Object.keys(source.detail?.fields ?? {})];
        const keys = new Set(extracted.map(columnKey));
        const missing = (column: string) => !keys.has(columnKey(column));
        const expected = `expected one of ${extracted.join(', ')}`;
        for (const [key, entry] of Object.entries(source.mapping)) {
          for (const column of ruleColumns(entry).filter(missing)) {
            ctx.addIssue({
              code: 'custom',
              path: ['sources', i, 'mapping', key],
              message: `"${column}" is not an extracted field; ${expected}`,
            });
          }
        }
        for (const column of mappedColumns({}, source.where).filter(missing)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'where'],
            message: `"${column}" is not an extracted field; ${expected}`,
          });
        }
      }
      checkMapping(source, ['sources', i, 'mapping'], ctx);
    });
  });

/** Each mapped field exists, required ones are mapped, and each option suits the field it is on. */
function checkMapping(
  source: z.infer<typeof sourceConfigSchema>,
  path: Array<string | number>,
  ctx: z.RefinementCtx,
): void {
  const fields = ENTITY_FIELDS[source.entity];
  const issue = (key: string, message: string, ...more: string[]) =>
    ctx.addIssue({ code: 'custom', path: [...path, key, ...more], message });
  for (const [key, entry] of Object.entries(source.mapping)) {
    const spec = fields[key];
    if (!spec) {
      issue(key, `unknown ${source.entity} field "${key}"; expected one of ${Object.keys(fields).join(', ')}`);
      continue;
    }
    const rule = toRule(entry);
    for (const filled of spec.fills ?? []) {
      if (filled in source.mapping)
        issue(key, `"${key}" fills ${spec.fills!.join(' and ')}; map either "${key}" or "${filled}", not both`);
    }
    if ((rule.from !== undefined || rule.hash !== undefined) && spec.type !== 'id') {
      issue(key, `"from" and "hash" derive identifiers; "${key}" is not one (${ID_FIELD[source.entity]} is)`);
    }
    if (rule.invalid === null) {
      const why = refusalReason(source.entity, key);
      if (why)
        issue(
          key,
          `"invalid: null" applies to optional fields that identify nothing; ${why}, so a cell it cannot read refuses the row`,
          'invalid',
        );
    }
    const mappable = spec.type !== undefined && MAPPABLE.has(spec.type);
    if (rule.map && !mappable)
      issue(
        key,
        `"map" applies to vocabulary and list fields (kind, supportFields, purposes, channel, outcome, topics, industry, industries), not to "${key}"`,
        'map',
      );
    if ('default' in rule && (!mappable || spec.type === 'list'))
      issue(
        key,
        `"default" applies to vocabulary fields (kind, supportFields, channel, outcome, topics, industry, industries), not to "${key}"`,
        'default',
      );
    if (mappable) {
      for (const [written, target] of Object.entries(rule.map ?? {})) {
        if (target !== null && !fieldAccepts(spec, target))
          issue(
            key,
            `maps "${written}" to "${target}", which "${key}" does not accept${vocabularyHint(spec)}`,
            'map',
            written,
          );
      }
      if (rule.default != null && !fieldAccepts(spec, rule.default))
        issue(key, `default "${rule.default}" is not a value "${key}" accepts${vocabularyHint(spec)}`, 'default');
    }
  }
  for (const [key, spec] of Object.entries(fields)) {
    const filledBy = Object.keys(source.mapping).some((k) => fields[k]?.fills?.includes(key));
    if (spec.required && !(key in source.mapping) && !filledBy && spec.defaultFromAgency !== true) {
      issue(key, `required ${source.entity} field "${key}" is not mapped`);
    }
  }
}

function vocabularyHint(spec: (typeof ENTITY_FIELDS)[keyof typeof ENTITY_FIELDS][string]): string {
  if (spec.type === 'industry' || spec.type === 'industries')
    return ' (a JSIC letter A–T or a division, group or class name)';
  return spec.vocabulary
    ? ` (one of ${Object.entries(spec.vocabulary)
        .map(([code, v]) => `${code}/${v.label}`)
        .join(', ')})`
    : '';
}

/** A loaded agency file: `sources` are read into the store, `live` ones join the graph as they are. */
export type AgencyConfig = Omit<z.infer<typeof agencyConfigSchema>, 'sources'> & {
  sources: SourceConfig[];
  live: LiveSourceConfig[];
  file: string;
  dir: string;
};

export class AgencyConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ path: string; message: string }>,
  ) {
    super(
      `${file}: invalid agency config\n${problems.map((p) => `  at ${p.path || '(root)'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'AgencyConfigError';
  }
}

// ${VAR} and ${VAR:-default} in string values, so secrets and hosts stay out of the files.
function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[],
  missing: Array<{ path: string; message: string }>,
): unknown {
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
    if (!source || typeof source !== 'object' || typeof (source as { layout?: unknown }).layout !== 'string')
      return source;
    const name = (source as { layout: string }).layout;
    const layoutFile = join(dir, 'layouts', `${name}.yaml`);
    let layout: Record<string, unknown>;
    try {
      layout = parseYaml(readFileSync(layoutFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      problems.push({
        path: `sources.${i}.layout`,
        message: `layout "${name}" cannot be read from layouts/${name}.yaml: ${(e as Error).message}`,
      });
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

/**
 * `id:` in a programme or consultation mapping names the field that holds the record's own id
 * (`localId`), so every entity's mapping can say `id:` for its identifier.
 */
function aliasIdFields(raw: unknown, problems: Array<{ path: string; message: string }>): unknown {
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { sources?: unknown }).sources)) return raw;
  const sources = (raw as { sources: unknown[] }).sources.map((source, i) => {
    const s = source as { entity?: unknown; mapping?: Record<string, unknown> } | null;
    if (!s || typeof s !== 'object' || !s.mapping || typeof s.mapping !== 'object' || !('id' in s.mapping))
      return source;
    const target = ID_FIELD[s.entity as keyof typeof ID_FIELD];
    if (!target || target === 'id') return source;
    if (target in s.mapping) {
      problems.push({ path: `sources.${i}.mapping.id`, message: `"id" and "${target}" name the same field; keep one` });
      return source;
    }
    const { id, ...rest } = s.mapping;
    return { ...s, mapping: { [target]: id, ...rest } };
  });
  return { ...(raw as object), sources };
}

/** Parses and validates one agency file's text; `file` names it in every error. */
export function parseAgencyConfig(text: string, file: string, env: NodeJS.ProcessEnv): AgencyConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new AgencyConfigError(file, [{ path: '', message: `not valid YAML: ${(e as Error).message}` }]);
  }
  const problems: Array<{ path: string; message: string }> = [];
  const interpolated = aliasIdFields(
    applyLayouts(interpolate(raw, env, [], problems), resolve(file, '..'), problems),
    problems,
  );
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
    throw new AgencyConfigError(file, [
      { path: 'id', message: `expected "${expected}" (the file name), got "${result.data.id}"` },
    ]);
  }
  const { sources, ...agency } = result.data;
  return {
    ...agency,
    sources: sources.filter((s): s is SourceConfig => !isLiveSource(s)),
    live: sources.filter(isLiveSource),
    file,
    dir: resolve(file, '..'),
  };
}

export function loadAgencyConfig(file: string, env: NodeJS.ProcessEnv): AgencyConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AgencyConfigError(file, [{ path: '', message: `cannot read file: ${(e as Error).message}` }]);
  }
  return parseAgencyConfig(text, file, env);
}

/** Loads every agency file in a directory; all problems of all files are reported together. */
export function loadAgencyConfigs(dir: string, env: NodeJS.ProcessEnv): AgencyConfig[] {
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
    const all = new AgencyConfigError(
      dir,
      errors.flatMap((e) => e.problems.map((p) => ({ ...p, path: `${basename(e.file)} ${p.path}` }))),
    );
    all.message = errors.map((e) => e.message).join('\n');
    throw all;
  }
  return configs;
}
