/**
 * The one-stop search's filters and facet counts against SQL ground truth over the demo store,
 * and the municipality lookup whose codes those filters take.
 */
import { getMunicipality } from '../../domain/municipalities';
import { type Store } from '../../store/store';
import type { ProgramStatusValue } from '../../domain/programStatus';
import { statusSql } from '../../store/programs';
import { raw } from '../../store/sql';
import {
  allIds,
  closeSearchGraph,
  type Facet,
  ONE_DAY,
  openSearchGraph,
  SEARCH,
  search,
  TODAY,
} from '../support/search-graph';
import type { InProcessSupergraph } from '../support/supergraph';

let store: Store;
let graph: InProcessSupergraph;
beforeAll(async () => ({ store, graph } = await openSearchGraph()));
afterAll(closeSearchGraph);

// ---------------------------------------------------------------------------------------------
// Filters and facets against SQL
// ---------------------------------------------------------------------------------------------

interface FilterCase {
  name: string;
  filter: Record<string, unknown>;
  /** Each filter as a SQL condition over programs (today's date as $1). */
  conditions: Record<string, string>;
}

const AREA_281107 = `(cardinality(area_codes) = 0 or area_codes && array['000000','280003','281000','281107'])`;
const AREA_131164 = `(cardinality(area_codes) = 0 or area_codes && array['000000','130001','131164'])`;

const FILTER_CASES: FilterCase[] = [
  {
    name: 'support fields',
    filter: { supportFields: ['STARTUP', 'FINANCE'] },
    conditions: { supportFields: `support_fields && array['STARTUP','FINANCE']` },
  },
  {
    name: 'kinds',
    filter: { kinds: ['SEMINAR', 'SUBSIDY'] },
    conditions: { kinds: `kind = any(array['SEMINAR','SUBSIDY'])` },
  },
  {
    name: 'purposes',
    filter: { purposes: ['資金繰りを改善したい'] },
    conditions: { purposes: `purposes && array['資金繰りを改善したい']` },
  },
  {
    name: 'providers',
    filter: { providerIds: ['hyogo-iac', 'kobe-ipf'] },
    conditions: { providerIds: `provider_id = any(array['hyogo-iac','kobe-ipf'])` },
  },
  {
    name: 'municipality (ward of a designated city)',
    filter: { municipalityCode: '281107' },
    conditions: { municipalityCode: AREA_281107 },
  },
  {
    name: 'municipality (Tokyo special ward)',
    filter: { municipalityCode: '131164' },
    conditions: { municipalityCode: AREA_131164 },
  },
  {
    name: 'employees',
    filter: { employees: 20 },
    conditions: { employees: '(employee_ceiling is null or employee_ceiling >= 20)' },
  },
  {
    name: 'industry',
    filter: { industry: 'I' },
    conditions: { industry: `(cardinality(industries) = 0 or 'I' = any(industries))` },
  },
  {
    name: 'status',
    filter: { status: ['OPEN', 'UPCOMING'] },
    conditions: { status: `(${statusSql('OPEN', ONE_DAY).text} or ${statusSql('UPCOMING', ONE_DAY).text})` },
  },
  {
    name: 'closing before',
    filter: { closingBefore: '2026-12-31' },
    conditions: { closingBefore: `closes_on <= '2026-12-31'` },
  },
  {
    name: 'everything at once',
    filter: {
      supportFields: ['SALES', 'STARTUP'],
      kinds: ['SEMINAR', 'MATCHING', 'CONSULTATION'],
      municipalityCode: '281107',
      employees: 10,
      status: ['OPEN', 'ONGOING'],
    },
    conditions: {
      supportFields: `support_fields && array['SALES','STARTUP']`,
      kinds: `kind = any(array['SEMINAR','MATCHING','CONSULTATION'])`,
      municipalityCode: AREA_281107,
      employees: '(employee_ceiling is null or employee_ceiling >= 10)',
      status: `(${statusSql('OPEN', ONE_DAY).text} or ${statusSql('ONGOING', ONE_DAY).text})`,
    },
  },
  {
    name: 'status on another day',
    filter: { status: ['OPEN'], statusAt: '2026-06-15', municipalityCode: '131164' },
    conditions: { status: statusSql('OPEN', raw(`'2026-06-15'::date`)).text, municipalityCode: AREA_131164 },
  },
];

// Facets paired with the filter each ignores.
const FACET_FILTER: Record<string, string> = {
  supportFields: 'supportFields',
  kinds: 'kinds',
  purposes: 'purposes',
  providers: 'providerIds',
  statuses: 'status',
  prefectures: 'municipalityCode',
};

interface GroundRow {
  id: string;
  support_fields: string[];
  kind: string;
  purposes: string[];
  provider_id: string;
  area_codes: string[];
  status: ProgramStatusValue;
  /** f_<filter>: whether the row passes that filter. */
  [condition: `f_${string}`]: unknown;
}

