/**
 * The one-stop page's state lives in its URL, so a search can be shared and the back button
 * returns to it: `/?q=…&field=FINANCE&kind=LOAN&status=OPEN&muni=281000&emp=10&ind=E&sort=…` for
 * a search, `/program?id=…` for a programme (with the search it came from kept alongside).
 */
import type { FirmSearchQueryVariables, ProgramKind, ProgramStatus, SupportField } from '../gql/graphql';

export type SortOrder = 'RELEVANCE' | 'CLOSING_DATE' | 'DISTANCE';

export interface SearchState {
  q: string;
  fields: string[];
  kinds: string[];
  statuses: string[];
  /** 全国地方公共団体コード of the firm's municipality. */
  muni: string;
  /** Display name of that municipality, so a shared link shows it before the list loads. */
  muniName: string;
  employees: string;
  industry: string;
  sort: SortOrder;
}

export const EMPTY_SEARCH: SearchState = {
  q: '',
  fields: [],
  kinds: [],
  statuses: [],
  muni: '',
  muniName: '',
  employees: '',
  industry: '',
  sort: 'RELEVANCE',
};

const SORTS: SortOrder[] = ['RELEVANCE', 'CLOSING_DATE', 'DISTANCE'];
// Bounds on what a crafted link can make the page send.
const MAX_TEXT = 200;
const MAX_VALUES = 20;

const code = (v: string) => /^[A-Z_]{1,40}$/.test(v);

export function readSearch(params: URLSearchParams): SearchState {
  const list = (name: string) => [...new Set(params.getAll(name).filter(code))].slice(0, MAX_VALUES);
  const sort = params.get('sort') as SortOrder;
  const muni = params.get('muni') ?? '';
  const employees = params.get('emp') ?? '';
  const industry = params.get('ind') ?? '';
  return {
    q: (params.get('q') ?? '').slice(0, MAX_TEXT),
    fields: list('field'),
    kinds: list('kind'),
    statuses: list('status'),
    muni: /^\d{6}$/.test(muni) ? muni : '',
    muniName: (params.get('muniName') ?? '').slice(0, 40),
    employees: /^\d{1,7}$/.test(employees) ? employees : '',
    industry: /^[A-T]$/.test(industry) ? industry : '',
    sort: SORTS.includes(sort) ? sort : 'RELEVANCE',
  };
}

export function writeSearch(s: SearchState, into = new URLSearchParams()): URLSearchParams {
  if (s.q) into.set('q', s.q);
  for (const f of s.fields) into.append('field', f);
  for (const k of s.kinds) into.append('kind', k);
  for (const st of s.statuses) into.append('status', st);
  if (s.muni) {
    into.set('muni', s.muni);
    if (s.muniName) into.set('muniName', s.muniName);
  }
  if (s.employees) into.set('emp', s.employees);
  if (s.industry) into.set('ind', s.industry);
  if (s.sort !== 'RELEVANCE') into.set('sort', s.sort);
  return into;
}

export function searchUrl(s: SearchState): string {
  const query = writeSearch(s).toString();
  return query ? `/?${query}` : '/';
}

export function programUrl(id: string, from?: SearchState): string {
  const params = new URLSearchParams({ id });
  if (from) writeSearch(from, params);
  return `/program?${params.toString()}`;
}

/** The filter argument of the search, from the state. */
export function searchVariables(s: SearchState): FirmSearchQueryVariables {
  return {
    text: s.q || null,
    filter: {
      // Codes unknown to the schema are refused by the gateway as bad input, shown as an error.
      supportFields: s.fields.length ? (s.fields as SupportField[]) : null,
      kinds: s.kinds.length ? (s.kinds as ProgramKind[]) : null,
      status: s.statuses.length ? (s.statuses as ProgramStatus[]) : null,
      municipalityCode: s.muni || null,
      employees: s.employees ? Number(s.employees) : null,
      industry: s.industry || null,
    },
    sort: s.sort === 'DISTANCE' && !s.muni ? 'RELEVANCE' : s.sort,
    first: 20,
  };
}
