/**
 * The gateway passes consultationStats answers through without Apollo's result shaping
 * (gateway/statsPassThrough.ts). Its responses must be Apollo Gateway's, byte for byte and status
 * for status: two gateways in front of the same subgraphs, one with the pass-through and one
 * without, are sent the same requests (the same request id, so that errors name the same one) —
 * analysts' and coordinators' random tables as cells and as columns, aliases and literals, the
 * subgraph's refusals, a subgraph failing, a gateway budget running out — and each answer text
 * must match; the pass-through's counter shows which it answered and which it handed back.
 */
import { fetch } from 'undici';
import { signDevelopmentToken } from '../../gateway/auth';
import type { RunningGateway } from '../../gateway/gateway';
import type { RunningServer } from '../../server/http';
import type { Store } from '../../store/store';
import { closeColumnar } from '../../store/columnar';
import { mulberry32 } from '../../demo/consultations';
import { openTestStore } from '../support/store';
import { analystShape, statsVocabulary, type StatsVocabulary } from '../support/stats-shapes';
import { post } from '../attack/support';
import {
  JWT_SECRET,
  startProxy,
  startSubgraphs,
  startTestGateway,
  urlsOf,
  type SubgraphProxy,
} from './gateway-helpers';

let store: Store;
let subgraphs: Record<string, RunningServer>;
let vocabulary: StatsVocabulary;
/** [with the pass-through, without], each through a proxy of its own to the consultations subgraph. */
let pair: [RunningGateway, RunningGateway];
let proxies: [SubgraphProxy, SubgraphProxy];
/** The same pair with a budget of 60 objects per request. */
let small: [RunningGateway, RunningGateway];
const tokens: Record<string, string | null> = { anonymous: null };

beforeAll(async () => {
  store = await openTestStore('demo');
  subgraphs = await startSubgraphs(store);
  vocabulary = await statsVocabulary(store);
  proxies = [await startProxy(subgraphs.consultations.url), await startProxy(subgraphs.consultations.url)];
  const urls = (proxy?: SubgraphProxy) => ({
    ...urlsOf(subgraphs),
    ...(proxy ? { consultations: proxy.url } : {}),
  });
  pair = [
    await startTestGateway(urls(proxies[0])),
    await startTestGateway(urls(proxies[1]), { statsPassThrough: false }),
  ];
  const limits = { limits: { maxObjects: 60 } };
  small = [
    await startTestGateway(urls(), limits),
    await startTestGateway(urls(), { ...limits, statsPassThrough: false }),
  ];
  for (const [name, claims] of [
    ['analyst', { role: 'analyst', sub: 'analyst-pass' }],
    ['coordinator', { role: 'coordinator' }],
    ['staff', { role: 'staff', agency: vocabulary.organizations[0] }],
  ] as const)
    tokens[name] = await signDevelopmentToken(claims, JWT_SECRET);
});

afterAll(async () => {
  for (const g of [...(pair ?? []), ...(small ?? [])]) await g?.close();
  for (const p of proxies ?? []) await p?.close();
  for (const s of Object.values(subgraphs ?? {})) await s.close();
  if (store) await closeColumnar(store);
  await store?.close();
});

let requestNumber = 0;

/** The same request to both gateways of a pair: the same status and text. */
async function both(
  query: string,
  variables: Record<string, unknown>,
  who: string,
  gateways: [RunningGateway, RunningGateway] = pair,
) {
  const id = `pass-through-${++requestNumber}`;
  const [a, b] = await Promise.all(
    gateways.map((g) => post(g.url, { query, variables }, tokens[who], { 'x-request-id': id })),
  );
  expect({ query, variables, who, status: a.status, text: a.text }).toEqual({
    query,
    variables,
    who,
    status: b.status,
    text: b.text,
  });
  return a;
}

