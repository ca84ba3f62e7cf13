/**
 * How the gateway fetches from subgraphs, over real HTTP with a recording proxy in front of each
 * subgraph: identical in-flight queries share one subgraph request (never across identities,
 * never for mutations), and a query that meets a 503 is retried once, re-signed, while a mutation
 * is not.
 */
import type { Store } from '../../store/store';
import { signDevelopmentToken } from '../../gateway/auth';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { IDENTITY_HEADER } from '../../server/identity';
import { openTestStore } from '../support/store';
import {
  gql,
  JWT_SECRET,
  metricValue,
  startProxy,
  startSubgraphs,
  startTestGateway,
  type SubgraphProxy,
} from './gateway-helpers';

let store: Store;
let subgraphs: Record<string, RunningServer>;
const proxies: Record<string, SubgraphProxy> = {};
let deduplicating: RunningGateway;
let plain: RunningGateway;
let coordinator: string;
let staff: string;

beforeAll(async () => {
  store = await openTestStore('demo');
  subgraphs = await startSubgraphs(store);
  // A slow subgraph keeps each request in flight long enough for the identical ones to join it.
  for (const [name, s] of Object.entries(subgraphs)) proxies[name] = await startProxy(s.url, 300);
  const urls = Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.url]));
  deduplicating = await startTestGateway(urls);
  plain = await startTestGateway(urls, { subgraphClient: { dedup: false } });
  coordinator = await signDevelopmentToken({ role: 'coordinator' }, JWT_SECRET);
  staff = await signDevelopmentToken({ role: 'staff', agency: 'hyogo-cgc' }, JWT_SECRET);
});

afterAll(async () => {
  await deduplicating?.close();
  await plain?.close();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
  await store?.close();
});

const count = () => Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.requests.length]));
const since = (before: Record<string, number>) =>
  Object.fromEntries(Object.entries(count()).map(([name, n]) => [name, n - before[name]]));

const DIRECTORY = '{ organizations { id name programs { id title } } }';

test('20 concurrent identical queries cost one request per subgraph; without deduplication, 20', async () => {
  // As a coordinator: authorized answers never come from the response cache (on, as shipped), so
  // all 20 reach the fetching layer. Warm the plans so that they reach the subgraphs together.
  await gql(deduplicating.url, { query: DIRECTORY }, coordinator);
  await gql(plain.url, { query: DIRECTORY }, coordinator);

  let before = count();
  const shared = await Promise.all(
    Array.from({ length: 20 }, () => gql(deduplicating.url, { query: DIRECTORY }, coordinator)),
  );
  const merged = since(before);
  expect(shared.every((r) => r.status === 200 && !r.errors)).toBe(true);
  expect(new Set(shared.map((r) => JSON.stringify(r.data))).size).toBe(1);
  expect((shared[0].data!.organizations as unknown[]).length).toBeGreaterThanOrEqual(20);
  expect(merged.organizations).toBeLessThanOrEqual(2);
  expect(merged.programs).toBeLessThanOrEqual(2);
  expect(
    await metricValue(deduplicating.url, 'madoguchi_subgraph_deduplicated_total', { subgraph: 'organizations' }),
  ).toBeGreaterThanOrEqual(18);

  before = count();
  const separate = await Promise.all(
    Array.from({ length: 20 }, () => gql(plain.url, { query: DIRECTORY }, coordinator)),
  );
  const unmerged = since(before);
  expect(separate.every((r) => r.status === 200 && !r.errors)).toBe(true);
  expect(unmerged).toMatchObject({ organizations: 20, programs: 20 });
  expect(JSON.stringify(separate[0].data)).toBe(JSON.stringify(shared[0].data));
});

