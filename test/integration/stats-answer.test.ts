/**
 * The consultations subgraph answers the gateway's consultationStats operations itself, without
 * graphql-js's per-field execution (subgraphs/consultations/statsAnswer.ts). Its answers must be
 * graphql-js's, byte for byte and status for status: the same subgraph served without that plugin
 * is asked the same requests over the same store — perturbed and exact tables, refusals of the
 * resolver, a budget spent part-way, the execution budget running out, selections in another order
 * or aliased, and selections the plugin leaves to graphql-js — and each answer text must match.
 */
import pino from 'pino';
import { fetch } from 'undici';
import type { Store } from '../../store/store';
import { findSubgraph } from '../../subgraphs';
import { startSubgraph } from '../../subgraphs/server';
import type { RunningServer } from '../../server/http';
import { signIdentity, type Viewer } from '../../server/identity';
import { closeColumnar } from '../../store/columnar';
import { mulberry32 } from '../../demo/consultations';
import { openTestStore } from '../support/store';
import { analystShape, statsVocabulary, type StatsVocabulary } from '../support/stats-shapes';
import { FIXED_NOW } from '../support/paths';
import { defaultSettings } from '../../server/settings';
import type { SubgraphModule } from '../../subgraphs/shared/module';
import { resolvers } from '../../subgraphs/consultations/resolvers';
import { statsAnswerPlugin, type StatsResolve } from '../../subgraphs/consultations/statsAnswer';

const SECRET = 'stats-answer-identity-secret-of-enough-length';
/** Small enough that the random tables below spend it part-way through. */
const CELLS_PER_DAY = 2_500;

