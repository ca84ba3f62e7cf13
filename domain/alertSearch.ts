/**
 * A search to be alerted about (feeds, calendars, webhooks): the one-stop page's own conditions,
 * read from the page's URL parameters (q, field, kind, status, muni, emp, ind — see
 * web/onestop/url.ts) or from a GraphQL input, checked and normalized into one canonical form, so
 * the same search always has the same key. No I/O.
 */
import { getMunicipality } from './municipalities';
import { normalizeText } from './normalize';
import { JSIC_DIVISIONS, PROGRAM_KINDS, SUPPORT_FIELDS } from './vocabulary';

export interface AlertSearch {
  text: string | null;
  supportFields: string[];
  kinds: string[];
  statuses: string[];
  municipalityCode: string | null;
  employees: number | null;
  industry: string | null;
}

export class AlertSearchError extends Error {}

/** Bounds on what a crafted link or registration may ask for. */
export const MAX_ALERT_TEXT = 200;
const MAX_VALUES = 20;
const STATUSES = ['OPEN', 'UPCOMING', 'CLOSED', 'ONGOING'];

function codes(values: readonly string[] | null | undefined, known: readonly string[], what: string): string[] {
  const list = [...new Set(values ?? [])];
  if (list.length > MAX_VALUES) throw new AlertSearchError(`at most ${MAX_VALUES} ${what}`);
  for (const v of list) if (!known.includes(v)) throw new AlertSearchError(`unknown ${what} ${v.slice(0, 40)}`);
  return list.sort();
}

/** Checks and normalizes a search: known codes, a municipality that exists, bounded text. */
export function alertSearchOf(input: {
  text?: string | null;
  supportFields?: readonly string[] | null;
  kinds?: readonly string[] | null;
  statuses?: readonly string[] | null;
  municipalityCode?: string | null;
  employees?: number | null;
  industry?: string | null;
}): AlertSearch {
  const text = normalizeText(input.text ?? '').trim();
  if (text.length > MAX_ALERT_TEXT) throw new AlertSearchError(`text is longer than ${MAX_ALERT_TEXT} characters`);
  const muni = input.municipalityCode || null;
  if (muni && !getMunicipality(muni)) throw new AlertSearchError(`unknown municipality code ${muni.slice(0, 20)}`);
  const employees = input.employees ?? null;
  if (employees !== null && !(Number.isInteger(employees) && employees >= 0 && employees < 10_000_000))
    throw new AlertSearchError('employees must be a whole number from 0');
  const industry = input.industry || null;
  if (industry && !(industry in JSIC_DIVISIONS)) throw new AlertSearchError('industry must be a JSIC letter A–T');
  return {
    text: text || null,
    supportFields: codes(input.supportFields, Object.keys(SUPPORT_FIELDS), 'support field'),
    kinds: codes(input.kinds, Object.keys(PROGRAM_KINDS), 'kind'),
    statuses: codes(input.statuses, STATUSES, 'status'),
    municipalityCode: muni,
    employees,
    industry,
  };
}

/** The search of a one-stop page URL's parameters (the same names the page writes). */
export function alertSearchFromParams(params: URLSearchParams): AlertSearch {
  const emp = params.get('emp');
  if (emp !== null && emp !== '' && !/^\d{1,7}$/.test(emp)) throw new AlertSearchError('emp must be a whole number');
  return alertSearchOf({
    text: params.get('q'),
    supportFields: params.getAll('field'),
    kinds: params.getAll('kind'),
    statuses: params.getAll('status'),
    municipalityCode: params.get('muni'),
    employees: emp ? Number(emp) : null,
    industry: params.get('ind'),
  });
}

/** The same search as page parameters, in a fixed order (the page's Subscribe links write these). */
export function alertSearchParams(s: AlertSearch): URLSearchParams {
  const p = new URLSearchParams();
  if (s.text) p.set('q', s.text);
  for (const f of s.supportFields) p.append('field', f);
  for (const k of s.kinds) p.append('kind', k);
  for (const st of s.statuses) p.append('status', st);
  if (s.municipalityCode) p.set('muni', s.municipalityCode);
  if (s.employees !== null) p.set('emp', String(s.employees));
  if (s.industry) p.set('ind', s.industry);
  return p;
}

/** A stable key of the search (equal searches, equal keys). */
export const alertSearchKey = (s: AlertSearch): string => alertSearchParams(s).toString();

/** In words, for a feed's title: 「資金繰り」 尼崎市・融資. */
export function describeAlertSearch(s: AlertSearch): string {
  const parts: string[] = [];
  if (s.text) parts.push(`「${s.text}」`);
  if (s.municipalityCode) parts.push(getMunicipality(s.municipalityCode)?.name ?? s.municipalityCode);
  parts.push(...s.supportFields.map((f) => SUPPORT_FIELDS[f as keyof typeof SUPPORT_FIELDS].label));
  parts.push(...s.kinds.map((k) => PROGRAM_KINDS[k as keyof typeof PROGRAM_KINDS].label));
  if (s.employees !== null) parts.push(`従業員${s.employees}人`);
  if (s.industry) parts.push(JSIC_DIVISIONS[s.industry as keyof typeof JSIC_DIVISIONS]);
  return parts.length ? parts.join(' ') : 'すべての支援施策';
}
