/**
 * Several replicas of a subgraph behind one gateway (SUBGRAPH_<NAME>_URL=a,b): requests are
 * spread over them, a replica that goes away is routed around without failed requests (its
 * connections refused: failover; its circuit then opens), and it is used again once back. The
 * replicas here are servers in this process over one store; test/e2e/scale-out.test.ts does the
 * same with processes on PostgreSQL and a SIGKILL.
 */
import type { Store } from '../../store/store';
import { SUBGRAPHS } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { openTestStore } from '../support/store';
import { FIXED_NOW } from '../support/paths';
import { fetch } from 'undici';
import { gql, startSubgraphs, startTestGateway } from './gateway-helpers';

let store: Store;
let others: Record<string, RunningServer>;
let replicas: RunningServer[];
let gateway: RunningGateway;
const hits = [0, 0];
const programs = SUBGRAPHS.find((m) => m.name === 'programs')!;

async function startReplica(i: number, port = 0): Promise<RunningServer> {
  const r = await startSubgraph(programs, store, { port, now: () => FIXED_NOW });
  r.server.on('request', () => (hits[i] += 1));
  return r;
}

beforeAll(async () => {
  store = await openTestStore('demo');
  others = await startSubgraphs(store);
  replicas = [await startReplica(0), await startReplica(1)];
  // Every other subgraph once, programs twice.
  const urls = Object.fromEntries(Object.entries(others).map(([name, s]) => [name, s.url]));
  gateway = await startTestGateway(
    { ...urls, programs: replicas.map((r) => r.url).join(',') },
    { subgraphClient: { breakerOpenMs: 500 } },
  );
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([...Object.values(others ?? {}), ...(replicas ?? [])].map((s) => s.close()));
  await store?.close();
});

// Distinct queries, so that neither the gateway's merging of identical ones in flight nor its
// response cache (on, as shipped) hides requests: every document differs by its alias.
let n = 0;
const query = () => {
  const i = n++;
  return { query: `{ p${i}: programs(first: ${1 + (i % 20)}) { totalCount edges { node { id title } } } }` };
};
let lastFailure: unknown;

/** Resolves once `condition` holds, checking every 50 ms; fails the test after `ms`. */
async function waitFor(condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('requests are spread over the replicas', async () => {
  hits.fill(0);
  for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 4 }, () => gql(gateway.url, query())));
  const total = hits[0] + hits[1];
  expect(total).toBeGreaterThanOrEqual(40);
  expect(Math.min(...hits)).toBeGreaterThanOrEqual(total * 0.3);
});

test('a replica that goes away is routed around with no failed request, and used again once back', async () => {
  const port = replicas[1].port;
  let failures = 0;
  let sent = 0;
  let stop = false;
  const load = (async () => {
    while (!stop) {
      const results = await Promise.all(Array.from({ length: 4 }, () => gql(gateway.url, query())));
      sent += results.length;
      for (const r of results.filter((r) => r.status !== 200 || r.errors || !r.data)) {
        failures += 1;
        lastFailure = r.errors ?? r.status;
      }
    }
  })();
  try {
    await waitFor(() => sent >= 8);
    await replicas[1].close(0);
    // Phases end on what happened, not after fixed times: a loaded machine answers fewer requests.
    const client = gateway.clients.get('programs')!;
    const stateOf = () => client.endpointStates.find((e) => e.url === replicas[1].url)?.state;
    await waitFor(() => stateOf() !== 'closed');
    hits.fill(0);
    replicas[1] = await startReplica(1, port);
    // Its circuit lets a probe through after breakerOpenMs; then it takes its share again.
    await waitFor(() => hits[1] > 0 && client.endpointStates.every((e) => e.state === 'closed'));
    const before = sent;
    await waitFor(() => sent >= before + 8);
  } finally {
    stop = true;
    await load;
  }
  const client = gateway.clients.get('programs')!;
  expect(sent).toBeGreaterThan(16);
  expect({ failures, lastFailure }).toEqual({ failures: 0, lastFailure: undefined });
  expect(hits[1]).toBeGreaterThan(0);
  expect(client.endpointStates.every((e) => e.state === 'closed')).toBe(true);
});

test('readiness lists each replica and stays ready while one answers', async () => {
  const port = replicas[0].port;
  await replicas[0].close(0);
  try {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
    const body = (await res.json()) as {
      status: string;
      checks: Record<string, string>;
      replicas: Record<string, string>;
    };
    expect(res.status).toBe(200);
    expect(body.checks['subgraph:programs']).toBe('ok');
    expect(Object.values(body.replicas).filter((v) => v.startsWith('failed')).length).toBe(1);
  } finally {
    replicas[0] = await startReplica(0, port);
  }
});
