/**
 * REDIS_URL: two gateways over the same subgraphs share automatic persisted queries and the
 * response cache through a real redis-server (Debian's, started here on loopback with no
 * persistence, killed and restarted by the tests):
 *
 * - a query registered on gateway A runs by its hash alone on gateway B; an answer cached by A is
 *   served by B without reaching a subgraph; a gateway of another supergraph never gets it;
 * - after a new snapshot, announced to A only, B no longer serves what was cached before it;
 * - Redis killed under load: every request still answered, correctly and without hanging, one
 *   warning per gateway; Redis back: sharing resumes by itself;
 * - the store's own defences: values over the size bound are not shared, an answer computed
 *   before an invalidation is not stored after it, a persisted-query text that does not match its
 *   hash is ignored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { Store } from '../../store/store';
import { replaceSource } from '../../store/ingest';
import { onSnapshot } from '../../store/engine/notifications';
import { selectList } from '../../store/tables';
import type { ProgramRecord } from '../../domain/records';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { sha256Hex } from '../../gateway/persistedOperations';
import { SharedCache, type SharedCacheOptions } from '../../gateway/sharedCache';
import { openTestStore } from '../support/store';
import { describeWithRedis, startRedisServer, type RedisServer } from '../support/redis';
import {
  countRequests,
  gql,
  metricValue,
  startSubgraphs,
  startTestGateway,
  urlsOf,
  type GraphQLResult,
} from './gateway-helpers';

/** A logger whose lines the test reads (warnings and above). */
function capturingLogger(lines: string[]) {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
}

const count = (lines: string[], text: string) => lines.filter((l) => l.includes(text)).length;
/** What the last outage message a gateway logged says. */
const lastState = (lines: string[]) => {
  const last = lines.filter((l) => /shared cache \(Redis\) (unavailable|reachable again)/.test(l)).pop() ?? '';
  return last.includes('reachable again') ? 'reachable' : last.includes('unavailable') ? 'unavailable' : 'none';
};