test('identical queries from different identities are never merged; each identity gets its own answer', async () => {
  const query = '{ consultations(first: 1) { totalCount } }';
  await gql(deduplicating.url, { query }, coordinator);
  const before = count();
  const start = proxies.consultations.requests.length;
  const answers = await Promise.all([
    ...Array.from({ length: 5 }, () =>
      gql(deduplicating.url, { query }, coordinator).then((r) => ({ who: 'coordinator', r })),
    ),
    ...Array.from({ length: 5 }, () => gql(deduplicating.url, { query }, staff).then((r) => ({ who: 'staff', r }))),
  ]);
  expect(answers.every(({ r }) => r.status === 200 && !r.errors)).toBe(true);
  const totals = (who: string) =>
    new Set(answers.filter((a) => a.who === who).map((a) => a.r.data!.consultations.totalCount));
  const [{ n: all }] = await store.query<{ n: number }>('select count(*)::int as n from consultations');
  const [{ n: own }] = await store.query<{ n: number }>(
    `select count(*)::int as n from consultations where organization_id = 'hyogo-cgc' or referred_to_id = 'hyogo-cgc'`,
  );
  expect([...totals('coordinator')]).toEqual([all]);
  expect([...totals('staff')]).toEqual([own]);
  // One request per identity, each with its own signed identity (a fresh nonce each).
  expect(since(before).consultations).toBe(2);
  const identities = proxies.consultations.requests.slice(start).map((r) => r.headers[IDENTITY_HEADER]);
  expect(new Set(identities).size).toBe(2);
});

test('identical concurrent mutations are each sent', async () => {
  const [{ id }] = await store.query<{ id: string }>(
    `select id from consultations where organization_id = 'hyogo-cgc' and referred_to_id is null order by id limit 1`,
  );
  const mutation = {
    query: 'mutation($id: ID!) { referConsultation(id: $id, to: "no-such-agency") { id } }',
    variables: { id },
  };
  const before = count();
  const results = await Promise.all(Array.from({ length: 3 }, () => gql(deduplicating.url, mutation, staff)));
  expect(results.every((r) => r.errors?.length)).toBe(true);
  expect(since(before).consultations).toBe(3);
});

test('a query meeting a 503 is retried once, re-signed; a mutation is not retried', async () => {
  const retriesBefore = await metricValue(deduplicating.url, 'madoguchi_subgraph_retries_total', {
    subgraph: 'organizations',
  });
  let start = proxies.organizations.requests.length;
  proxies.organizations.failNext(1, 503);
  const query = await gql(deduplicating.url, { query: '{ organizations { id } }' });
  expect(query.errors).toBeUndefined();
  expect((query.data!.organizations as unknown[]).length).toBeGreaterThanOrEqual(20);
  const attempts = proxies.organizations.requests.slice(start);
  expect(attempts).toHaveLength(2);
  expect(attempts[0].headers[IDENTITY_HEADER]).not.toBe(attempts[1].headers[IDENTITY_HEADER]);
  expect(await metricValue(deduplicating.url, 'madoguchi_subgraph_retries_total', { subgraph: 'organizations' })).toBe(
    retriesBefore + 1,
  );

  const [{ id }] = await store.query<{ id: string }>(
    `select id from consultations where organization_id = 'hyogo-cgc' and referred_to_id is null order by id limit 1`,
  );
  start = proxies.consultations.requests.length;
  proxies.consultations.failNext(1, 503);
  const mutation = await gql(
    deduplicating.url,
    { query: 'mutation($id: ID!) { referConsultation(id: $id, to: "kobe-ipf") { id } }', variables: { id } },
    staff,
  );
  expect(mutation.errors?.[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'consultations' });
  expect(proxies.consultations.requests.length - start).toBe(1);
});

test('a 500 or an unreachable subgraph is not merged into later requests: the next query asks again', async () => {
  proxies.programs.failNext(1, 500);
  const failed = await gql(deduplicating.url, { query: '{ programs(first: 1) { totalCount } }' });
  expect(failed.errors?.[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE' });
  const ok = await gql(deduplicating.url, { query: '{ programs(first: 1) { totalCount } }' });
  expect(ok.errors).toBeUndefined();
  expect(ok.data!.programs.totalCount).toBeGreaterThan(100);
});
