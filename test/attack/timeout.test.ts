/**
 * Attack: a request that outlives its timeout. The gateway's request timeout was a promise race:
 * the client got an answer, but the work behind it went on. Now the request's budget carries the
 * deadline, the fetches to subgraphs are aborted with it, and the answer is REQUEST_TIMEOUT soon
 * after the deadline — here with a subgraph that takes three seconds to answer and a timeout of
 * half a second.
 */
import type { Store } from '../../store/store';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import { openTestStore } from '../support/store';
import { gql, startProxy, startSubgraphs, startTestGateway, urlsOf, type SubgraphProxy } from '../e2e/gateway-helpers';

let store: Store;
let subgraphs: Record<string, RunningServer>;
let slow: SubgraphProxy;
let gateway: RunningGateway;

beforeAll(async () => {
  store = await openTestStore('demo');
  subgraphs = await startSubgraphs(store);
  slow = await startProxy(subgraphs.programs.url, 3_000);
  gateway = await startTestGateway({ ...urlsOf(subgraphs), programs: slow.url }, { limits: { requestTimeoutMs: 500 } });
});
afterAll(async () => {
  await gateway?.close();
  await slow?.close();
  await Promise.all(Object.values(subgraphs ?? {}).map((s) => s.close()));
  await store?.close();
});

test('the request timeout fires: a coded REQUEST_TIMEOUT soon after the deadline, not the slow answer', async () => {
  const started = Date.now();
  const r = await gql(gateway.url, { query: '{ programs(first: 1) { totalCount } }' });
  const ms = Date.now() - started;
  expect(r.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
  // A gateway timeout (504) with its code, or a GraphQL answer carrying it; never a crash.
  expect([200, 504]).toContain(r.status);
  // Well before the slow subgraph's answer (3 s) would have come.
  expect(ms).toBeLessThan(2_800);
  // The gateway serves others meanwhile.
  const fast = await gql(gateway.url, { query: '{ organizations { id } }' });
  expect(fast.errors).toBeUndefined();
});
