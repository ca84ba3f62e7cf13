/**
 * The one-stop search's order and pages over the demo store: relevance, closing date and distance
 * against SQL, pagination, who else offers this (alternatives, providersFor), and attacks on the
 * search text.
 */
import { getMunicipality, listMunicipalities } from '../../domain/municipalities';
import { MAX_QUERY_LENGTH } from '../../subgraphs/programs/search/query';
import { MAX_PLACES } from '../../subgraphs/programs/search/understand';
import { countingStore, type Store } from '../../store/store';
import { statusSql } from '../../store/programs';
import { FIXED_NOW } from '../support/paths';
import { startInProcessSupergraph } from '../support/supergraph';
import {
  allIds,
  closeSearchGraph,
  type Connection,
  ONE_DAY,
  openSearchGraph,
  openTo,
  search,
  TODAY,
  UNDERSTOOD,
  understood,
} from '../support/search-graph';
import type { InProcessSupergraph } from '../support/supergraph';

let store: Store;
let graph: InProcessSupergraph;
beforeAll(async () => ({ store, graph } = await openSearchGraph()));
afterAll(closeSearchGraph);

// ---------------------------------------------------------------------------------------------
// Ranking, sorting and pages
// ---------------------------------------------------------------------------------------------

describe('ranking, sorting and pages', () => {
  test('relevance puts available programmes before upcoming ones and closed ones last', async () => {
    const tier = (s: string) => (s === 'CLOSED' ? 2 : s === 'UPCOMING' ? 1 : 0);
    const page = await search({ text: '創業', first: 50 });
    const tiers = page.edges.map((e) => tier(e.node.status));
    expect(tiers).toEqual([...tiers].sort());
    expect(new Set(tiers).size).toBe(3);
  });

  test('a kind the text names (セミナー) comes first, each group by availability, and leaves nothing out', async () => {
    const tier = (s: string) => (s === 'CLOSED' ? 2 : s === 'UPCOMING' ? 1 : 0);
    const page = await search({ text: 'セミナー', first: 100 });
    const courses = ['SEMINAR', 'TRAINING'];
    const kinds = page.edges.map((e) => (courses.includes(e.node.kind) ? 0 : 1));
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds).toContain(1);
    for (const group of [0, 1]) {
      const tiers = page.edges.filter((_, i) => kinds[i] === group).map((e) => tier(e.node.status));
      expect(tiers).toEqual([...tiers].sort());
    }
    // Every seminar and course is there, and so is every programme whose text says セミナー.
    const [{ n }] = await store.query<{ n: number }>(
      `select count(*)::int as n from programs where kind = any(array['SEMINAR','TRAINING'])`,
    );
    expect(kinds.filter((k) => k === 0)).toHaveLength(n);
  });

  test('closing date: deadlines ahead soonest first, as SQL orders them', async () => {
    const ids = await allIds({ sort: 'CLOSING_DATE', filter: { status: ['OPEN'] } });
    const rows = await store.query<{ id: string; closes: string | null }>(
      `select id, closes_on::text as closes from programs where ${statusSql('OPEN', ONE_DAY).text} order by closes_on nulls last`,
      [TODAY],
    );
    const closes = new Map(rows.map((r) => [r.id, r.closes ?? '9999-12-31']));
    expect(ids).toHaveLength(rows.length);
    const dates = ids.map((id) => closes.get(id)!);
    expect(dates).toEqual([...dates].sort());
  });

  test('distance: from the municipality to each provider office read from the organizations table', async () => {
    const page = await search({ text: '創業', sort: 'DISTANCE', near: '131164', first: 30 });
    const km = page.edges.map((e) => e.distanceKm!);
    expect(km.every((d) => typeof d === 'number')).toBe(true);
    expect(km).toEqual([...km].sort((a, b) => a - b));
    expect(page.edges[0].node.provider!.id).toMatch(/^(toshima-city|toshima-bizsapo|sugamo-sbiz)$/);
    const [akashi] = await store.query<{ lat: number; lng: number }>(
      `select lat, lng from organizations where id = 'akashi-ipf'`,
    );
    const toshima = getMunicipality('131164')!;
    const far = page.edges.find((e) => e.node.provider!.id === 'akashi-ipf')!;
    // Tokyo to Akashi is about 440 km as the crow flies.
    expect(far.distanceKm).toBeGreaterThan(400);
    expect(far.distanceKm).toBeLessThan(480);
    expect(akashi.lat).toBeGreaterThan(34);
    expect(toshima.prefecture).toBe('東京都');
    // filter.municipalityCode is the default origin.
    const local = await search({ text: '創業', sort: 'DISTANCE', filter: { municipalityCode: '282031' }, first: 3 });
    expect(local.edges[0].node.provider!.id).toBe('akashi-ipf');
  });

  test('pages follow each other without overlap and hasNextPage ends them', async () => {
    const whole = await search({ text: '融資', first: 100 });
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Connection = await search({ text: '融資', first: 7, after });
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.totalCount).toBe(whole.totalCount);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.edges.map((e) => e.node.id));
  });
});

// ---------------------------------------------------------------------------------------------
// Who else offers this, and who can help
// ---------------------------------------------------------------------------------------------