async function groundTruth(c: FilterCase, ids: string[] | null, statusAt = TODAY): Promise<GroundRow[]> {
  const names = Object.keys(c.conditions);
  const statusCase = (['OPEN', 'UPCOMING', 'CLOSED', 'ONGOING'] as const)
    .map((s) => `when ${statusSql(s, ONE_DAY).text} then '${s}'`)
    .join(' ');
  return store.query<GroundRow>(
    `select id, support_fields, kind, purposes, provider_id, area_codes, case ${statusCase} end as status
       ${names.map((n) => `, (${c.conditions[n]}) as "f_${n}"`).join('')}
     from programs where ($2::text[] is null or id = any($2::text[]))`,
    [statusAt, ids],
  );
}

function expectedFacets(rows: GroundRow[], conditions: string[]): Record<string, Facet[]> {
  const prefectureOf = (code: string) => (code === '000000' ? '000000' : getMunicipality(code)!.prefectureCode);
  const valuesOf: Record<string, (r: GroundRow) => string[]> = {
    supportFields: (r) => r.support_fields,
    kinds: (r) => [r.kind],
    purposes: (r) => r.purposes,
    providers: (r) => [r.provider_id],
    statuses: (r) => [r.status],
    prefectures: (r) => (r.area_codes.length ? [...new Set(r.area_codes.map(prefectureOf))] : ['000000']),
  };
  const out: Record<string, Facet[]> = {};
  for (const [facet, values] of Object.entries(valuesOf)) {
    const counts = new Map<string, number>();
    for (const r of rows) {
      if (!conditions.every((n) => n === FACET_FILTER[facet] || r[`f_${n}`] === true)) continue;
      for (const v of values(r)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    out[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  }
  return out;
}

describe('filters and facets agree with SQL', () => {
  test.each(FILTER_CASES.map((c) => [c.name, c] as const))('%s, without text', async (_, c) => {
    const statusAt = (c.filter.statusAt as string | undefined) ?? TODAY;
    const rows = await groundTruth(c, null, statusAt);
    const names = Object.keys(c.conditions);
    const expected = rows.filter((r) => names.every((n) => r[`f_${n}`] === true)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    const page = await search({ filter: c.filter, first: 0 });
    expect(page.totalCount).toBe(expected.length);
    expect((await allIds({ filter: c.filter })).sort()).toEqual(expected.sort());
    expect(page.facets).toEqual(expectedFacets(rows, names));
  });

  test.each([
    ['創業', 'municipality (Tokyo special ward)'],
    ['販路', 'everything at once'],
    ['セミナー', 'status'],
    ['補助金', 'employees'],
    ['相談', 'support fields'],
  ])('%s with %s', async (text, name) => {
    const c = FILTER_CASES.find((f) => f.name === name)!;
    const matching = await allIds({ text });
    const rows = await groundTruth(c, matching);
    const names = Object.keys(c.conditions);
    const expected = rows.filter((r) => names.every((n) => r[`f_${n}`] === true)).map((r) => r.id);
    const filtered = await allIds({ text, filter: c.filter });
    expect(filtered.sort()).toEqual(expected.sort());
    const page = await search({ text, filter: c.filter, first: 0 });
    expect(page.totalCount).toBe(expected.length);
    expect(page.facets).toEqual(expectedFacets(rows, names));
  });

  test('a bad filter value is a BAD_USER_INPUT error', async () => {
    for (const variables of [
      { filter: { municipalityCode: '999999' } },
      { filter: { industry: 'Z' } },
      { filter: { employees: -1 } },
      { first: 101 },
      { after: 'bm90LWEtY3Vyc29y' },
      { sort: 'DISTANCE' },
    ]) {
      const result = await graph.run(SEARCH, variables);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('municipalities lookup', () => {
  const LOOKUP = `query($name: String, $prefectureCode: String, $first: Int) { municipalities(name: $name, prefectureCode: $prefectureCode, first: $first) { code name nameKana prefecture prefectureCode } }`;
  const lookup = async (variables: Record<string, unknown>) => graph.run(LOOKUP, variables);

  test('by name, reading or code, the same codes the filters take', async () => {
    const byName = await lookup({ name: '豊島区' });
    expect((byName.data as { municipalities: unknown[] }).municipalities[0]).toEqual({
      code: '131164',
      name: '豊島区',
      nameKana: 'としまく',
      prefecture: '東京都',
      prefectureCode: '130001',
    });
    const byKana = await lookup({ name: 'こうべしちゅうおうく' });
    const code = (byKana.data as { municipalities: Array<{ code: string }> }).municipalities[0].code;
    expect(code).toBe('281107');
    // The code found works as a filter.
    expect((await search({ filter: { municipalityCode: code }, first: 0 })).totalCount).toBeGreaterThan(0);
  });

  test("must not match: another prefecture's ward, an unknown name", async () => {
    expect((await lookup({ name: '中央区', prefectureCode: '兵庫県' })).data).toEqual({
      municipalities: [expect.objectContaining({ code: '281107' })],
    });
    expect((await lookup({ name: 'アトランティス' })).data).toEqual({ municipalities: [] });
  });

  test('first is bounded and long names are refused with BAD_USER_INPUT', async () => {
    for (const variables of [
      { name: '市', first: 101 },
      { name: '市', first: -1 },
      { name: '市'.repeat(51) },
      { prefectureCode: 'x'.repeat(51) },
    ]) {
      const result = await lookup(variables);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const page = await lookup({ name: '市', first: 100 });
    expect((page.data as { municipalities: unknown[] }).municipalities).toHaveLength(100);
  });
});
