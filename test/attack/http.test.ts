/**
 * Attacks on the gateway's HTTP surface, against the gateway as shipped (response cache on):
 * random operation names growing /metrics without bound; internal errors (SQL text from a crafted
 * cursor) reaching the client; deeply nested JSON overflowing the stack into a 500; a warm cache
 * answering requests Apollo would refuse; the graphql-http audit failing with the cache on; a
 * browser app on another origin unable to call (preflight 405) while nothing limited who may; and
 * the role check reading only top-level fields, so a fragment walked past it.
 */
import { connect } from 'node:net';
import { fetch } from 'undici';
import { auditServer } from 'graphql-http';
import { codeOf, gql, post, startApp, type App } from './support';

let app: App;
beforeAll(async () => {
  app = await startApp({ gateway: { cors: { origins: ['https://portal.example.jp'] } } });
});
afterAll(() => app.close());

test('random operation names do not grow /metrics: unregistered names are counted as other', async () => {
  const series = async () =>
    (await (await fetch(`${app.base}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith('madoguchi_graphql_requests_total{')).length;
  await post(app.url, { query: 'query DirectoryPage { organizations { id } }', operationName: 'DirectoryPage' });
  const before = await series();
  for (let i = 0; i < 300; i++) {
    const name = `Op${i.toString(36)}x${Math.random().toString(36).slice(2, 8)}`;
    await post(app.url, { query: `query ${name} { __typename }`, operationName: name });
  }
  expect(await series()).toBeLessThanOrEqual(before + 1);
  const text = await (await fetch(`${app.base}/metrics`)).text();
  expect(text).toMatch(/madoguchi_graphql_requests_total\{operation="other",status="200"\} 300/);
  expect(text).toMatch(/operation="DirectoryPage"/);
});

test('a crafted cursor is BAD_USER_INPUT, and no SQL text reaches the client', async () => {
  for (const cursor of ['c:9999999999999999999999999', 'c:1e400', 'c:-1', 'o:123456789012345678901234']) {
    const after = Buffer.from(cursor).toString('base64url');
    for (const [query, token] of [
      ['query($a: String) { consultations(first: 1, after: $a) { totalCount } }', app.tokens.coordinator],
      ['query($a: String) { programs(first: 1, after: $a) { totalCount } }', null],
      ['query($a: String) { search(text: "創業", first: 1, after: $a) { totalCount } }', null],
    ] as const) {
      const r = await gql(app, query, { a: after }, token);
      expect(r.status).toBeLessThan(500);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.text).not.toMatch(/syntax|bigint|integer|out of range|select|relation/i);
    }
  }
});

test('an internal failure is masked to a code and the request id; details stay in the log', async () => {
  // The consultations table goes missing under the subgraph: PostgreSQL's message must not leak.
  await app.app.store.query('alter table consultations rename to consultations_away');
  try {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${app.tokens.coordinator}`,
        'x-request-id': 'attack-req-7',
      },
      body: JSON.stringify({ query: '{ consultations(first: 1) { totalCount } }' }),
    });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(/relation|select|does not exist/);
    const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'attack-req-7' });
  } finally {
    await app.app.store.query('alter table consultations_away rename to consultations');
  }
});

test('deeply nested JSON in variables, extensions or the body is a coded 400, never a 500', async () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  for (const body of [
    `{"query":"query($f: OrganizationFilter) { organizations(filter: $f) { id } }","variables":{"f":${deepObject(20_000)}}}`,
    `{"query":"{ organizations { id } }","variables":{"x":${deep(50_000)}}}`,
    `{"query":"{ organizations { id } }","extensions":{"x":${deep(50_000)}}}`,
    `{"query":"{ organizations { id } }","operationName":${deep(50_000)}}`,
  ]) {
    const r = await post(app.url, body);
    expect(r.status).toBe(400);
    expect(typeof codeOf(r)).toBe('string');
  }
  const get = await fetch(
    `${app.url}?query=${encodeURIComponent('{ organizations { id } }')}&variables=${encodeURIComponent(deep(1_500))}`,
  );
  expect(get.status).toBe(400);
  expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
});

/** Raw bytes to the gateway's port (a client that does not encode its URL): status line and body. */
function rawRequest(base: string, head: Buffer): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(head));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headPart, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headPart)?.[1] ?? 0), body: rest.join('\r\n\r\n') });
    });
  });
}

