/**
 * What an agency file declares for one source (sources[] in agencies/*.yaml): the kind
 * (spreadsheet, website, api), where it is read from, how often, how its columns map onto the
 * entity's fields and which rows to keep. The agency file around it (its organization, the checks
 * that need the whole file, reading from disk) is ./config.ts.
 */
import { load as loadHtml } from 'cheerio';
import { z } from 'zod';
import { duration, headerFromEnv, slug, urlOrPath } from '../../domain/sourceConfig';

export { slug };

// A regular expression as an agency file writes it; one that does not compile is a config mistake.
const regex = z
  .string()
  .min(1)
  .refine((p) => {
    try {
      new RegExp(p, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression');

const mappingEntry = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      value: z.string().optional(),
      /** Text with {column} placeholders, e.g. "https://example.jp/programs/{ID}". */
      template: z
        .string()
        .regex(/\{[^{}]+\}/, 'a text with at least one {column} placeholder')
        .optional(),
      /** An id derived from a column (a URL, a title): the value itself when it is an id, else a stable hash. */
      from: z.string().min(1).optional(),
      /** An id hashed from several columns. */
      hash: z.array(z.string().min(1)).min(1).optional(),
      /** Keep only part of the cell: its first group (or the whole match); blank when it does not match. */
      pattern: regex.optional(),
      split: z.array(z.string().min(1)).optional(),
      /** Resolve tags and entities (`<br>`, `&nbsp;`) in the cell before normalizing. */
      html: z.boolean().optional(),
      /** For support fields and topics: items outside the vocabulary are skipped, not refused. */
      ignoreUnknown: z.boolean().optional(),
      /** Values as written → a value of the field's vocabulary (code or label); null reads it as blank. */
      map: z.record(z.string(), z.string().nullable()).optional(),
      /** For values neither the vocabulary nor the map knows (and a required field's blank cell); null drops them. */
      default: z.string().nullable().optional(),
      /** Words meaning "no value" in this field, beside the built-in ones. */
      nullWords: z.array(z.string().min(1)).optional(),
      /** A cell the field cannot read: refuse the row (the default), or land it without the value (`null`). */
      invalid: z
        .preprocess((v) => (v === 'null' ? null : v), z.enum(['refuse'], 'refuse or null').nullable())
        .optional(),
    })
    .strict()
    .refine(
      (m) => [m.column, m.value, m.template, m.from, m.hash].filter((x) => x !== undefined).length === 1,
      'exactly one of "column", "value", "template", "from" or "hash"',
    ),
]);
export type MappingEntry = z.infer<typeof mappingEntry>;

const retryPolicy = z
  .object({
    attempts: z.number().int().min(1).max(10).default(3),
    backoffMs: z.number().int().min(0).default(500),
    retryOn: z.array(z.number().int().min(400).max(599)).default([429, 500, 502, 503, 504]),
  })
  .strict();

/** One condition of a row filter: the column's value is one of `is`, matches `matches`, or is (not) blank. */
const rowCondition = z
  .object({
    column: z.string().min(1),
    is: z.union([z.string(), z.array(z.string())]).optional(),
    matches: regex.optional(),
    empty: z.boolean().optional(),
  })
  .strict()
  .refine(
    (c) => [c.is, c.matches, c.empty].filter((x) => x !== undefined).length === 1,
    'exactly one of "is", "matches" or "empty"',
  );
const rowConditions = z.union([rowCondition, z.array(rowCondition).min(1)]);

/** The one source id an agency file may not use: the agency's own organization is stored under it. */
export const ORGANIZATION_SOURCE_ID = 'organization';

const sourceCommon = {
  id: slug.refine(
    (id) => id !== ORGANIZATION_SOURCE_ID,
    `"${ORGANIZATION_SOURCE_ID}" is kept for the agency's own organization`,
  ),
  entity: z.enum(['organization', 'program', 'consultation', 'committee']),
  interval: duration.optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  retry: retryPolicy.optional(),
  mapping: z.record(z.string(), mappingEntry),
  /** Rows to read: every `keep` condition must hold and no `drop` one; other rows are skipped, not refused. */
  where: z.object({ keep: rowConditions.optional(), drop: rowConditions.optional() }).strict().optional(),
};

export const spreadsheetSource = z
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
      /** The value labelled so (上限額: a <dt>/<dd> pair, a <th>/<td> row or a 「上限額：…」 line) within the record or page. */
      label: z.string().min(1).optional(),
    })
    .strict()
    .refine(
      (f) => !(f.label !== undefined && (f.attr !== undefined || f.html)),
      '"label" takes the text of the value it labels: no "attr" or "html" with it',
    ),
]);
export type ExtractSpec = z.infer<typeof extractSpec>;

const maxPages = z.number().int().min(1).max(1000).default(20);

export const websiteSource = z
  .object({
    kind: z.literal('website'),
    layout: z.string().optional(),
    /** The list page: a URL, or a saved page's path (its links resolve against the address it declares). */
    location: urlOrPath,
    /** Used when neither the Content-Type header nor the page's <meta> names a charset. */
    encoding: z.enum(['auto', 'utf-8', 'shift_jis']).default('auto'),
    /** One element per record on the list page. */
    records: cssSelector,
    /** Raw field name → what to extract from a record; the mapping refers to these names. */
    fields: z.record(z.string(), extractSpec),
    /** `next`: the link to the next page (rel=next, 次へ); `pages`: links to every page (1 2 3, ?page=2). Either or both. */
    pagination: z
      .object({ next: cssSelector.optional(), pages: cssSelector.optional(), maxPages })
      .strict()
      .refine((p) => p.next !== undefined || p.pages !== undefined, 'at least one of "next" or "pages"')
      .optional(),
    /** A page per record, linked from it, with more fields. */
    detail: z
      .object({ link: cssSelector, fields: z.record(z.string(), extractSpec) })
      .strict()
      .optional(),
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
  z
    .object({ type: z.literal('cursor'), param: z.string().min(1).default('cursor'), cursorPath: jsonPath, maxPages })
    .strict(),
  /** RFC 8288 `Link: <…>; rel="next"` headers. */
  z.object({ type: z.literal('link'), maxPages }).strict(),
]);

export const apiSource = z
  .object({
    kind: z.literal('api'),
    layout: z.string().optional(),
    /** The endpoint, or the path of a JSON file (read once: no query, no pagination). */
    location: urlOrPath,
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Path to the list of records in each answer; the answer itself when absent. */
    records: jsonPath.optional(),
    /** Raw field name → path inside a record. Every path of a record is usable in the mapping as well. */
    fields: z.record(z.string(), jsonPath).optional(),
    pagination: apiPagination.optional(),
    /** A header whose value comes from an environment variable, so no secret sits in the file. */
    auth: headerFromEnv.optional(),
    ...sourceCommon,
  })
  .strict();

export const sourceConfigSchema = z.discriminatedUnion('kind', [spreadsheetSource, websiteSource, apiSource]);
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SpreadsheetSourceConfig = z.infer<typeof spreadsheetSource>;
export type WebsiteSourceConfig = z.infer<typeof websiteSource>;
export type ApiSourceConfig = z.infer<typeof apiSource>;
