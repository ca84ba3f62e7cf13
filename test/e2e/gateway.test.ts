/**
 * The gateway against hostile and malformed requests, the GraphQL-over-HTTP audit, and its
 * operations endpoints — all over real HTTP on port 0.
 */
import { fetch } from 'undici';
import { auditServer } from 'graphql-http';
import type { Embedded } from '../../app/embedded';
import { startDemo } from '../support/demo';

let app: Embedded;
let url: string;

beforeAll(async () => {
  app = await startDemo();
  url = `http://127.0.0.1:${app.gateway.port}/graphql`;
});

afterAll(async () => {
  await app.close();
});

async function send(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let json: { errors?: Array<{ message: string; extensions?: { code?: string } }>; data?: unknown } | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

describe('hostile requests are refused cleanly', () => {
  test('depth 50', async () => {
    const deep = `{ organizations { ${'programs { provider { '.repeat(25)} id ${'} } '.repeat(25)} } }`;
    const r = await send(JSON.stringify({ query: deep }));
    if (r.status !== 400) console.log(JSON.stringify(r.json));
    expect(r.status).toBe(400);
    expect(r.json?.errors?.[0].message).toMatch(/depth/i);
  });

  test('1,000 aliases', async () => {
    const many = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: organizations { id }`).join(' ')} }`;
    const r = await send(JSON.stringify({ query: many }));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/alias|token/i);
  });

  test('a 1 MB body', async () => {
    const r = await send(JSON.stringify({ query: `{ organizations { id } } #${'x'.repeat(1024 * 1024)}` }));
    expect(r.status).toBe(413);
    expect(r.json?.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('invalid JSON, a wrong content type, a batched array, an empty body', async () => {
    expect((await send('{"query": "{ organizations { id } }"')).status).toBe(400);
    const wrongType = await send('{ organizations { id } }', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);
    const batched = await send(
      JSON.stringify([{ query: '{ organizations { id } }' }, { query: '{ organizations { id } }' }]),
    );
    expect(batched.status).toBe(400);
    expect((await send('')).status).toBe(400);
  });

  test('mutations are never executed over GET; queries are', async () => {
    const q = encodeURIComponent('{ organizations { id } }');
    const get = await fetch(`${url}?query=${q}`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(200);
    const m = encodeURIComponent('mutation { referConsultation(id: "x", to: "y") { id } }');
    const res = await fetch(`${url}?query=${m}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(405);
  });

  test('10,000 random requests: no crash, no 5xx', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = [
      '{',
      '}',
      'organizations',
      'programs',
      '(',
      ')',
      'first:',
      '-1',
      '1e9',
      '"x"',
      'id',
      'name',
      '...',
      'on',
      'Program',
      '$v',
      'query',
      'mutation',
      '#',
      '\\u0000',
      'null',
      ':',
      '[',
      ']',
      '@skip(if: true)',
      'status(at: "2026-13-01")',
      'edges',
      'node',
      'title',
    ];
    const bodies: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const len = 1 + Math.floor(rnd() * 12);
      const query = Array.from({ length: len }, () => pieces[Math.floor(rnd() * pieces.length)]).join(' ');
      const kind = rnd();
      bodies.push(
        kind < 0.7
          ? JSON.stringify({ query })
          : kind < 0.8
            ? JSON.stringify({ query, variables: '[]' })
            : kind < 0.9
              ? query
              : JSON.stringify({ query: 42 }),
      );
    }
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < bodies.length) {
          const r = await send(bodies[next++]);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      }),
    );
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    expect({ fiveHundreds, statuses: Object.fromEntries(statuses) }).toEqual({
      fiveHundreds: 0,
      statuses: expect.anything(),
    });
    expect((await fetch(`http://127.0.0.1:${app.gateway.port}/healthz`)).status).toBe(200);
  }, 180_000);
});

test('GraphQL over HTTP: every graphql-http audit passes', async () => {
  const results = await auditServer({ url, fetchFn: fetch as never });
  const failing = results
    .filter((r) => r.status !== 'ok')
    .map((r) => `${r.status} ${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
  expect(failing).toEqual([]);
  expect(results.length).toBe(61);
});

describe('operations endpoints', () => {
  test('/healthz, /readyz and /metrics answer', async () => {
    const base = `http://127.0.0.1:${app.gateway.port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { supergraph: 'ok', store: 'ok', 'subgraph:programs': 'ok' },
    });
    await send(
      JSON.stringify({ query: 'query DirectoryPage { organizations { id } }', operationName: 'DirectoryPage' }),
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/madoguchi_graphql_requests_total\{operation="DirectoryPage",status="200"\} [1-9]/);
    expect(metrics).toMatch(/madoguchi_subgraph_fetch_duration_seconds_count\{subgraph="organizations"\} [1-9]/);
  });

  test('/readyz turns 503 when a subgraph is down, and requests carry a request id', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'test-req-1' },
      body: '{"query":"{ organizations { id } }"}',
    });
    expect(res.headers.get('x-request-id')).toBe('test-req-1');
    await app.subgraphs.consultations.close();
    const ready = await fetch(`http://127.0.0.1:${app.gateway.port}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks['subgraph:consultations']).toMatch(
      /failed/,
    );
  });
});