describe('who else offers this', () => {
  test('alternatives come from other providers open to the same firms', async () => {
    const result = await graph.run(
      `{ program(id: "toshima-city:TSM-001") { title provider { id } alternatives(first: 5) { id title provider { id name } eligibility { areas { code prefectureCode } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const p = (
      result.data as {
        program: {
          alternatives: Array<{
            id: string;
            provider: { id: string };
            eligibility: { areas: Array<{ code: string; prefectureCode: string | null }> };
          }>;
        };
      }
    ).program;
    expect(p.alternatives.length).toBeGreaterThan(0);
    // The other start-up loan in Toshima first.
    expect(p.alternatives[0].id).toBe('sugamo-sbiz:SBZ-01');
    for (const a of p.alternatives) {
      expect(a.provider.id).not.toBe('toshima-city');
      const areas = a.eligibility.areas;
      expect(areas.length === 0 || areas.some((x) => x.code === '000000' || x.prefectureCode === '130001')).toBe(true);
    }
  });

  test("alternatives of a programme limited to one city are open to that city's firms, never another city's", async () => {
    const result = await graph.run(
      `{ program(id: "kobe-ipf:KIPF-002") { alternatives(first: 20) { id eligibility { areas { code } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const alternatives = (
      result.data as {
        program: { alternatives: Array<{ id: string; eligibility: { areas: Array<{ code: string }> } }> };
      }
    ).program.alternatives;
    expect(alternatives.length).toBeGreaterThan(0);
    for (const a of alternatives) expect(openTo(a.eligibility.areas, '281000')).toBe(true);
    // Must not: 明石市's start-up counter, though in the same prefecture.
    expect(alternatives.map((a) => a.id)).not.toContain('akashi-ipf:AKS-01');
    // A prefecture-wide programme keeps offering city programmes of its prefecture.
    const wide = await graph.run(`{ program(id: "hyogo-cgc:CGC-01") { alternatives(first: 20) { id } } }`);
    expect(
      (wide.data as { program: { alternatives: Array<{ id: string }> } }).program.alternatives.map((a) => a.id),
    ).toEqual(expect.arrayContaining(['akashi-ipf:AKS-01']));
  });

  test('alternatives of every search hit are loaded in one batch', async () => {
    const counter = countingStore(store);
    const local = await startInProcessSupergraph(
      (name) => (name === 'programs' ? counter : store),
      () => FIXED_NOW,
    );
    try {
      const result = await local.run(
        `{ search(text: "融資", first: 10) { edges { node { id alternatives(first: 3) { id title } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const edges = (result.data as { search: { edges: Array<{ node: { alternatives: unknown[] } }> } }).search.edges;
      expect(edges.every((e) => e.node.alternatives.length > 0)).toBe(true);
      // The page's programmes in one query, the alternatives not already loaded in one more.
      expect(counter.statements.filter((s) => s.includes('where id = any')).length).toBeLessThanOrEqual(2);
    } finally {
      await local.stop();
    }
  });

  test('providersFor lists organizations with their matching programmes, nearest first on request', async () => {
    const result = await graph.run(`{
      providersFor(need: "創業", municipalityCode: "131164", sort: DISTANCE, first: 10) {
        organization { id name } distanceKm programCount score programs { id title }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const list = (
      result.data as {
        providersFor: Array<{
          organization: { id: string; name: string };
          distanceKm: number;
          programCount: number;
          programs: Array<{ id: string }>;
        }>;
      }
    ).providersFor;
    expect(
      list
        .slice(0, 3)
        .map((p) => p.organization.id)
        .sort(),
    ).toEqual(['sugamo-sbiz', 'toshima-bizsapo', 'toshima-city']);
    expect(list.every((p) => p.organization.name && p.programs.length > 0 && p.programs.length <= p.programCount)).toBe(
      true,
    );
    const km = list.map((p) => p.distanceKm);
    expect(km).toEqual([...km].sort((a, b) => a - b));
    // Only programmes open to Toshima firms count: Hyogo's local ones are left out.
    expect(list.some((p) => p.organization.id === 'akashi-ipf')).toBe(false);
    const bad = await graph.run(`{ providersFor(need: "、") { score } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('attacks on the search text', () => {
  test('text past the limit is refused; the longest allowed text of places, kana or words is answered', async () => {
    const tooLong = await graph.run(UNDERSTOOD, { text: 'あ'.repeat(MAX_QUERY_LENGTH + 1) });
    expect(tooLong.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const places = await understood('神戸市'.repeat(Math.floor(MAX_QUERY_LENGTH / 3)), 5);
    expect(places.interpretation.places).toHaveLength(1);
    const manyPlaces = await understood(
      listMunicipalities('28')
        .slice(0, 40)
        .map((m) => m.name)
        .join(' ')
        .slice(0, MAX_QUERY_LENGTH),
      5,
    );
    expect(manyPlaces.interpretation.places.length).toBeLessThanOrEqual(MAX_PLACES);
    for (const text of [
      'ぁ'.repeat(MAX_QUERY_LENGTH),
      'ー'.repeat(MAX_QUERY_LENGTH),
      Array.from({ length: 60 }, (_, i) => `語${i}`)
        .join(' ')
        .slice(0, MAX_QUERY_LENGTH),
    ]) {
      const result = await graph.run(UNDERSTOOD, { text, first: 5 });
      expect(result.errors).toBeUndefined();
    }
  });
});
