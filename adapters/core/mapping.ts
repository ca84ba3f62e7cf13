/**
 * The mapping language an agency file writes, as far as it says where a field's cell comes from:
 * a column, a fixed value, a template, a derived id (`from`, `hash`), a `pattern` taking part of a
 * cell; which columns a mapping reads; and `where:`, the row filter. How the cell is then read
 * (`map:`, `default:`, `nullWords:`, `split:`, `html:`, `invalid:`) is the parsers' part (parsers.ts).
 */
import { createHash } from 'node:crypto';
import { normalizeText } from '../../domain/normalize';
import type { EntityKind } from '../../domain/records';
import { ENTITY_FIELDS } from './fields';
import { IDENTIFIER, mapKey } from './parsers';

export interface MappingRule {
  column?: string;
  value?: string;
  /** Text with `{column}` placeholders, e.g. a detail URL built from an id. */
  template?: string;
  /** An identifier derived from one column: kept when it already is one, else a stable hash (a URL's keeps its host). */
  from?: string;
  /** An identifier hashed from several columns, for sources whose key spans columns (URL + 全国地方公共団体コード). */
  hash?: string[];
  /** A regular expression: the cell becomes its first group (or whole match), or blank when it does not match. */
  pattern?: string;
  split?: string[];
  html?: boolean;
  /** Vocabulary lists: skip items outside the vocabulary instead of refusing the row. */
  ignoreUnknown?: boolean;
  /** Value as written → a value the field accepts (a code or label), or null to read it as blank. */
  map?: Record<string, string | null>;
  /** For values neither the vocabulary nor `map` knows, and for a required field's blank cell. */
  default?: string | null;
  /** Words that mean "no value" in this field, beside the built-in ones (随時, 通年, 不明, －…). */
  nullWords?: string[];
  /**
   * A cell the field cannot read: `refuse` (the default) refuses the row with the reason; `null`
   * lands the row without the value, with a warning. Only for optional fields that neither
   * identify a record nor define a period (refusalReason in fields.ts).
   */
  invalid?: 'refuse' | null;
}

/** Resolves a mapping entry ("column" or an object) into a rule. */
export function toRule(entry: string | MappingRule): MappingRule {
  return typeof entry === 'string' ? { column: entry } : entry;
}

/**
 * The key a column (or extracted field) is found by: NFKC, without any whitespace, so that a
 * header written 「従業員数\n（人）」 is found however the agency file writes it.
 */
export const columnKey = (name: string): string => name.normalize('NFKC').replace(/\s+/g, '');

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The columns (or extracted fields) one mapping entry reads, as written. */
export function ruleColumns(entry: string | MappingRule): string[] {
  const rule = toRule(entry);
  if (rule.column !== undefined) return [rule.column];
  if (rule.from !== undefined) return [rule.from];
  if (rule.hash !== undefined) return rule.hash;
  return rule.template ? [...rule.template.matchAll(PLACEHOLDER)].map((m) => m[1]) : [];
}

/** The columns (or extracted fields) feeding the entity's required fields: without them no row can land. */
export function requiredColumns(entity: EntityKind, mapping: Record<string, string | MappingRule>): string[] {
  const specs = ENTITY_FIELDS[entity];
  return [
    ...new Set(Object.entries(mapping).flatMap(([field, entry]) => (specs[field]?.required ? ruleColumns(entry) : []))),
  ];
}

/** The columns (or extracted fields) a mapping (and its row filter) reads, each once, as written. */
export function mappedColumns(mapping: Record<string, string | MappingRule>, where?: RowFilter): string[] {
  return [...new Set([...Object.values(mapping).flatMap(ruleColumns), ...filterColumns(where)])];
}

// A template whose placeholders are all blank yields a blank cell, so "required" still applies.
function fillTemplate(template: string, raw: Record<string, string | undefined>): string {
  let filled = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = (raw[columnKey(name)] ?? '').trim();
    if (v) filled = true;
    return v;
  });
  return filled ? text : '';
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * An identifier from a cell: the cell itself when it already is one (and not too long), a URL's
 * host with a hash of the whole URL (www.city.example.lg.jp-3f2a…), else `h-` and a hash. The
 * same cell always gives the same id, so records keep their ids from one sync to the next.
 */
