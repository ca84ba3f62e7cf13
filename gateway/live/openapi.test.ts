/**
 * The OpenAPI bridge over the demo fee calculator (a real HTTP server on port 0): everything
 * prefixed, links answered for the agency's own programmes only, the document read alone, and the
 * guarded fetch bounding what the service may do.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql, print } from 'graphql';
import { FEES_SPEC_FILE, startFeeService } from '../../demo/live/fees';
import type { RunningLiveService } from '../../demo/live/serve';
import { createGuardedFetch, LiveSourceError, type LiveLimits } from './guard';
import { buildOpenApiSubgraph, OpenApiDocumentError, readOpenApiDocument } from './openapi';

const LIMITS: LiveLimits = {
  timeoutMs: 1_000,
  maxResponseBytes: 64 * 1024,
  connections: 4,
  retries: 1,
  breakerThreshold: 3,
  breakerOpenMs: 60_000,
};
let service: RunningLiveService;
const calls: string[] = [];

beforeAll(async () => {
  service = await startFeeService({ apiKey: 'k' });
});
afterAll(() => service.close());

function guarded(origin = service.url, limits = LIMITS) {
  return createGuardedFetch({
    origin,
    limits,
    headers: () => ({ 'x-api-key': 'k' }),
    identity: async (_viewer, r) => {
      calls.push(`${r.method} ${r.path}`);
      return {};
    },
  });
}

test('operations and types carry the prefix; a link answers the agency’s own programmes and no other', async () => {
  const fetch = guarded();
  const bridge = await buildOpenApiSubgraph(
    {
      agencyId: 'hyogo-cgc',
      id: 'fees',
      prefix: 'guaranteeFees',
      baseUrl: service.url,
      links: [
        {
          type: 'Program',
          field: 'guaranteeFee',
          operation: 'getGuaranteeFee',
          args: { programId: 'id' },
          scope: 'own',
        },
      ],
    },
    readFileSync(FEES_SPEC_FILE, 'utf8'),
    fetch,
  );
  const sdl = print(bridge.typeDefs);
  expect(bridge.operations.sort()).toEqual(['guaranteeFeesGetGuaranteeFee', 'guaranteeFeesListGuaranteePrograms']);
  expect(sdl).toContain('type GuaranteeFeesGuaranteeFee {');
  expect(sdl).toMatch(/type Program @key\(fields: "id"\) \{\n {2}id: ID!\n[\s\S]*guaranteeFee\(/);
  expect(sdl).not.toMatch(/programId: String!\n[^)]*\): GuaranteeFeesGuaranteeFee\n\}/);
  calls.length = 0;
  const r = await graphql({
    schema: bridge.schema,
    source: `{ _entities(representations: [{ __typename: "Program", id: "hyogo-cgc:CGC-03" }, { __typename: "Program", id: "kobe-ipf:K-1" }]) {
      ... on Program { id guaranteeFee(amount: 10000000, months: 36, category: 1) { feeYen ratePercent } } } }`,
    contextValue: {},
  });
  expect(r.errors).toBeUndefined();
  // CGC-03: 0.20–1.15 %, category 1 pays the highest: 10,000,000 × 1.15 % × 36 / 12.
  expect(r.data!._entities).toEqual([
    { id: 'hyogo-cgc:CGC-03', guaranteeFee: { feeYen: 345000, ratePercent: 1.15 } },
    { id: 'kobe-ipf:K-1', guaranteeFee: null },
  ]);
  // Another agency's programme cost no call.
  expect(calls).toEqual(['GET /v1/programs/hyogo-cgc%3ACGC-03/fee?amount=10000000&months=36&category=1']);

  // A path parameter cannot reach another path of the service (with the agency's key): it is encoded.
  calls.length = 0;
  const traversal = await graphql({
    schema: bridge.schema,
    source: '{ guaranteeFeesGetGuaranteeFee(programId: "../../admin?drop=1#", amount: 1) { feeYen } }',
    contextValue: {},
  });
  expect(calls).toEqual(['GET /v1/programs/..%2F..%2Fadmin%3Fdrop%3D1%23/fee?amount=1']);
  expect(traversal.data!.guaranteeFeesGetGuaranteeFee).toBeNull();
  await fetch.close();
});

test('a document is read alone: another file or URL it refers to is refused, as is a document that is not OpenAPI 3', () => {
  const doc = readFileSync(FEES_SPEC_FILE, 'utf8');
  expect(() =>
    readOpenApiDocument(doc.replace("$ref: '#/components/schemas/GuaranteeFee'", "$ref: 'file:///etc/passwd'")),
  ).toThrow(/refers outside itself \(file:\/\/\/etc\/passwd\)/);
  expect(() =>
    readOpenApiDocument(
      doc.replace("$ref: '#/components/schemas/Problem'", "$ref: 'http://169.254.169.254/latest/meta-data'"),
    ),
  ).toThrow(OpenApiDocumentError);
  expect(() => readOpenApiDocument('swagger: "2.0"\npaths: {}')).toThrow(/not an OpenAPI 3 document/);
  expect(() => readOpenApiDocument('[1, 2]')).toThrow(/not an OpenAPI document/);
});

test('the guarded fetch calls the declared origin only, bounds answers and time, and opens its circuit', async () => {
  const fetch = guarded();
  await expect(fetch('http://169.254.169.254/latest/meta-data')).rejects.toThrow(/other than the declared baseUrl/);
  await expect(fetch(`${service.url}/v1/programs/../../admin`)).rejects.toThrow(/its path leaves the operation's/);
  // A service answering 1 MiB, slowly, or not at all.
  const server = createServer((req, res) => {
    if (req.url === '/big') return res.end('x'.repeat(1024 * 1024));
    if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 3_000);
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hostile = guarded(origin);
  await expect(hostile(`${origin}/big`)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  const started = Date.now();
  await expect(hostile(`${origin}/slow`)).rejects.toThrow(/no answer within 1000 ms/);
  // Given up before the slow answer (3 s) came.
  expect(Date.now() - started).toBeLessThan(2_900);
  for (let i = 0; i < 3; i++) await hostile(`${origin}/fail`).catch(() => {});
  expect(hostile.circuitState).toBe('open');
  await expect(hostile(`${origin}/fail`)).rejects.toThrow(LiveSourceError);
  await expect(hostile(`${origin}/fail`)).rejects.toThrow(/circuit is open/);
  await Promise.all([fetch.close(), hostile.close()]);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
