/**
 * Agencies' services are not Madoguchi's: each attack a hostile live source can make, made by a
 * subgraph written for it (test/support/hostileSubgraph.ts) and declared in agency files of a
 * running embedded start. Whatever it does costs only its own fields; it cannot stop a request,
 * exhaust the gateway, learn who the caller is, reuse what it was sent, or read what it is not
 * shown.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEES_SPEC_FILE } from '../../demo/live/fees';
import { startHostileSubgraph, type HostileSubgraph } from '../support/hostileSubgraph';
import { gql, startApp, type App } from './support';

let hostile: HostileSubgraph;
let app: App;
const agencies = mkdtempSync(join(tmpdir(), 'madoguchi-hostile-'));

function declare(mode: string, extra = ''): void {
  writeFileSync(
    join(agencies, `hostile-${mode}.yaml`),
    `id: hostile-${mode}\nname: 試験用機関\nsources:\n  - id: service\n    kind: graphql-subgraph\n    url: ${hostile.url}/${mode}/graphql\n${extra}`,
  );
}

beforeAll(async () => {
  hostile = await startHostileSubgraph();
  for (const mode of ['big', 'code', 'capture', 'sealed', 'hide', 'huge']) declare(mode);
  declare('slow', '    limits: { timeoutMs: 400 }\n');
  // An OpenAPI document asking the gateway to read another URL for it.
  mkdirSync(join(agencies, 'specs'));
  writeFileSync(
    join(agencies, 'specs', 'fees.yaml'),
    readFileSync(FEES_SPEC_FILE, 'utf8').replace(
      "$ref: '#/components/schemas/GuaranteeFee'",
      `$ref: '${hostile.url}/capture/stolen'`,
    ),
  );
  writeFileSync(
    join(agencies, 'hostile-spec.yaml'),
    'id: hostile-spec\nname: 試験用機関\nsources:\n  - id: service\n    kind: openapi\n    spec: specs/fees.yaml\n    baseUrl: http://127.0.0.1:9\n    prefix: hostileSpec\n',
  );
  app = await startApp({ agenciesDir: agencies });
});

afterAll(async () => {
  await app?.close();
  await hostile?.close();
});

const statusOf = (id: string) => app.app.gateway.live!.statuses().find((s) => s.id === id)!;

test('an answer larger than the bound is cut off: its field null with an error naming the agency, the rest intact', async () => {
  const r = await gql(app, '{ organization(id: "hyogo-iac") { name bigNote } organizations { id } }');
  expect(r.data!.organization).toEqual({ name: expect.any(String), bigNote: null });
  expect(r.data!.organizations.length).toBeGreaterThan(10);
  expect(r.errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(
        /^agency "hostile-big" \(source service\) is unavailable: its answer was larger than 2097152 bytes/,
      ),
      extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', agency: 'hostile-big' }),
    }),
  ]);
});

test('errors claiming the gateway’s own codes do not stop the request and lose their codes', async () => {
  const r = await gql(
    app,
    '{ organization(id: "hyogo-iac") { name codeNote } programs(first: 2) { edges { node { id } } } }',
  );
  expect(r.data!.organization.name).toEqual(expect.any(String));
  expect(r.data!.programs.edges).toHaveLength(2);
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['SOURCE_ERROR', 'SOURCE_ERROR']);
  expect(r.errors?.[0].message).toBe('agency "hostile-code" (source service): stop everything');
});

test('a service that does not answer in its time costs its field, not the request’s time', async () => {
  const started = Date.now();
  const r = await gql(app, '{ organization(id: "hyogo-iac") { name slowNote } }');
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(r.data!.organization).toEqual({ name: expect.any(String), slowNote: null });
  expect(r.errors?.[0].message).toMatch(
    /^agency "hostile-slow" \(source service\) is unavailable: no answer within 400 ms/,
  );
});

test('the identity a service receives says no more than role and agency, and opens nothing else', async () => {
  const r = await gql(app, '{ organization(id: "hyogo-iac") { captureNote } }', {}, app.tokens.staffCgc);
  expect(r.data!.organization.captureNote).toBe('capture says hello');
  const headers = hostile.captured.at(-1)!;
  const token = String(headers['madoguchi-identity']);
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  expect(claims).toMatchObject({
    role: 'staff',
    agency: 'hyogo-cgc',
    aud: 'hostile-capture/service',
    iss: 'madoguchi',
  });
  expect(Object.keys(claims).sort()).toEqual(['agency', 'aud', 'bh', 'exp', 'iat', 'iss', 'jti', 'role']);
  // Nothing of the built-in subgraphs' identity travels to it.
  expect(Object.keys(headers).filter((h) => h.startsWith('x-madoguchi'))).toEqual([]);
  // Replayed as a caller's token, or to a built-in subgraph, it is refused.
  const asBearer = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{"query":"{ consultations(first: 1) { totalCount } }"}',
  });
  expect(asBearer.status).toBe(401);
  const direct = await fetch(app.app.subgraphs.consultations.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-madoguchi-identity': token, 'madoguchi-identity': token },
    body: '{"query":"{ consultations(first: 1) { totalCount } }"}',
  });
  expect(direct.status).toBe(401);
});

test('a source asking for consultation records, or an OpenAPI document naming another URL, is left out and reads nothing', () => {
  const sealed = statusOf('hostile-sealed/service');
  expect(sealed.composed).toBe(false);
  expect(sealed.lastError).toContain(
    'agency "hostile-sealed" (source service): Company.sealedNote @requires fields of consultation records',
  );
  const spec = statusOf('hostile-spec/service');
  expect(spec.composed).toBe(false);
  expect(spec.lastError).toContain('refers outside itself');
  expect(hostile.paths.filter((p) => p.includes('stolen'))).toEqual([]);
});

test('a source hiding a built-in field from the graph (@inaccessible on Organization.id) is left out; the field stays', async () => {
  const hide = statusOf('hostile-hide/service');
  expect(hide.composed).toBe(false);
  expect(hide.lastError).toContain(
    'agency "hostile-hide" (source service): Organization.id @federation__inaccessible: a live source may not change a built-in field, only repeat its key or mark it @external',
  );
  const r = await gql(app, '{ organization(id: "hyogo-iac") { id name } }');
  expect(r.errors).toBeUndefined();
  expect(r.data!.organization.id).toBe('hyogo-iac');
});

test('what a caller reaches through consultation records is not sent to another agency’s service: which organizations a firm consulted stays in', async () => {
  const query = '{ consultations(first: 5) { edges { node { organization { id captureNote } } } } }';
  const before = hostile.capturedBodies.length;
  for (const token of [app.tokens.coordinator, app.tokens.staffIac]) {
    const r = await gql(app, query, {}, token);
    expect(r.status).toBe(403);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]).toMatchObject({
      message: expect.stringMatching(
        /^Organization\.captureNote \(live source hostile-capture\/service\) is reached through consultations: /,
      ),
      extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
    });
  }
  // A root field the consultation guard does not list but that reaches firms is read the same way.
  const nominated = await gql(app, '{ nominations { agency { captureNote } } }', {}, app.tokens.coordinator);
  expect(nominated.status).toBe(403);
  expect(nominated.errors?.[0].message).toMatch(/^Organization\.captureNote .* is reached through nominations: /);
  // The same records without the live field answer; the service was asked nothing at all.
  const plain = await gql(
    app,
    '{ consultations(first: 5) { edges { node { organization { id } } } } }',
    {},
    app.tokens.coordinator,
  );
  expect(plain.data!.consultations.edges.length).toBeGreaterThan(0);
  expect(hostile.capturedBodies.length).toBe(before);
  // Reached from the public side the same field answers for the same caller.
  const open = await gql(app, '{ organization(id: "hyogo-iac") { captureNote } }', {}, app.tokens.coordinator);
  expect(open.data!.organization.captureNote).toBe('capture says hello');
  expect(hostile.capturedBodies.length).toBe(before + 1);
});

test('a schema too large to compose in reasonable time is refused before composition; the graph keeps serving', async () => {
  const huge = statusOf('hostile-huge/service');
  expect(huge.composed).toBe(false);
  expect(huge.lastError).toMatch(
    /^agency "hostile-huge" \(source service\): its schema declares 2200\d types, fields, arguments and enum values, more than the 1500 a live source may/,
  );
  const r = await gql(app, '{ organization(id: "hyogo-iac") { name captureNote } }');
  expect(r.errors).toBeUndefined();
  expect(r.data!.organization).toEqual({ name: expect.any(String), captureNote: 'capture says hello' });
});
