/**
 * The website source's settings as the adapter uses them. The schema itself sits in the agency
 * config's union (core/config.ts); this resolves its shorthands: a field given as a bare selector
 * means that selector's text.
 */
import type { ExtractSpec, WebsiteSourceConfig } from '../core/config';
import { columnKey } from '../core/mapping';

export type { WebsiteSourceConfig };

export interface FieldRule {
  /** Within the record or the page; the record element itself when absent. */
  selector?: string;
  attr?: string;
  html: boolean;
  /** The value this label labels (a <dt>/<dd> pair, a <th>/<td> row, a 「label：value」 line) within the selection. */
  label?: string;
}

export function toFieldRule(spec: ExtractSpec): FieldRule {
  return typeof spec === 'string'
    ? { selector: spec, html: false }
    : { selector: spec.selector, attr: spec.attr, html: spec.html ?? false, label: spec.label };
}

/** The fields to extract, keyed as the mapping finds them (columnKey: NFKC, no whitespace). */
export function toFieldRules(fields: Record<string, ExtractSpec>): Record<string, FieldRule> {
  return Object.fromEntries(Object.entries(fields).map(([name, spec]) => [columnKey(name), toFieldRule(spec)]));
}

export const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';
