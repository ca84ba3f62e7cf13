/**
 * The supergraph composed in-process from the three subgraph modules (LocalGraphQLDataSource, no
 * ports): one query crossing all three subgraphs, batching proven by counting store queries.
 */
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { countingStore, type Store } from '../../store/store';
import { SUBGRAPHS } from '../../subgraphs';
import { buildSchemaOf } from '../../subgraphs/server';
import { composeSupergraph } from '../../app/compose';
import { openTestStore } from '../support/store';
import { FIXED_NOW } from '../support/paths';
import { perturb } from '../../domain/disclosure';

let store: Store;
let counters: Record<string, ReturnType<typeof countingStore>>;
let server: ApolloServer;

beforeAll(async () => {
  store = await openTestStore('demo');
  counters = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, countingStore(store)]));
  const { supergraphSdl } = composeSupergraph();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const module = SUBGRAPHS.find((s) => s.name === name)!;
      const schema = buildSchemaOf(module);
      const local = new LocalGraphQLDataSource(schema);
      // Each subgraph request gets its own context, as over HTTP.
      const process = local.process.bind(local);
      local.process = (options) =>
        process({ ...options, context: module.createContext(counters[name], { now: () => FIXED_NOW }) as never });
      return local;
    },
  });
  server = new ApolloServer({ gateway });
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await store.close();
});

async function run(query: string, variables?: Record<string, unknown>) {
  const res = await server.executeOperation({ query, variables });
  if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
  return res.body.singleResult;
}

test('one query crosses organizations, programs and consultations', async () => {
  const result = await run(`{
    organizations { id name kind municipality { code name prefecture } programs { title kind status } consultationCount }
  }`);
  expect(result.errors).toBeUndefined();
  const orgs = (
    result.data as {
      organizations: Array<{
        id: string;
        programs: unknown[];
        consultationCount: number | null;
        municipality: { code: string };
      }>;
    }
  ).organizations;
  expect(orgs.length).toBeGreaterThanOrEqual(22);
  const programmes = orgs.reduce((n, o) => n + (o.programs?.length ?? 0), 0);
  expect(programmes).toBeGreaterThanOrEqual(150);
  const [{ n }] = await store.query<{ n: number }>('select count(*)::int as n from programs');
  expect(programmes).toBe(n);
  const iac = orgs.find((o) => o.id === 'hyogo-iac')!;
  const [{ c, ks }] = await store.query<{ c: number; ks: number }>(
    `select count(*)::int as c, sum(record_key)::float8 as ks from consultations where organization_id = 'hyogo-iac'`,
  );
  // Anonymous callers see what analysts see of the same records: the cell-key value.
  expect(iac.consultationCount).toBe(perturb(c, ks));
  expect(Math.abs(iac.consultationCount! - c)).toBeLessThanOrEqual(2);
  expect(c).toBeGreaterThan(100);
  expect(orgs.find((o) => o.id === 'toshima-city')!.municipality.code).toBe('131164');
});

test('consultation counts, in all and by fiscal year (April–March, Japan time), are the records’ cell-key values', async () => {
  const result = await run(
    `{ organizations { id all: consultationCount fy2024: consultationCount(fiscalYear: 2024) fy2025: consultationCount(fiscalYear: 2025) } }`,
  );
  expect(result.errors).toBeUndefined();
  const orgs = (result.data as { organizations: Array<{ id: string; all: number; fy2024: number; fy2025: number }> })
    .organizations;
  const rows = await store.query<{ org: string; fy: number; n: number; ks: number }>(
    `select organization_id as org, extract(year from (received_at at time zone 'Asia/Tokyo') - interval '3 months')::int as fy, count(*)::int as n, sum(record_key)::float8 as ks
     from consultations group by 1, 2`,
  );
  const count = (org: string, fy?: number) => {
    const mine = rows.filter((r) => r.org === org && (fy === undefined || r.fy === fy));
    return perturb(
      mine.reduce((sum, r) => sum + r.n, 0),
      mine.reduce((sum, r) => sum + r.ks, 0),
    );
  };
  expect(rows.some((r) => r.fy === 2025 && r.n > 0)).toBe(true);
  for (const o of orgs)
    expect([o.id, o.all, o.fy2024, o.fy2025]).toEqual([o.id, count(o.id), count(o.id, 2024), count(o.id, 2025)]);
  expect(orgs.filter((o) => o.all > 0).length).toBeGreaterThanOrEqual(19);
});