async function outcomes(gateway: RunningGateway): Promise<{ passed: number; declined: number }> {
  const text = await (await fetch(`${gateway.url.replace(/\/graphql$/, '')}/metrics`)).text();
  const count = (outcome: string) =>
    Number(
      new RegExp(`^madoguchi_stats_pass_through_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0,
    );
  return { passed: count('passed'), declined: count('declined') };
}

const STATS = (selection: string) => `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { groupBy total suppressedCells ${selection} } }`;
const CELLS = STATS('cells { keys { dimension value label } count suppressed }');
const COLUMNS = STATS('columns { keys { dimension values labels codes } counts suppressed }');

test('random tables, as cells and as columns, for analysts and coordinators: the same text either way', async () => {
  const rand = mulberry32(4242);
  const before = await outcomes(pair[0]);
  for (let i = 0; i < 25; i++) {
    const variables = analystShape(rand, vocabulary);
    for (const query of [CELLS, COLUMNS]) {
      await both(query, variables, 'analyst');
      await both(query, variables, 'coordinator');
    }
  }
  const after = await outcomes(pair[0]);
  // Most were passed through (the analyst's budget may refuse some: handed back).
  expect(after.passed - before.passed).toBeGreaterThan(60);
  expect(after.passed + after.declined - before.passed - before.declined).toBe(100);
  // The one without the pass-through never counts.
  expect(await outcomes(pair[1])).toEqual({ passed: 0, declined: 0 });
});

test('aliases, literals and fields in another order pass through alike; other operations are Apollo’s', async () => {
  const before = await outcomes(pair[0]);
  const passed = [
    `{ s: consultationStats(groupBy: [CHANNEL, MONTH]) { c: cells { n: count k: keys { v: value } } t: total } }`,
    `query Q($g: [StatsDimension!]!) { consultationStats(groupBy: $g, filter: { from: "2025-04-01" }) { columns { counts } groupBy } }`,
  ];
  for (const query of passed) await both(query, { g: ['TOPIC'] }, 'coordinator');
  expect((await outcomes(pair[0])).passed - before.passed).toBe(passed.length);
  const apollos = [
    `{ consultationStats(groupBy: [TOPIC]) { __typename total } }`,
    `{ consultationStats(groupBy: [TOPIC]) { ...F } } fragment F on ConsultationStats { total }`,
    `{ a: consultationStats(groupBy: [TOPIC]) { total } b: consultationStats(groupBy: [CHANNEL]) { total } }`,
    `{ consultationStats(groupBy: [TOPIC]) { total total } }`,
  ];
  for (const query of apollos) await both(query, {}, 'coordinator');
  const after = await outcomes(pair[0]);
  expect(after.passed + after.declined).toBe(before.declined + before.passed + passed.length);
});

test('refusals and a failing subgraph read the same text and status either way', async () => {
  const before = await outcomes(pair[0]);
  // Refused by the gateway before any fetch.
  await both(CELLS, { groupBy: ['TOPIC'] }, 'anonymous');
  await both(CELLS, { groupBy: ['TOPIC'] }, 'staff');
  // Refused by the subgraph: handed back to Apollo Gateway with the answer fetched.
  await both(CELLS, { groupBy: [] }, 'analyst');
  await both(CELLS, { groupBy: ['TOPIC'], filter: { from: '2025-04-02' } }, 'analyst');
  await both(
    CELLS,
    { groupBy: ['TOPIC'], filter: { organizationIds: vocabulary.organizations.slice(0, 2) } },
    'analyst',
  );
  // The subgraph failing (500 is not retried): handed back with the error.
  for (const p of proxies) p.failNext(1, 500);
  const failed = await both(CELLS, { groupBy: ['TOPIC'] }, 'coordinator');
  expect(failed.text).toContain('errors');
  const after = await outcomes(pair[0]);
  expect(after.declined - before.declined).toBe(4);
  expect(after.passed).toBe(before.passed);
  // Each gateway asked the subgraph once per request: a declined answer is not fetched again.
  expect(proxies[0].requests.length).toBe(proxies[1].requests.length);
});

test('a gateway budget that runs out stops the request with the same error either way', async () => {
  const before = await outcomes(small[0]);
  await both(CELLS, { groupBy: ['CHANNEL'] }, 'coordinator', small);
  const over = await both(CELLS, { groupBy: ['MONTH', 'CHANNEL'] }, 'coordinator', small);
  expect(over.text).toContain('BUDGET_EXCEEDED');
  const after = await outcomes(small[0]);
  expect(after.passed - before.passed).toBe(1);
  expect(after.declined - before.declined).toBe(1);
});