const CELLS = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { keys { value } count suppressed } } }`;
const COLUMNS = `query($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  consultationStats(groupBy: $groupBy, filter: $filter) { groupBy total columns { keys { dimension values codes } counts suppressed } } }`;

let store: Store;
let vocabulary: StatsVocabulary;
/** Answered by the plugin where it can: counts the answers it gave. */
let fast: RunningServer;
let answeredFast = 0;
/** The same subgraph, every answer by graphql-js. */
let plain: RunningServer;
/** The same pair with a small execution budget (objects per request). */
let fastSmall: RunningServer;
let plainSmall: RunningServer;

beforeAll(async () => {
  store = await openTestStore('demo');
  const module = findSubgraph('consultations')!;
  const counted: SubgraphModule = {
    ...module,
    plugins: () => [statsAnswerPlugin(resolvers.Query!.consultationStats as StatsResolve, () => (answeredFast += 1))],
  };
  const without: SubgraphModule = { ...module, plugins: undefined };
  const settings = defaultSettings({ analystCellsPerDay: CELLS_PER_DAY });
  const serve = (m: SubgraphModule, maxObjects?: number) =>
    startSubgraph(m, store, {
      identitySecret: SECRET,
      settings,
      now: () => FIXED_NOW,
      logger: pino({ level: 'silent' }),
      ...(maxObjects ? { limits: { maxObjects } } : {}),
    });
  [fast, plain, fastSmall, plainSmall] = await Promise.all([
    serve(counted),
    serve(without),
    serve(counted, 40),
    serve(without, 40),
  ]);
  vocabulary = await statsVocabulary(store);
});

afterAll(async () => {
  for (const s of [fast, plain, fastSmall, plainSmall]) await s?.close();
  if (store) await closeColumnar(store);
  await store?.close();
});

/** The answer as sent: status and text. */
async function send(server: RunningServer, viewer: Viewer, query: string, variables?: Record<string, unknown>) {
  const body = JSON.stringify({ query, variables });
  const signed = signIdentity(viewer, SECRET, { subgraph: 'consultations', body });
  const res = await fetch(server.url, {
    method: 'POST',
    body,
    headers: { ...signed, 'content-type': 'application/json' },
  });
  return { status: res.status, text: await res.text() };
}

/** Each analyst has one account per server, so that both spend their budgets alike. */
const on = (viewer: Viewer, server: 'fast' | 'plain'): Viewer =>
  viewer.subject ? { ...viewer, subject: `${viewer.subject}-${server}` } : viewer;

async function both(
  viewer: Viewer,
  query: string,
  variables?: Record<string, unknown>,
  servers: [RunningServer, RunningServer] = [fast, plain],
) {
  const a = await send(servers[0], on(viewer, 'fast'), query, variables);
  const b = await send(servers[1], on(viewer, 'plain'), query, variables);
  expect({ query, variables, answer: a }).toEqual({ query, variables, answer: b });
  return a;
}

const analyst: Viewer = { role: 'analyst', subject: 'analyst-a', agencyId: null };
const coordinator: Viewer = { role: 'coordinator', subject: 'coordinator', agencyId: null };

test('random analysts’ and coordinators’ tables read the same text either way, refusals of the spent budget included', async () => {
  const rand = mulberry32(3131);
  const before = answeredFast;
  let granted = 0;
  let refused = 0;
  let withheld = 0;
  for (let i = 0; i < 40; i++) {
    const variables = analystShape(rand, vocabulary);
    const a = await both(analyst, CELLS, variables);
    if (a.text.includes('"RATE_LIMITED"')) refused += 1;
    else {
      granted += 1;
      if (a.text.includes('"suppressed":true')) withheld += 1;
    }
    await both(coordinator, CELLS, variables);
    await both(analyst, COLUMNS, variables);
    await both(coordinator, COLUMNS, variables);
  }
  // The comparison covered grants, withheld cells and refusals, and the plugin answered most.
  expect(granted).toBeGreaterThan(5);
  expect(withheld).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);
  expect(answeredFast - before).toBeGreaterThanOrEqual(2 * (40 + granted));
});

test('literal arguments, aliases, fields in another order and every field the plugin answers', async () => {
  const before = answeredFast;
  const queries = [
    `{ consultationStats(groupBy: [MONTH, CHANNEL]) { cells { suppressed count keys { dimension value } } groupBy total suppressedCells } }`,
    `{ t: consultationStats(groupBy: [TOPIC], filter: { from: "2025-04-01", to: "2025-09-30" }) { n: total c: cells { k: keys { v: value d: dimension } n: count } } }`,
    `query Named($g: [StatsDimension!]!) { consultationStats(groupBy: $g) { groupBy cells { count } } }`,
    `{ consultationStats(groupBy: [ORGANIZATION, ORGANIZATION]) { groupBy total } }`,
    `{ consultationStats(groupBy: [TOPIC, MONTH]) { columns { suppressed c: counts keys { codes dimension values } } total } }`,
    `query($g: [StatsDimension!]!) { consultationStats(groupBy: $g) { cells { count } columns { counts } } }`,
  ];
  for (const query of queries) {
    await both(coordinator, query, { g: ['INDUSTRY', 'MUNICIPALITY'] });
    await both({ ...analyst, subject: 'analyst-shapes' }, query, { g: ['INDUSTRY', 'MUNICIPALITY'] });
  }
  expect(answeredFast - before).toBe(2 * queries.length);
});

test('selections the plugin leaves to graphql-js answer as before', async () => {
  const before = answeredFast;
  const queries = [
    `{ consultationStats(groupBy: [ORGANIZATION]) { cells { keys { value label } count } } }`,
    `{ consultationStats(groupBy: [TOPIC]) { __typename total } }`,
    `{ consultationStats(groupBy: [TOPIC, MONTH]) { columns { keys { values labels } counts } } }`,
    `{ consultationStats(groupBy: [TOPIC]) { total ...F } } fragment F on ConsultationStats { suppressedCells }`,
    `query($x: Boolean!) { consultationStats(groupBy: [TOPIC]) { total @include(if: $x) cells { count } } }`,
    `{ consultationStats(groupBy: [TOPIC]) { total total cells { count } } }`,
    `{ a: consultationStats(groupBy: [TOPIC]) { total } b: consultationStats(groupBy: [CHANNEL]) { total } }`,
  ];
  for (const query of queries) await both(coordinator, query, { x: true });
  expect(answeredFast).toBe(before);
});

test('refusals and errors read the same text and status either way', async () => {
  const anonymous: Viewer = { role: 'anonymous', subject: null, agencyId: null };
  const staff: Viewer = { role: 'staff', subject: 'staff-1', agencyId: vocabulary.organizations[0] };
  const before = answeredFast;
  await both(anonymous, CELLS, { groupBy: ['TOPIC'] });
  await both(staff, CELLS, { groupBy: ['TOPIC'] });
  await both(analyst, CELLS, { groupBy: [] });
  await both(analyst, CELLS, { groupBy: ['TOPIC', 'MONTH', 'CHANNEL', 'INDUSTRY'] });
  await both(analyst, CELLS, { groupBy: ['TOPIC'], filter: { from: '2025-04-02' } });
  await both(analyst, CELLS, { groupBy: ['TOPIC'], filter: { organizationIds: vocabulary.organizations.slice(0, 2) } });
  // Variables graphql-js refuses before any resolver runs.
  await both(analyst, CELLS, { groupBy: ['NOT_A_DIMENSION'] });
  await both(analyst, CELLS, {});
  expect(answeredFast).toBe(before);
});

test('an execution budget that runs out stops the request with the same error either way', async () => {
  const before = answeredFast;
  // Under the budget: answered by the plugin, with the same objects counted.
  await both(coordinator, CELLS, { groupBy: ['CHANNEL'] }, [fastSmall, plainSmall]);
  expect(answeredFast - before).toBe(1);
  // Over it (a cell and its keys list each count): the ordinary way's BUDGET_EXCEEDED.
  const over = await both(coordinator, CELLS, { groupBy: ['MONTH', 'CHANNEL'] }, [fastSmall, plainSmall]);
  expect(over.text).toContain('BUDGET_EXCEEDED');
  expect(answeredFast - before).toBe(1);
  // As columns the same table is a few objects: under the budget.
  await both(coordinator, COLUMNS, { groupBy: ['MONTH', 'CHANNEL'] }, [fastSmall, plainSmall]);
  expect(answeredFast - before).toBe(2);
});
