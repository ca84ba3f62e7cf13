/**
 * The search index built at start never holds a search up: with a catalogue large enough to be
 * built in the background (here the demo store with the threshold lowered, and one source's rows
 * held back so that the build provably cannot end), a search through the supergraph answers at
 * once from the programmes indexed so far and says how far the index is; once the held source
 * arrives, the same search answers from every programme and `indexing` is null.
 */
import type { Queryable, Store } from '../../store/store';
import { searchIndexFor } from '../../subgraphs/programs/search/holder';
import { FIXED_NOW } from '../support/paths';
import { openTestStore } from '../support/store';
import { startInProcessSupergraph, type InProcessSupergraph } from '../support/supergraph';

const HELD = 'toshima-city/programs';

const SEARCH = `query($text: String) {
  search(text: $text, first: 50) {
    totalCount
    edges { node { id } }
    indexing { indexed total }
  }
}`;

interface Answer {
  totalCount: number;
  edges: Array<{ node: { id: string } }>;
  indexing: { indexed: number; total: number } | null;
}

let store: Store;
let graph: InProcessSupergraph;
let release!: () => void;

beforeAll(async () => {
  store = await openTestStore('demo');
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The programs subgraph reads through a store whose held source's rows wait for `release`.
  const gated: Queryable = {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      if (Array.isArray(params?.[0]) && (params[0] as unknown[]).includes(HELD)) await held;
      return store.query<T>(sql, params);
    },
  };
  // The demo's 190 programmes are built in the background as a catalogue of 100,000 would be.
  searchIndexFor(gated, { backgroundBuildFrom: 100 });
  graph = await startInProcessSupergraph(
    (name) => (name === 'programs' ? gated : store),
    () => FIXED_NOW,
  );
});

afterAll(async () => {
  release();
  await graph.stop();
  await store.close();
});

async function search(text: string): Promise<Answer> {
  const res = await graph.run(SEARCH, { text });
  expect(res.errors).toBeUndefined();
  return (res.data as { search: Answer }).search;
}

test('a search during the build answers from what is indexed so far, then from everything', async () => {
  const [{ count }] = await store.query<{ count: number }>('select count(*)::int as count from programs');
  const heldIds = (await store.query<{ id: string }>('select id from programs where source_id = $1', [HELD])).map(
    (r) => r.id,
  );
  expect(heldIds.length).toBeGreaterThan(0);

  // The build cannot end while the held source's rows wait, yet the search answers.
  let early = await search('創業');
  for (let i = 0; i < 200 && (early.indexing?.indexed ?? 0) < count - heldIds.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    early = await search('創業');
  }
  expect(early.indexing).toEqual({ indexed: count - heldIds.length, total: count });
  expect(early.totalCount).toBeGreaterThan(0);
  expect(early.edges.some((e) => heldIds.includes(e.node.id))).toBe(false);

  release();
  let late = await search('創業');
  for (let i = 0; i < 200 && late.indexing !== null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    late = await search('創業');
  }
  expect(late.indexing).toBeNull();
  expect(late.totalCount).toBeGreaterThan(early.totalCount);
  expect(late.edges.some((e) => heldIds.includes(e.node.id))).toBe(true);
}, 60_000);
