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

async function query<T>(q: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${app.gateway.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q, variables }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

test('half-width ｽﾀｰﾄｱｯﾌﾟ finds start-up programmes of several agencies, with facets and provider names', async () => {
  const data = await query<{
    search: {
      totalCount: number;
      edges: Array<{ highlight: string; node: { id: string; supportFields: string[]; provider: { name: string } } }>;
      facets: {
        supportFields: Array<{ value: string; count: number }>;
        providers: Array<{ value: string; count: number; organization: { name: string } }>;
      };
    };
  }>(
    `query($text: String) { search(text: $text, first: 10) {
    totalCount
    edges { highlight node { id supportFields provider { name } } }
    facets { supportFields { value count } providers { value count organization { name } } }
  } }`,
    { text: 'ｽﾀｰﾄｱｯﾌﾟ' },
  );
  const { edges, facets, totalCount } = data.search;
  expect(edges).toHaveLength(10);
  expect(new Set(edges.map((e) => e.node.provider.name)).size).toBeGreaterThanOrEqual(5);
  expect(edges.every((e) => e.node.supportFields.includes('STARTUP'))).toBe(true);
  expect(facets.supportFields[0].value).toBe('STARTUP');
  expect(facets.providers.reduce((n, p) => n + p.count, 0)).toBe(totalCount);
  expect(facets.providers.every((p) => p.organization.name.length > 0)).toBe(true);
});

test('providers near 豊島区 for 融資, nearest first', async () => {
  const data = await query<{
    providersFor: Array<{
      organization: { id: string; name: string };
      distanceKm: number;
      programs: Array<{ title: string }>;
    }>;
  }>(
    `{ providersFor(need: "融資", municipalityCode: "131164", sort: DISTANCE, first: 5) { organization { id name } distanceKm programs { title } } }`,
  );
  const list = data.providersFor;
  expect(list.length).toBeGreaterThanOrEqual(3);
  expect(list[0].distanceKm).toBeLessThan(5);
  expect(list.map((p) => p.distanceKm)).toEqual([...list.map((p) => p.distanceKm)].sort((a, b) => a - b));
  expect(list.every((p) => p.organization.name && p.programs.length > 0)).toBe(true);
});