test('a URL with raw Japanese, or headers past the limit, gets a coded GraphQL error saying what to change, not a bare 400', async () => {
  const typed = Buffer.from('GET /graphql?query={search(text:"創業"){totalCount}} HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8');
  const raw = await rawRequest(app.base, typed);
  expect(raw.status).toBe(400);
  const error = (JSON.parse(raw.body) as { errors: { message: string; extensions: { code: string } }[] }).errors[0];
  expect(error.extensions.code).toBe('BAD_REQUEST');
  expect(error.message).toMatch(/percent-encoded/);
  // Nothing of the request comes back.
  expect(raw.body).not.toContain('創業');
  const huge = await rawRequest(
    app.base,
    Buffer.from(`GET /graphql HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`),
  );
  expect(huge.status).toBe(431);
  expect(JSON.parse(huge.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  // The same query, encoded, is answered.
  const ok = await fetch(`${app.url}?query=${encodeURIComponent('{search(text:"創業"){totalCount}}')}`);
  expect(ok.status).toBe(200);
});

describe('with a warm cache, requests Apollo would refuse are refused', () => {
  const query = 'query Warm { programs(first: 3) { totalCount edges { node { id } } } }';
  beforeAll(async () => {
    await post(app.url, { query });
    expect((await post(app.url, { query })).headers.get('x-cache')).toBe('hit');
  });

  test.each([
    [
      'a wrong persisted-query hash',
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
    ],
    [
      'an unknown persisted-query version',
      { query, extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } },
    ],
    ['operationName of the wrong type', { query, operationName: 5 }],
    ['extensions of the wrong type', { query, extensions: 'x' }],
    ['variables of the wrong type', { query, variables: [1] }],
  ])('%s', async (_, body) => {
    const r = await post(app.url, body);
    expect(r.headers.get('x-cache')).toBeNull();
    expect(r.status).toBe(400);
    expect(r.data ?? null).toBeNull();
  });
});

test('graphql-http: all 61 audits pass against the gateway as shipped, cold and warm', async () => {
  for (let pass = 0; pass < 2; pass++) {
    const results = await auditServer({ url: app.url, fetchFn: fetch as never });
    const failing = results
      .filter((r) => r.status !== 'ok')
      .map((r) => `${r.status} ${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failing).toEqual([]);
    expect(results.length).toBe(61);
  }
});

describe('CORS with an allowlist', () => {
  test('a listed origin’s preflight is answered, Authorization allowed', async () => {
    const res = await fetch(app.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://portal.example.jp',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://portal.example.jp');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    const actual = await fetch(app.url, {
      method: 'POST',
      headers: { origin: 'https://portal.example.jp', 'content-type': 'application/json' },
      body: '{"query":"{ organizations { id } }"}',
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://portal.example.jp');
  });

  test('another origin gets nothing: no CORS header, no Authorization', async () => {
    const res = await fetch(app.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
    const actual = await fetch(app.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{"query":"{ organizations { id } }"}',
    });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the gateway’s role check sees through fragments and aliases', () => {
  test.each([
    ['an inline fragment', '{ ... on Query { consultations(first: 1) { totalCount } } }', 'anonymous', 401],
    [
      'a fragment spread',
      'query { ...Q } fragment Q on Query { c: consultations(first: 1) { totalCount } }',
      'anonymous',
      401,
    ],
    [
      'nested fragments',
      'query { ... { ...Q } } fragment Q on Query { ... on Query { companyHistory(corporateNumber: "4011001098993") { corporateNumber } } }',
      'staffCgc',
      403,
    ],
    ['an alias on statistics', '{ totals: consultationStats(groupBy: [ORGANIZATION]) { total } }', 'staffCgc', 403],
    [
      'a referral inside a fragment',
      'mutation { ... on Mutation { referConsultation(id: "hyogo-iac:1", to: "hyogo-cgc") { id } } }',
      'analyst',
      403,
    ],
  ] as const)('%s is refused before any subgraph is asked', async (_, query, who, status) => {
    const before = await app.subgraphRequests();
    const r = await gql(app, query, {}, app.tokens[who]);
    expect(r.status).toBe(status);
    expect(codeOf(r)).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    expect(await app.subgraphRequests()).toEqual(before);
  });
});
