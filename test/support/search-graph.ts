/**
 * Shared setup of the one-stop search's integration tests (test/integration/search-*.test.ts): the
 * supergraph composed in-process over a demo store, the search operation with every field the
 * tests read, and the helpers that page through it or read how a sentence was understood.
 *
 * openSearchGraph() in a file's beforeAll opens the store and the graph that search(), allIds()
 * and understood() then query; jest gives each test file its own copy of this module.
 */
import { isWithin } from '../../domain/municipalities';
import { raw } from '../../store/sql';
import type { Store } from '../../store/store';
import { FIXED_NOW } from './paths';
import { openTestStore } from './store';
import { type InProcessSupergraph, startInProcessSupergraph } from './supergraph';

export const TODAY = '2026-11-25'; // FIXED_NOW in Japan
/** The day of the ground-truth queries: their first parameter. */
export const ONE_DAY = raw('$1::date');

export interface Edge {
  cursor: string;
  score: number;
  highlight: string | null;
  distanceKm: number | null;
  node: { id: string; title: string; kind: string; status: string; provider: { id: string; name: string } | null };
}
export interface Facet {
  value: string;
  count: number;
}
export interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Edge[];
  facets: Record<'supportFields' | 'kinds' | 'purposes' | 'providers' | 'statuses' | 'prefectures', Facet[]>;
}

export const SEARCH = `query($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {
  search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor score highlight distanceKm node { id title kind status provider { id name } } }
    facets {
      supportFields { value count } kinds { value count } purposes { value count }
      providers { value count } statuses { value count } prefectures { value count }
    }
  }
}`;

let current: { store: Store; graph: InProcessSupergraph } | undefined;

/** The demo store and the supergraph over it, for this test file (call in beforeAll). */
export async function openSearchGraph(): Promise<{ store: Store; graph: InProcessSupergraph }> {
  const store = await openTestStore('demo');
  const graph = await startInProcessSupergraph(
    () => store,
    () => FIXED_NOW,
  );
  current = { store, graph };
  return current;
}

/** Stops what openSearchGraph() started (call in afterAll). */
export async function closeSearchGraph(): Promise<void> {
  if (!current) return;
  await current.graph.stop();
  await current.store.close();
  current = undefined;
}

function graph(): InProcessSupergraph {
  if (!current) throw new Error('call openSearchGraph() in beforeAll first');
  return current.graph;
}

export async function search(variables: Record<string, unknown>): Promise<Connection> {
  const result = await graph().run(SEARCH, variables);
  expect(result.errors).toBeUndefined();
  return (result.data as { search: Connection }).search;
}

/** Every matching id, page after page. */
export async function allIds(variables: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Connection = await search({ ...variables, first: 100, after });
    ids.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

export const UNDERSTOOD = `query($text: String, $filter: SearchFilter, $first: Int) {
  search(text: $text, filter: $filter, first: $first) {
    totalCount
    edges { node { id kind supportFields eligibility { areas { code } } } }
    interpretation { terms places { code name nameKana } supportFields kinds needs firm dropped relaxed }
    suggestions
  }
}`;

export interface Understood {
  totalCount: number;
  edges: Array<{
    node: { id: string; kind: string; supportFields: string[]; eligibility: { areas: Array<{ code: string }> } };
  }>;
  interpretation: {
    terms: string[];
    places: Array<{ code: string; name: string; nameKana: string | null }>;
    supportFields: string[];
    kinds: string[];
    needs: string[];
    firm: string[];
    dropped: string[];
    relaxed: boolean;
  };
  suggestions: string[];
}

export async function understood(text: string, first = 100, filter?: Record<string, unknown>): Promise<Understood> {
  const result = await graph().run(UNDERSTOOD, { text, first, filter });
  expect(result.errors).toBeUndefined();
  return (result.data as { search: Understood }).search;
}

/** Whether a programme's areas let a firm in `code` apply (no area: anyone). */
export const openTo = (areas: Array<{ code: string }>, code: string) =>
  areas.length === 0 || areas.some((a) => isWithin(code, a.code) || isWithin(a.code, code));
