/**
 * The page's state from its URL: a shared link comes back as it was written, and a crafted one
 * (huge text, many values, codes that are no codes, a municipality that is not six digits) is cut
 * down to what the page would itself write before anything is sent to the gateway.
 */
import { EMPTY_SEARCH, programUrl, readSearch, searchUrl, searchVariables, writeSearch } from './url';

test('a search survives a round trip through its URL', () => {
  const state = {
    ...EMPTY_SEARCH,
    q: '神戸市で創業資金を借りたい',
    fields: ['FINANCE', 'STARTUP'],
    kinds: ['LOAN'],
    statuses: ['OPEN'],
    muni: '281107',
    muniName: '神戸市中央区',
    employees: '12',
    industry: 'E',
    sort: 'CLOSING_DATE' as const,
  };
  const url = new URL(searchUrl(state), 'http://x');
  expect(url.pathname).toBe('/');
  expect(readSearch(url.searchParams)).toEqual(state);
  // A programme's link keeps the search it came from, for the way back.
  const program = new URL(programUrl('hyogo-cgc:CGC-01', state), 'http://x');
  expect(program.searchParams.get('id')).toBe('hyogo-cgc:CGC-01');
  expect(readSearch(program.searchParams)).toEqual(state);
  expect(searchUrl(EMPTY_SEARCH)).toBe('/');
});

test('a crafted link is bounded and cleaned before it becomes variables', () => {
  const params = new URLSearchParams();
  params.set('q', 'あ'.repeat(10_000));
  for (let i = 0; i < 1000; i++) params.append('field', `F${'X'.repeat(i % 5)}`);
  params.append('kind', 'LOAN');
  params.append('kind', 'loan; drop');
  params.append('kind', '{"__proto__":1}');
  params.set('muni', '28110');
  params.set('emp', '-5');
  params.set('ind', 'Z');
  params.set('sort', 'RANDOM');
  const state = readSearch(params);
  expect(state.q.length).toBe(200);
  expect(state.fields.length).toBeLessThanOrEqual(20);
  expect(state.kinds).toEqual(['LOAN']);
  expect([state.muni, state.employees, state.industry, state.sort]).toEqual(['', '', '', 'RELEVANCE']);
  expect(writeSearch(state).getAll('field').length).toBe(state.fields.length);
});

test('distance order without a municipality falls back to relevance; empty filters are sent as null', () => {
  const v = searchVariables({ ...EMPTY_SEARCH, sort: 'DISTANCE' });
  expect(v.sort).toBe('RELEVANCE');
  expect(v.text).toBeNull();
  expect(v.filter).toEqual({
    supportFields: null,
    kinds: null,
    status: null,
    municipalityCode: null,
    employees: null,
    industry: null,
  });
  expect(searchVariables({ ...EMPTY_SEARCH, muni: '281107', sort: 'DISTANCE', employees: '30' })).toMatchObject({
    sort: 'DISTANCE',
    filter: { municipalityCode: '281107', employees: 30 },
  });
});
