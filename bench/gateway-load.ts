/**
 * The load and the checks of `bench:gateway` (./gateway.ts): autocannon against one contender, the
 * subgraphs' request counts, waiting for a contender's backlog to drain, and its answers compared
 * with stock Apollo's.
 */
import autocannon from 'autocannon';
import { fetch } from 'undici';

export interface Scenario {
  name: string;
  bodies: Array<{ query: string; variables?: Record<string, unknown>; operationName?: string }>;
}

export interface Measurement {
  requests: number;
  seconds: number;
  latencies: number[];
  graphqlErrors: number;
  non2xx: number;
  socketErrors: number;
  subgraphCalls: number;
}

export async function post(
  url: string,
  body: object,
): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ message: string }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

export function load(
  url: string,
  connections: number,
  scenario: Scenario,
  seconds: number,
  record: boolean,
): Promise<Omit<Measurement, 'subgraphCalls'>> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  return new Promise((done, fail) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: scenario.bodies.map((b) => ({
          method: 'POST' as const,
          path: '/graphql',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(b),
        })),
        // GraphQL errors arrive with HTTP 200: look for them in every body.
        verifyBody: (body) => {
          if (body?.includes('"errors"')) graphqlErrors += 1;
          return true;
        },
      },
      (err, result) => {
        if (err) return fail(err);
        done({
          requests: result.requests.total,
          seconds: result.duration,
          latencies,
          graphqlErrors,
          non2xx: result.non2xx,
          socketErrors: result.errors + result.timeouts,
        });
      },
    );
    if (record)
      instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function subgraphCounts(statsUrl: string, reset = false): Promise<number> {
  const res = await fetch(statsUrl, { method: reset ? 'DELETE' : 'GET' });
  return Object.values((await res.json()) as Record<string, number>).reduce((a, b) => a + b, 0);
}

/**
 * Waits until the last contender has finished the requests it still had when the load stopped
 * (no subgraph request for half a second), so that its backlog never runs during the next one.
 */
export async function quiesce(statsUrl: string): Promise<void> {
  let last = await subgraphCounts(statsUrl);
  for (let quiet = 0, i = 0; quiet < 3 && i < 600; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await subgraphCounts(statsUrl);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

/** Same data from every contender: compared with stock Apollo's answers. */
export async function compareAnswers(
  contenders: Array<{ id: string; kind: string; url?: string }>,
  scenario: Scenario,
): Promise<Record<string, string>> {
  const reference = contenders.find((c) => c.kind === 'stock')!;
  const verdicts: Record<string, string> = {};
  for (const body of scenario.bodies) {
    const expected = await post(reference.url!, body);
    const expectedData = JSON.stringify(expected.json.data);
    for (const c of contenders) {
      const got = await post(c.url!, body);
      const problem =
        got.status !== 200
          ? `HTTP ${got.status}`
          : got.json.errors?.length
            ? `error: ${got.json.errors[0].message.slice(0, 80)}`
            : JSON.stringify(got.json.data) !== expectedData
              ? 'different data'
              : null;
      if (problem && !verdicts[c.id]) verdicts[c.id] = problem;
    }
  }
  for (const c of contenders) verdicts[c.id] ??= 'same';
  return verdicts;
}
