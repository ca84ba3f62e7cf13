/**
 * Attack: filling the gateway's memory through the caches an outside caller fills. The automatic
 * persisted-query store kept 10,000 entries with no bound on their size, and the token limit
 * ignored comments, so a ~1 MB query (`#xxxx…\n{ __typename }`) was registered and kept: 150 such
 * requests took the heap from 72 to 222 MiB, about 4,000 killed the process. Now a query's text is
 * bounded in bytes, comments included (MADOGUCHI_MAX_QUERY_BYTES), and every cache a caller fills —
 * persisted queries, parsed documents, answers, token decisions — is bounded in bytes
 * (lru-cache's maxSize), its size shown in /metrics. Each is filled here from outside, by anonymous
 * callers against the gateway as shipped, and the gateway's heap measured after a full collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fetch } from 'undici';
import { codeOf, post, startApp, type App } from './support';
import { sha256Hex } from '../../gateway/persistedOperations';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let app: App;

const MiB = 1024 * 1024;

async function heapMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / MiB;
}

/** madoguchi_cache_bytes and _entries by cache, from /metrics. */
async function cacheSizes(): Promise<Record<string, { bytes: number; entries: number }>> {
  const text = await (await fetch(`${app.base}/metrics`)).text();
  const sizes: Record<string, { bytes: number; entries: number }> = {};
  for (const m of text.matchAll(/^madoguchi_cache_(bytes|entries)\{cache="([^"]+)"\} (\d+)/gm)) {
    sizes[m[2]] ??= { bytes: 0, entries: 0 };
    sizes[m[2]][m[1] === 'bytes' ? 'bytes' : 'entries'] = Number(m[3]);
  }
  return sizes;
}

/** Registers a query as an automatic persisted query (hash and text together). */
function register(query: string) {
  return post(app.url, {
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } },
  });
}

/** Sends `n` requests, `concurrency` at a time; returns the statuses. */
async function flood(n: number, send: (i: number) => Promise<{ status: number }>, concurrency = 16) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => send(i + j).then((r) => r.status)),
    );
    statuses.push(...batch);
  }
  return statuses;
}

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

test('a 1 MB query is refused before anything keeps it: comments count toward the size limit', async () => {
  const query = `#${'x'.repeat(1_000_000)}\n{ __typename }`;
  const r = await register(query);
  expect(r.status).toBe(413);
  expect(codeOf(r)).toBe('QUERY_TOO_LARGE');
  // Not registered: its hash alone is unknown.
  const again = await post(app.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } } });
  expect(codeOf(again)).toBe('PERSISTED_QUERY_NOT_FOUND');
  // A query just under the limit still runs and registers.
  const fits = `#${'y'.repeat(30_000)}\n{ __typename }`;
  expect((await register(fits)).status).toBe(200);
  const byHash = await post(app.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(fits) } } });
  expect(byHash.data).toEqual({ __typename: 'Query' });
});

test('thousands of distinct registrations at the size limit: the persisted-query store stays within its bytes, the heap bounded', async () => {
  const before = await heapMiB();
  // 2,000 queries of ~30 KiB: 60 MB of text, 120 MiB as JavaScript strings if all were kept.
  const statuses = await flood(2_000, (i) =>
    register(`#${String(i).padStart(6, '0')}${'z'.repeat(30_000)}\n{ __typename }`),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  const sizes = await cacheSizes();
  expect(sizes.apq.bytes).toBeLessThanOrEqual(16 * MiB);
  expect(sizes.apq.entries).toBeLessThan(2_000);
  const after = await heapMiB();
  console.log(
    `APQ flood: heap ${before.toFixed(0)} → ${after.toFixed(0)} MiB; apq cache ${(sizes.apq.bytes / MiB).toFixed(1)} MiB in ${sizes.apq.entries} entries`,
  );
  // The store's 16 MiB and the other caches' share of this flood; unbounded it was over 120.
  expect(after - before).toBeLessThan(40);
  // The gateway still answers.
  expect((await post(app.url, { query: '{ __typename }' })).status).toBe(200);
}, 300_000);

test('distinct large documents: parsed documents, plans and answers stay within their bytes', async () => {
  const before = await heapMiB();
  // A name may be as long as a caller likes and counts as one token: each query is distinct, ~30 KB,
  // cheap to run, and its document, its plan and its answer all hold the name.
  const statuses = await flood(1_500, (i) =>
    post(app.url, { query: `{ n${String(i).padStart(5, '0')}${'q'.repeat(30_000)}: __typename }` }),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  const sizes = await cacheSizes();
  expect(sizes.documents.bytes).toBeLessThanOrEqual(30 * MiB);
  expect(sizes.responses.bytes).toBeLessThanOrEqual(64 * MiB);
  const after = await heapMiB();
  console.log(
    `document flood: heap ${before.toFixed(0)} → ${after.toFixed(0)} MiB; documents ${(sizes.documents.bytes / MiB).toFixed(1)} MiB in ${sizes.documents.entries}, answers ${(sizes.responses.bytes / MiB).toFixed(1)} MiB in ${sizes.responses.entries}`,
  );
  // Kept whole, 1,500 documents, sources and answers of this size would take over 300 MiB; the
  // bounds (documents 30, answers 64, plans 30 MiB) hold it to their sum.
  expect(after - before).toBeLessThan(130);
}, 600_000);
