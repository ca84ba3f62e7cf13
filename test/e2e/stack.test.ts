/**
 * The embedded stack over real HTTP on port 0: gateway plus three subgraph servers. Stopping one
 * subgraph leaves the others' fields answered, with an error naming the missing subgraph.
 */
import { fetch } from 'undici';
import type { Embedded } from '../../app/embedded';
import { startDemo } from '../support/demo';

let app: Embedded;

beforeAll(async () => {
  app = await startDemo();
});

afterAll(async () => {
  await app.close();
});

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

test('the done-when query answers with the whole directory, its programmes and consultation counts', async () => {
  const { status, body } = await post({ query: '{ organizations { name programs { title } consultationCount } }' });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const orgs = body.data!.organizations as Array<{
    name: string;
    programs: unknown[];
    consultationCount: number | null;
  }>;
  expect(orgs.length).toBeGreaterThanOrEqual(20);
  expect(orgs.reduce((n, o) => n + o.programs.length, 0)).toBeGreaterThanOrEqual(150);
  expect(orgs.filter((o) => (o.consultationCount ?? 0) > 0).length).toBeGreaterThanOrEqual(19);
});

test('bad requests get 4xx or coded GraphQL errors, never a 500', async () => {
  const invalidJson = await post('{"query": ', { 'content-type': 'application/json' });
  expect(invalidJson.status).toBe(400);
  const unknownField = await post({ query: '{ organizations { nope } }' });
  expect(unknownField.status).toBe(400);
  expect(unknownField.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const badDate = await post({ query: '{ programs(first: 1) { edges { node { status(at: "2026-02-30") } } } }' });
  expect(badDate.status).toBeLessThan(500);
  expect(badDate.body.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  const big = await post({ query: `{ organizations { id } } #${'x'.repeat(1_100_000)}` });
  expect(big.status).toBe(413);
});

test('with the programs subgraph down, directory fields still come back and the error names it', async () => {
  await app.subgraphs.programs.close();
  const { status, body } = await post({ query: '{ organizations { id name programs { title } consultationCount } }' });
  expect(status).toBe(200);
  const orgs = body.data!.organizations as Array<{
    id: string;
    name: string;
    programs: unknown;
    consultationCount: number | null;
  }>;
  expect(orgs.length).toBeGreaterThanOrEqual(20);
  expect(orgs.every((o) => o.name && o.programs === null)).toBe(true);
  expect(orgs.find((o) => o.id === 'hyogo-iac')!.consultationCount).toBeGreaterThan(0);
  expect(body.errors?.length).toBeGreaterThan(0);
  // An anonymous caller is told a part is unavailable, not which subgraph (issue 24).
  expect(body.errors![0].message).toMatch(/^a part of the graph is unavailable/);
  expect(body.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE' });
  expect(body.errors![0].extensions?.serviceName).toBeUndefined();
});
