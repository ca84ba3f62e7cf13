/**
 * The growth subgraph in the supergraph composed in-process, as a coordinator: a page of firms
 * with names (consultations subgraph), explained scores, plans and agencies (organizations)
 * costs a fixed number of store queries whatever the page size, and what it says agrees with
 * the store.
 */
import { countingStore, type Store } from '../../store/store';
import { SUBGRAPHS } from '../../subgraphs';
import { openTestStore } from '../support/store';
import { startInProcessSupergraph, type InProcessSupergraph } from '../support/supergraph';
import { statusOf } from '../../store/growth';
import { FIXED_NOW } from '../support/paths';

let store: Store;
let counters: Record<string, ReturnType<typeof countingStore>>;
let supergraph: InProcessSupergraph;
const COORDINATOR = { role: 'coordinator' as const, subject: 'coord', agencyId: null };

beforeAll(async () => {
  store = await openTestStore('demo');
  counters = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, countingStore(store)]));
  supergraph = await startInProcessSupergraph(
    (name) => counters[name],
    () => FIXED_NOW,
    COORDINATOR,
  );
});

afterAll(async () => {
  await supergraph.stop();
  await store.close();
});

async function run(query: string, variables?: Record<string, unknown>) {
  return (await supergraph.run(query, variables)) as { data?: any; errors?: ReadonlyArray<{ message: string }> };
}

const PAGE = `query($n: Int!) { growthFirms(first: $n, filter: { statuses: [ACTIVE, GRADUATED] }) {
  totalCount
  edges { node { id name municipality { name } growth { status score { total contributions { signal points } } plan { selectedIn leadAgency { id name } goals } } } }
} }`;

async function statementsFor(n: number): Promise<Record<string, number>> {
  Object.values(counters).forEach((c) => {
    c.count = 0;
    c.statements.length = 0;
  });
  const result = await run(PAGE, { n });
  expect(result.errors).toBeUndefined();
  expect(result.data.growthFirms.edges).toHaveLength(n);
  return Object.fromEntries(Object.entries(counters).map(([name, c]) => [name, c.count]));
}

test('a page of firms with scores, plans and agencies costs the same few queries for 5 firms as for 25', async () => {
  const small = await statementsFor(5);
  const large = await statementsFor(25);
  expect(large).toEqual(small);
  // growth: the page, its audit rows, status, signals, plans, the file's audit rows; consultations: the firms.
  expect(large.growth).toBeLessThanOrEqual(8);
  expect(large.consultations).toBeLessThanOrEqual(2);
  expect(large.organizations).toBe(1);
});

test('what the page says agrees with the store', async () => {
  const { data } = await run(PAGE, { n: 25 });
  const planned = (await store.query<{ id: string }>('select distinct firm_id as id from support_plan_events')).map(
    (r) => r.id,
  );
  const statuses = await statusOf(store, planned);
  expect(data.growthFirms.totalCount).toBe(statuses.filter((s) => s === 'ACTIVE' || s === 'GRADUATED').length);
  const scores = data.growthFirms.edges.map((e: any) => e.node.growth.score.total);
  expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
  for (const { node } of data.growthFirms.edges) {
    expect(node.name).toBeTruthy();
    expect(['ACTIVE', 'GRADUATED']).toContain(node.growth.status);
    expect(node.growth.score.total).toBe(
      node.growth.score.contributions.reduce((s: number, c: { points: number }) => s + c.points, 0),
    );
    expect(node.growth.plan.leadAgency.name).toBeTruthy();
    const [{ score }] = await store.query<{ score: number }>('select score from firm_signals where firm_id = $1', [
      node.id,
    ]);
    expect(node.growth.score.total).toBe(score);
  }
});
