/**
 * Growth signals and scores in the demo store: the score the refresh stores (SQL, for ranking)
 * is the sum of the contributions the explanation lists (TypeScript) for every firm; a refresh is
 * deterministic; signals count what the consultations say; selected firms score as the logs
 * justify; firms without consultations in the window have no signals.
 */
import type { Store } from './engine/store';
import { openTestStore } from '../test/support/store';
import { refreshGrowthSignals, signalsOf, growthRefreshDue } from './signals';
import { explainScore } from '../domain/growth/score';
import { growthWeights, parseWeights } from '../domain/growth/weights';
import raw from '../domain/growth/score-weights.json';
import { FIXED_NOW } from '../test/support/paths';

let store: Store;
const weights = growthWeights();

beforeAll(async () => {
  store = await openTestStore('demo');
});
afterAll(async () => {
  await store.close();
});

test('every stored score is the sum of its explained contributions', async () => {
  const rows = await store.query<{ id: string; score: number }>(
    'select firm_id as id, score from firm_signals order by firm_id',
  );
  expect(rows.length).toBeGreaterThan(1000);
  const signals = await signalsOf(
    store,
    rows.map((r) => r.id),
  );
  const mismatches = rows.filter((r, i) => explainScore(signals[i], weights).total !== r.score);
  expect(mismatches).toEqual([]);
  // Not a table of zeros: firms differ, and the best are well above the rest.
  const scores = rows.map((r) => r.score).sort((a, b) => b - a);
  expect(scores[0]).toBeGreaterThan(60);
  expect(scores[Math.floor(scores.length / 2)]).toBeLessThan(scores[0] / 2);
});

test('signals count what the consultations say', async () => {
  const [firm] = await store.query<{ id: string }>(
    `select firm_id as id from firm_signals where kind = 'CORPORATE' and agencies >= 2 order by score desc, firm_id limit 1`,
  );
  const [stored] = await signalsOf(store, [firm.id]);
  const [counted] = await store.query<{ n: number; agencies: number; growth: number; referred: number }>(
    `select count(*)::int as n, count(distinct organization_id)::int as agencies,
            count(*) filter (where topics && $2::text[])::int as growth,
            count(*) filter (where referred_to_id is not null)::int as referred
     from consultations where corporate_number = $1`,
    [firm.id, weights.growthTopics],
  );
  expect(stored).toMatchObject({
    consultations: counted.n,
    agencies: counted.agencies,
    growthConsultations: counted.growth,
    referrals: counted.referred,
  });
});

test('a refresh is deterministic and knows when weights changed', async () => {
  const before = await store.query('select * from firm_signals order by firm_id');
  const clients = await store.query('select * from firm_clients order by firm_id, organization_id');
  await refreshGrowthSignals(store, { now: FIXED_NOW });
  expect(await store.query('select * from firm_signals order by firm_id')).toEqual(before);
  expect(await store.query('select * from firm_clients order by firm_id, organization_id')).toEqual(clients);
  expect(await growthRefreshDue(store)).toBe(false);
  expect(await growthRefreshDue(store, parseWeights({ ...raw, version: 'next' }))).toBe(true);
});

test('firms with no consultation in the window have no signals: score 0, no contributions', async () => {
  // Weights whose window ends before the demo year: every firm's consultations are older.
  const narrow = parseWeights({ ...JSON.parse(JSON.stringify(raw)), windowDays: 30, recentDays: 7, version: 'narrow' });
  const copy = await openTestStore('demo');
  try {
    await copy.query(
      `update consultations set received_at = received_at - interval '400 days' where corporate_number = (select min(corporate_number) from consultations)`,
    );
    await refreshGrowthSignals(copy, { now: FIXED_NOW, weights: narrow });
    const [old] = await copy.query<{ id: string; score: number; consultations: number }>(
      `select firm_id as id, score, consultations from firm_signals where firm_id = (select min(corporate_number) from consultations)`,
    );
    expect(old).toMatchObject({ score: 0, consultations: 0 });
    const [signals] = await signalsOf(copy, [old.id], narrow);
    expect(explainScore(signals, narrow)).toEqual({ total: 0, contributions: [] });
  } finally {
    await copy.close();
  }
});

test('the firms the committee selected score as the consultations justify', async () => {
  const [row] = await store.query<{ selected: number; p90: number }>(
    `select percentile_cont(0.5) within group (order by s.score) as selected,
            (select percentile_cont(0.9) within group (order by score) from firm_signals) as p90
     from firm_signals s where s.firm_id in (select firm_id from committee_decisions where decision = 'SELECTED')`,
  );
  expect(row.selected).toBeGreaterThan(row.p90);
});

test('agencies a consultation was handed to count the firm as their client', async () => {
  const [c] = await store.query<{ firm: string; to: string }>(
    `select corporate_number as firm, referred_to_id as to from consultations where referred_to_id is not null and corporate_number is not null order by id limit 1`,
  );
  const [{ n }] = await store.query<{ n: number }>(
    'select count(*)::int as n from firm_clients where firm_id = $1 and organization_id = $2',
    [c.firm, c.to],
  );
  expect(n).toBe(1);
});