async function waitFor(condition: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWithRedis('caches shared through Redis (REDIS_URL)', () => {
  let store: Store;
  let subgraphs: Record<string, RunningServer>;
  let redis: RedisServer;
  let shared: SharedCacheOptions;
  let a: RunningGateway;
  let b: RunningGateway;
  const logsA: string[] = [];
  const logsB: string[] = [];
  let seen: Record<string, number> = {};
  const seenTotal = () => Object.values(seen).reduce((x, y) => x + y, 0);

  beforeAll(async () => {
    store = await openTestStore('demo');
    subgraphs = await startSubgraphs(store);
    seen = countRequests(subgraphs);
    redis = await startRedisServer();
    // A prefix of this run's own: nothing else's keys are read.
    shared = {
      url: redis.url,
      prefix: `test-${randomBytes(4).toString('hex')}`,
      timeoutMs: 250,
      maxValueBytes: 512 * 1024,
    };
    const options = { responseCache: { enabled: true, ttlMs: 60_000 }, sharedCache: shared };
    a = await startTestGateway(urlsOf(subgraphs), { ...options, logger: capturingLogger(logsA) });
    b = await startTestGateway(urlsOf(subgraphs), { ...options, logger: capturingLogger(logsB) });
    await waitFor(
      async () =>
        (await metricValue(a.url, 'madoguchi_shared_cache_up')) === 1 &&
        (await metricValue(b.url, 'madoguchi_shared_cache_up')) === 1,
    );
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
    await store?.close();
    await redis?.stop();
  });

  test('a query registered on gateway A runs by its hash alone on gateway B', async () => {
    const query = `query SharedApq { programs(first: 3) { totalCount edges { node { id title } } } }`;
    const persisted = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    // Unknown everywhere at first.
    expect((await gql(b.url, { extensions: persisted })).errors?.[0].extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    const registered = await gql(a.url, { query, extensions: persisted });
    expect(registered.errors).toBeUndefined();
    const onB = await gql(b.url, { extensions: persisted });
    expect(onB.status).toBe(200);
    expect(onB.errors).toBeUndefined();
    expect(onB.data).toEqual(registered.data);
    // A gateway without the shared cache has not heard of it.
    const alone = await startTestGateway(urlsOf(subgraphs), { sharedCache: null });
    try {
      expect((await gql(alone.url, { extensions: persisted })).errors?.[0].extensions?.code).toBe(
        'PERSISTED_QUERY_NOT_FOUND',
      );
    } finally {
      await alone.close();
    }
  });

  test('an answer cached by gateway A is served by gateway B, not by a gateway of another supergraph', async () => {
    const query = {
      query:
        'query SharedPage($first: Int) { programs(first: $first) { totalCount edges { node { id title provider { name } } } } }',
      variables: { first: 4 },
    };
    const first = await gql(a.url, query);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBeNull();
    // The store is written after the answer is sent.
    await new Promise((r) => setTimeout(r, 100));
    const before = seenTotal();
    const hitsBefore = await metricValue(b.url, 'madoguchi_response_cache_total', { result: 'hit' });
    const second = await gql(b.url, query);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(seenTotal()).toBe(before);
    expect(await metricValue(b.url, 'madoguchi_response_cache_total', { result: 'hit' })).toBe(hitsBefore + 1);
    // Other variables are another answer.
    expect((await gql(b.url, { ...query, variables: { first: 5 } })).headers.get('x-cache')).toBeNull();

    // A gateway on another supergraph (a new version, rolling out) keys its answers apart.
    const sdl = readFileSync(join(__dirname, '../../gateway/supergraph.graphql'), 'utf8');
    const next = await startTestGateway(urlsOf(subgraphs), {
      supergraphSdl: `${sdl}\n# next version\n`,
      responseCache: { enabled: true, ttlMs: 60_000 },
      sharedCache: shared,
    });
    try {
      const other = await gql(next.url, query);
      expect(other.errors).toBeUndefined();
      expect(other.headers.get('x-cache')).toBeNull();
    } finally {
      await next.close();
    }
    // And so does one that deems other subgraphs private: it must decide for itself what it stores.
    const laxer = await startTestGateway(urlsOf(subgraphs), {
      responseCache: { enabled: true, ttlMs: 60_000, privateSubgraphs: [] },
      sharedCache: shared,
    });
    try {
      expect((await gql(laxer.url, query)).headers.get('x-cache')).toBeNull();
    } finally {
      await laxer.close();
    }
  });

  test('after a new snapshot, announced to gateway A only, gateway B no longer serves the answers cached before it', async () => {
    const id = 'toshima-city:TSM-001';
    const query = { query: 'query OneProgram($id: ID!) { program(id: $id) { id title } }', variables: { id } };
    const old = await gql(a.url, query);
    expect(old.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    expect((await gql(b.url, query)).headers.get('x-cache')).toBe('hit');

    // As app/startGateway.ts does with DATABASE_URL: A follows the store's snapshots; B, say, has not
    // heard yet. Only the generation in Redis can tell B.
    const unsubscribe = await onSnapshot(store, () => a.invalidateResponseCache());
    try {
      const current = await store.query<ProgramRecord>(
        `select ${selectList('program')} from programs where source_id = 'toshima-city/programs'`,
      );
      const renamed = current.map((p) => (p.id === id ? { ...p, title: `${p.title}（改定）` } : p));
      await replaceSource(store, {
        sourceId: 'toshima-city/programs',
        entity: 'program',
        records: renamed,
        rejections: [],
        contentHash: 'renamed',
        etag: null,
        lastModified: null,
        at: '2026-11-25T10:00:00+09:00',
      });
      let fresh: GraphQLResult | undefined;
      await waitFor(async () => {
        fresh = await gql(b.url, query);
        return fresh.headers.get('x-cache') === null;
      }, 5_000);
      expect(fresh!.data!.program.title).toBe(`${old.data!.program.title}（改定）`);
      // The new answer is shared in turn.
      await new Promise((r) => setTimeout(r, 100));
      const again = await gql(a.url, query);
      expect(again.headers.get('x-cache')).toBe('hit');
      expect(again.data).toEqual(fresh!.data);
    } finally {
      await unsubscribe();
    }
  });

  test('a stalled Redis (answering nothing) costs a request at most one short timeout', async () => {
    const query = { query: 'query Stalled($first: Int) { programs(first: $first) { totalCount } }' };
    const expected = (await gql(a.url, { ...query, variables: { first: 1 } })).data;
    redis.pause();
    const times: number[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        const r = await gql(a.url, { ...query, variables: { first: 1 } });
        times.push(Date.now() - started);
        expect(r.status).toBe(200);
        expect(r.errors).toBeUndefined();
        expect(r.data).toEqual(expected);
      }
    } finally {
      redis.resume();
    }
    // The default timeout is 250 ms per call; one request may pay it, the next ones skip Redis.
    expect(Math.max(...times)).toBeLessThan(2_000);
    expect(await metricValue(a.url, 'madoguchi_shared_cache_up')).toBe(0);
    // Answering again: the next call that succeeds ends the outage.
    await waitFor(async () => {
      await gql(a.url, { ...query, variables: { first: 2 } });
      return (await metricValue(a.url, 'madoguchi_shared_cache_up')) === 1;
    });
    expect(lastState(logsA)).toBe('reachable');
  });

  test('Redis killed under load: every request answered correctly without hanging, one warning; Redis back: sharing resumes', async () => {
    const queries = [1, 2, 3, 4, 5, 6].map((n) => ({
      query: 'query Load($first: Int) { programs(first: $first) { totalCount edges { node { id title } } } }',
      variables: { first: n },
    }));
    const expected = await Promise.all(queries.map((q) => gql(a.url, q).then((r) => r.data)));
    const warned = [count(logsA, 'shared cache (Redis) unavailable'), count(logsB, 'shared cache (Redis) unavailable')];
    let sent = 0;
    const failures: string[] = [];
    let slowest = 0;
    let stop = false;
    const client = async (i: number) => {
      while (!stop) {
        const n = sent++ % queries.length;
        const started = Date.now();
        const r = await gql((i + n) % 2 ? a.url : b.url, queries[n]).catch(
          (e: Error) => ({ status: 0, errors: [{ message: e.message }] }) as GraphQLResult,
        );
        slowest = Math.max(slowest, Date.now() - started);
        if (r.status !== 200 || r.errors || JSON.stringify(r.data) !== JSON.stringify(expected[n]))
          failures.push(`${r.status} ${JSON.stringify(r.errors ?? r.data).slice(0, 200)}`);
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(client));
    try {
      await new Promise((r) => setTimeout(r, 500));
      await redis.kill();
      const atKill = sent;
      await waitFor(() => sent >= atKill + 200, 30_000);
    } finally {
      stop = true;
      await load;
    }
    expect(failures).toEqual([]);
    // Nothing waits on a dead Redis: a request takes what a subgraph takes (on a busy machine).
    expect(slowest).toBeLessThan(3_000);
    expect(await metricValue(a.url, 'madoguchi_shared_cache_up')).toBe(0);
    // One warning per gateway for the outage, not one per request (hundreds were sent). On a busy
    // machine a call may also time out before the kill: a short outage of its own, logged as one
    // and as recovered, hence at most two.
    for (const [lines, before] of [
      [logsA, warned[0]],
      [logsB, warned[1]],
    ] as const) {
      const warnings = count(lines, 'shared cache (Redis) unavailable') - before;
      expect(warnings).toBeGreaterThanOrEqual(1);
      expect(warnings).toBeLessThanOrEqual(2);
      expect(lastState(lines)).toBe('unavailable');
    }

    // Redis back (empty: no persistence): the gateways reconnect by themselves and share again.
    await redis.start();
    await waitFor(
      async () =>
        (await metricValue(a.url, 'madoguchi_shared_cache_up')) === 1 &&
        (await metricValue(b.url, 'madoguchi_shared_cache_up')) === 1,
    );
    expect(lastState(logsA)).toBe('reachable');
    expect(lastState(logsB)).toBe('reachable');
    const query = { query: 'query AfterRestart { programs(first: 7) { totalCount } }' };
    expect((await gql(a.url, query)).headers.get('x-cache')).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    const onB = await gql(b.url, query);
    expect(onB.headers.get('x-cache')).toBe('hit');
    expect(onB.errors).toBeUndefined();
  });

  test('a gateway started while Redis is unreachable serves without it, warning once', async () => {
    const lines: string[] = [];
    const { freePort } = await import('../support/postgres');
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const g = await startTestGateway(urlsOf(subgraphs), {
      responseCache: { enabled: true, ttlMs: 60_000 },
      sharedCache: { ...shared, url: nowhere },
      logger: capturingLogger(lines),
    });
    try {
      for (let i = 0; i < 5; i++) {
        const r = await gql(g.url, { query: '{ programs(first: 2) { totalCount } }' });
        expect(r.status).toBe(200);
        expect(r.errors).toBeUndefined();
        expect(r.headers.get('x-cache')).toBeNull();
      }
      // Reconnection attempts go on in the background; the outage is reported once.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(count(lines, 'shared cache (Redis) unavailable')).toBe(1);
    } finally {
      await g.close();
    }
  });

  describe('the shared store itself', () => {
    let cache: SharedCache;
    let raw: Redis;
    beforeAll(async () => {
      cache = new SharedCache(
        { ...shared, prefix: `${shared.prefix}-unit`, maxValueBytes: 1024 },
        pino({ level: 'silent' }),
      );
      raw = new Redis(redis.url);
      await waitFor(() => cache.up);
    });
    afterAll(async () => {
      cache?.close();
      raw?.disconnect();
    });

    test('values over the size bound are not shared; keys have a fixed size whatever the request', async () => {
      const store = cache.responses<{ body: string }>('schema', 60_000);
      const big = 'x'.repeat(2_000);
      const longKey = `hash\u0000op\u0000${JSON.stringify({ v: 'y'.repeat(100_000) })}`;
      expect(await store.get(longKey)).toBeUndefined();
      await store.set(longKey, { body: 'small' }, 20);
      expect(await store.get(longKey)).toEqual({ body: 'small' });
      expect(await store.get('other')).toBeUndefined();
      await store.set('other', { body: big }, big.length);
      expect(await store.get('other')).toBeUndefined();
      const keys = await raw.keys(`${shared.prefix}-unit:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k.length).toBeLessThan(200);
      // Every entry expires.
      for (const k of keys.filter((k) => !k.endsWith(':generation'))) expect(await raw.pttl(k)).toBeGreaterThan(0);
    });

    test('an answer looked up before an invalidation is not stored after it', async () => {
      const store = cache.responses<{ body: string }>('schema', 60_000);
      expect(await store.get('racing')).toBeUndefined();
      await store.invalidate();
      await store.set('racing', { body: 'computed from the old snapshot' }, 30);
      expect(await store.get('racing')).toBeUndefined();
    });

    test('a Redis without maxmemory (answers bounded only by their TTL) is reported once at connection', async () => {
      const lines: string[] = [];
      await raw.config('SET', 'maxmemory', '0');
      const unbounded = new SharedCache(shared, capturingLogger(lines));
      try {
        await waitFor(() => count(lines, 'no maxmemory') === 1);
      } finally {
        unbounded.close();
        await raw.config('SET', 'maxmemory', '64mb');
      }
      expect(count(lines, 'no maxmemory')).toBe(1);
      // With a bound, nothing is said.
      const bounded = new SharedCache(shared, capturingLogger(lines));
      await waitFor(() => bounded.up);
      await new Promise((r) => setTimeout(r, 200));
      bounded.close();
      expect(count(lines, 'no maxmemory')).toBe(1);
    });

    test('a persisted-query text in Redis that does not match its hash is ignored', async () => {
      const local = new Map<string, string>();
      const apq = cache.persistedQueries({
        get: async (k) => local.get(k),
        set: async (k, v) => void local.set(k, v),
        delete: async (k) => local.delete(k),
      });
      const text = '{ programs(first: 1) { totalCount } }';
      const hash = sha256Hex(text);
      await raw.set(`${shared.prefix}-unit:apq:${hash}`, '{ organizations { id name } }');
      expect(await apq.get(`apq:${hash}`)).toBeUndefined();
      await raw.set(`${shared.prefix}-unit:apq:${hash}`, text);
      expect(await apq.get(`apq:${hash}`)).toBe(text);
      expect(await raw.ttl(`${shared.prefix}-unit:apq:${hash}`)).toBe(-1);
      await apq.set(`apq:${sha256Hex('{ a }')}`, '{ a }');
      expect(await raw.ttl(`${shared.prefix}-unit:apq:${sha256Hex('{ a }')}`)).toBeGreaterThan(0);
    });
  });
});