test('a request touching 50 programmes and their providers costs one store query per batch', async () => {
  Object.values(counters).forEach((c) => {
    c.count = 0;
    c.statements.length = 0;
  });
  const result = await run(`{
    programs(first: 50) { totalCount edges { node { id title provider { id name consultationCount } } } }
  }`);
  expect(result.errors).toBeUndefined();
  const edges = (result.data as { programs: { edges: Array<{ node: { provider: { name: string } | null } }> } })
    .programs.edges;
  expect(edges).toHaveLength(50);
  expect(edges.every((e) => e.node.provider?.name)).toBe(true);
  // programs: the page; organizations: all distinct providers in one batch; consultations: one count.
  expect(counters.programs.count).toBe(1);
  expect(counters.organizations.count).toBe(1);
  expect(counters.consultations.count).toBe(1);
});

test('programme entities resolved by reference are batched: 50 ids, one query', async () => {
  const ids = (await store.query<{ id: string }>('select id from programs order by id limit 50')).map((r) => r.id);
  const counter = countingStore(store);
  const programs = SUBGRAPHS.find((s) => s.name === 'programs')!;
  const local = new LocalGraphQLDataSource(buildSchemaOf(programs));
  const response = await local.process({
    kind: 0 as never,
    request: {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Program { id title } } }',
      variables: { r: ids.map((id) => ({ __typename: 'Program', id })) },
    },
    context: programs.createContext(counter) as never,
  } as never);
  expect(response.errors).toBeUndefined();
  expect((response.data as { _entities: Array<{ id: string }> })._entities.map((e) => e.id)).toEqual(ids);
  expect(counter.count).toBe(1);
});

test('filters and pagination agree with SQL ground truth', async () => {
  const query = `query($after: String) { programs(filter: { supportFields: [STARTUP], municipalityCode: "281107" }, first: 5, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id supportFields eligibility { areas { code } } } } } }`;
  const first = await run(query);
  const page = (
    first.data as {
      programs: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: Array<{ node: { id: string; supportFields: string[] } }>;
      };
    }
  ).programs;
  const [{ n }] = await store.query<{ n: number }>(
    `select count(*)::int as n from programs where 'STARTUP' = any(support_fields)
       and (cardinality(area_codes) = 0 or area_codes && array['000000','280003','281000','281107'])`,
  );
  expect(page.totalCount).toBe(n);
  expect(n).toBeGreaterThan(5);
  expect(page.edges.every((e) => e.node.supportFields.includes('STARTUP'))).toBe(true);
  const second = await run(query, { after: page.pageInfo.endCursor });
  const next = (second.data as { programs: { edges: Array<{ node: { id: string } }> } }).programs.edges.map(
    (e) => e.node.id,
  );
  expect(next.some((id) => page.edges.some((e) => e.node.id === id))).toBe(false);
  const bad = await run(`{ programs(first: 1000) { totalCount } }`);
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('sources show freshness and the organizations directory filters by area', async () => {
  const result = await run(`{
    sources(agencyId: "hyogo-cgc") { id kind entity status stale acceptedCount rejectedCount lastSuccessAt rejectedRows { row } }
    organizations(filter: { municipalityCode: "282022" }) { id }
  }`);
  expect(result.errors).toBeUndefined();
  const data = result.data as {
    sources: Array<{ id: string; status: string; acceptedCount: number; kind: string }>;
    organizations: Array<{ id: string }>;
  };
  expect(data.sources.map((s) => s.id).sort()).toEqual(['hyogo-cgc/consultations', 'hyogo-cgc/programs']);
  expect(data.sources.every((s) => s.status === 'OK' && s.acceptedCount > 0 && s.kind === 'SPREADSHEET')).toBe(true);
  expect(data.organizations.map((o) => o.id).sort()).toEqual(['amagasaki-ipo', 'ampi', 'jeed-hyogo']);
});