export function deriveId(cell: string): string {
  const v = normalizeText(cell);
  if (!v) return '';
  if (IDENTIFIER.test(v) && v.length <= 64) return v;
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      u.hash = '';
      return `${u.hostname}-${shortHash(u.toString())}`;
    }
  } catch {
    // Not a URL: hashed below.
  }
  return `h-${shortHash(v)}`;
}

/** An identifier hashed from several cells; blank when they all are. */
export function hashId(cells: string[]): string {
  const values = cells.map(normalizeText);
  return values.every((v) => v === '') ? '' : `h-${shortHash(values.join('\u001f'))}`;
}

/** A rule resolved once per mapping: the keys its cells are found by and its pattern compiled. */
export interface CompiledRule {
  rule: MappingRule;
  columnKey?: string;
  hashKeys?: string[];
  pattern?: RegExp;
}

export function compileRule(rule: MappingRule): CompiledRule {
  const column = rule.column ?? rule.from;
  return {
    rule,
    columnKey: column === undefined ? undefined : columnKey(column),
    hashKeys: rule.hash?.map(columnKey),
    pattern: rule.pattern === undefined ? undefined : new RegExp(rule.pattern, 'u'),
  };
}

/** The cell a rule reads from a raw record: a column's, a template filled, a hash, a fixed value; cut by its pattern. */
export function cellOf(c: CompiledRule, raw: Record<string, string | undefined>): string {
  const { rule } = c;
  let cell: string;
  if (c.columnKey !== undefined) cell = raw[c.columnKey] ?? '';
  else if (rule.template !== undefined) cell = fillTemplate(rule.template, raw);
  else if (c.hashKeys !== undefined) cell = hashId(c.hashKeys.map((k) => raw[k] ?? ''));
  else cell = rule.value ?? '';
  if (c.pattern && cell !== '') {
    const m = c.pattern.exec(cell);
    cell = m ? (m[1] ?? m[0]) : '';
  }
  // `from` reads the (possibly pattern-cut) column, then derives the id.
  return rule.from !== undefined ? deriveId(cell) : cell;
}

// ---------------------------------------------------------------------------------------------
// Row filters
// ---------------------------------------------------------------------------------------------

/** One condition on a column: its value is one of `is`, matches `matches`, or is (not) blank. */
export interface RowCondition {
  column: string;
  is?: string | string[];
  matches?: string;
  empty?: boolean;
}

/** `where:` of a source: rows must meet every `keep` condition and none of the `drop` ones. */
export interface RowFilter {
  keep?: RowCondition | RowCondition[];
  drop?: RowCondition | RowCondition[];
}

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function filterColumns(where: RowFilter | undefined): string[] {
  return where ? [...asList(where.keep), ...asList(where.drop)].map((c) => c.column) : [];
}

/** A row filter as one test; null when there is none. */
export function compileRowFilter(
  where: RowFilter | undefined,
): ((raw: Record<string, string | undefined>) => boolean) | null {
  if (!where) return null;
  const compile = (c: RowCondition) => {
    const key = columnKey(c.column);
    const values = c.is === undefined ? null : new Set(asList(c.is).map(mapKey));
    const pattern = c.matches === undefined ? null : new RegExp(c.matches, 'u');
    return (raw: Record<string, string | undefined>) => {
      const cell = normalizeText(raw[key] ?? '');
      if (c.empty !== undefined) return (cell === '') === c.empty;
      if (values) return values.has(mapKey(cell));
      return pattern!.test(cell);
    };
  };
  const keep = asList(where.keep).map(compile);
  const drop = asList(where.drop).map(compile);
  return (raw) => keep.every((t) => t(raw)) && !drop.some((t) => t(raw));
}
