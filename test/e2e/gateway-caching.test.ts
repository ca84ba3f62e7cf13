/**
 * Persisted operations and the response cache, over real HTTP: automatic persisted queries round
 * trip by POST and by GET; with the safelist on, only registered operations run; public answers
 * to anonymous callers come from the cache, while anything authorized or touching consultation
 * data never does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/store';
import { signDevelopmentToken } from '../../gateway/auth';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { OPERATIONS_DIR, sha256Hex } from '../../gateway/persistedOperations';
import { EXAMPLE_OPERATIONS } from '../../gateway/explorer/examples';
import { openTestStore } from '../support/store';
import {
  countRequests,
  gql,
  gqlGet,
  JWT_SECRET,
  metricValue,
  startSubgraphs,
  startTestGateway,
  urlsOf,
} from './gateway-helpers';

let store: Store;
let subgraphs: Record<string, RunningServer>;
let cached: RunningGateway;
let safelisted: RunningGateway;
let seen: Record<string, number> = {};

beforeAll(async () => {
  store = await openTestStore('demo');
  subgraphs = await startSubgraphs(store);
  seen = countRequests(subgraphs);
  cached = await startTestGateway(urlsOf(subgraphs), { responseCache: { enabled: true, ttlMs: 60_000 } });
  safelisted = await startTestGateway(urlsOf(subgraphs), { safelist: true, limits: { introspection: 'nobody' } });
});

afterAll(async () => {
  await cached?.close();
  await safelisted?.close();
  await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
  await store?.close();
});

describe('automatic persisted queries', () => {
  const query = 'query FirstPrograms { programs(first: 2) { totalCount edges { node { id title } } } }';
  const hash = sha256Hex(query);
  const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };

  test('by POST: an unknown hash is asked for, the query registers it, then the hash alone runs it', async () => {
    const unknown = await gql(cached.url, { extensions: persisted });
    expect(unknown.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await gql(cached.url, { query, extensions: persisted });
    expect(registered.errors).toBeUndefined();
    const byHash = await gql(cached.url, { extensions: persisted, operationName: 'FirstPrograms' });
    expect(byHash.status).toBe(200);
    expect(byHash.data).toEqual(registered.data);
    const wrongHash = await gql(cached.url, { query: '{ organizations { id } }', extensions: persisted });
    expect(wrongHash.status).toBe(400);
  });

  test('by GET, with the extension in the query string', async () => {
    const other = 'query FewOrganizations { organizations { id name } }';
    const ext = { persistedQuery: { version: 1, sha256Hash: sha256Hex(other) } };
    expect((await gqlGet(cached.url, { extensions: ext })).errors?.[0].extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    const registered = await gqlGet(cached.url, { query: other, extensions: ext });
    expect(registered.status).toBe(200);
    expect(registered.errors).toBeUndefined();
    const byHash = await gqlGet(cached.url, { extensions: ext });
    expect(byHash.status).toBe(200);
    expect(byHash.data).toEqual(registered.data);
    expect((byHash.data!.organizations as unknown[]).length).toBeGreaterThanOrEqual(20);
  });

  test('operations registered in gateway/operations/ run by hash without registering first', async () => {
    const text = readFileSync(join(OPERATIONS_DIR, 'DirectoryPage.graphql'), 'utf8');
    const r = await gqlGet(cached.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(text) } } });
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect((r.data!.organizations as unknown[]).length).toBeGreaterThanOrEqual(20);
  });
});

describe('the safelist (MADOGUCHI_SAFELIST=true)', () => {
  test('refuses unregistered operations with 400 PERSISTED_QUERY_NOT_ALLOWED, before they reach a subgraph', async () => {
    const before = { ...seen };
    for (const body of [
      { query: '{ organizations { id name phone } }' },
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex('{ organizations { id phone } }') } } },
      { query: '{ __schema { types { name } } }' },
    ]) {
      const r = await gql(safelisted.url, body);
      expect(r.status).toBe(400);
      expect(r.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    }
    expect(seen).toEqual(before);
    expect(await metricValue(safelisted.url, 'madoguchi_requests_refused_total', { reason: 'safelist' })).toBe(3);
  });

  test('runs registered operations: as sent, reformatted, or by hash alone', async () => {
    const text = readFileSync(join(OPERATIONS_DIR, 'ProgramDetail.graphql'), 'utf8');
    const [{ id }] = await store.query<{ id: string }>('select id from programs order by id limit 1');
    const asSent = await gql(safelisted.url, { query: text, variables: { id } });
    expect(asSent.errors).toBeUndefined();
    expect(asSent.data!.program.id).toBe(id);
    const compact = text.replace(/^#.*\n/gm, '').replace(/\s+/g, ' ');
    expect((await gql(safelisted.url, { query: compact, variables: { id } })).data).toEqual(asSent.data);
    const byHash = await gql(safelisted.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(text) } },
      variables: { id },
    });
    expect(byHash.data).toEqual(asSent.data);
    const example = EXAMPLE_OPERATIONS.find((e) => e.name === 'SourceFreshness')!;
    expect((await gql(safelisted.url, { query: example.query })).errors).toBeUndefined();
  });
});

describe('the response cache', () => {
  test('serves a repeated anonymous programme query from the cache', async () => {
    const query = {
      query:
        'query ProgramPage($first: Int) { programs(first: $first) { totalCount edges { node { id title provider { name } } } } }',
      variables: { first: 5 },
    };
    const before = { ...seen };
    const first = await gql(cached.url, query);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBeNull();
    const afterFirst = { ...seen };
    expect(afterFirst.programs).toBeGreaterThan(before.programs);
    const hitsBefore = await metricValue(cached.url, 'madoguchi_response_cache_total', { result: 'hit' });
    const second = await gql(cached.url, query);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(seen).toEqual(afterFirst);
    expect(await metricValue(cached.url, 'madoguchi_response_cache_total', { result: 'hit' })).toBe(hitsBefore + 1);
    expect(await metricValue(cached.url, 'madoguchi_response_cache_total', { result: 'miss' })).toBeGreaterThan(0);
    // Other variables are another answer.
    const other = await gql(cached.url, { ...query, variables: { first: 6 } });
    expect(other.headers.get('x-cache')).toBeNull();
    expect((other.data!.programs.edges as unknown[]).length).toBe(6);
    // A sync that changed data drops the cached answers.
    cached.invalidateResponseCache();
    const afterSync = await gql(cached.url, query);
    expect(afterSync.headers.get('x-cache')).toBeNull();
    expect(seen.programs).toBeGreaterThan(afterFirst.programs);
  });

  test('never caches an authorized request, a consultation query, or an anonymous one touching consultation fields', async () => {
    const coordinator = await signDevelopmentToken({ role: 'coordinator' }, JWT_SECRET);
    const consultations = { query: '{ consultations(first: 1) { totalCount } }' };
    const counts = { query: '{ organizations { id consultationCount } }' };
    const programmes = { query: '{ programs(first: 2) { totalCount } }' };
    for (const [body, token] of [
      [consultations, coordinator],
      [programmes, coordinator],
      [counts, null],
    ] as const) {
      const before = { ...seen };
      const a = await gql(cached.url, body, token);
      const b = await gql(cached.url, body, token);
      expect(a.errors).toBeUndefined();
      expect(b.data).toEqual(a.data);
      expect([a.headers.get('x-cache'), b.headers.get('x-cache')]).toEqual([null, null]);
      const subgraph = body === programmes ? 'programs' : 'consultations';
      expect(seen[subgraph] - before[subgraph]).toBe(2);
    }
    // Refused requests are never stored either.
    const anonymous = await gql(cached.url, consultations);
    expect(anonymous.status).toBe(401);
    expect((await gql(cached.url, consultations)).status).toBe(401);
  });
});
