/**
 * The growth refresh on the columnar mirror against the store's SQL refresh, on this pass's store
 * (PGlite, or PostgreSQL with DATABASE_URL): both must write the same firms' signals, scores and
 * client agencies, value for value, and the same reference day — on the demo data, and after a
 * match linked sole proprietors' records into one network firm and a consultation was referred.
 */
import type { Store } from '../../store/store';
import { refreshGrowthSignals } from '../../store/signals';
import { ConsultationMirror } from '../../store/columnar/mirror';
import { refreshFromMirror } from '../../store/columnar/signals';
import { confirmMatch } from '../../store/firms';
import { FIXED_NOW } from '../support/paths';
import { openTestStore } from '../support/store';

let store: Store;
let mirror: ConsultationMirror;

beforeAll(async () => {
  store = await openTestStore('demo');
  mirror = await ConsultationMirror.open(store, { threads: 1, readers: 1 });
});

afterAll(async () => {
  await mirror?.close();
  await store.close();
});

const tables = async () => ({
  signals: await store.query('select * from firm_signals order by firm_id'),
  clients: await store.query('select * from firm_clients order by firm_id, organization_id'),
  state: await store.query('select weights_version, as_of, firms from growth_state'),
});

async function expectSameRefresh(): Promise<number> {
  const bySql = await refreshGrowthSignals(store, { now: FIXED_NOW });
  const expected = await tables();
  // Emptied first, so that nothing of the SQL refresh can pass for the mirror's.
  await store.query('truncate firm_signals, firm_clients');
  const byMirror = await refreshFromMirror(store, mirror, { now: FIXED_NOW });
  expect(byMirror.firms).toBe(bySql.firms);
  const actual = await tables();
  expect(actual.signals.length).toBe(expected.signals.length);
  expect(actual.signals).toEqual(expected.signals);
  expect(actual.clients).toEqual(expected.clients);
  expect(actual.state).toEqual(expected.state);
  return expected.signals.length;
}

describe('the growth refresh on the columnar mirror', () => {
  it('writes exactly the signals, scores and clients the SQL refresh writes', async () => {
    expect(await expectSameRefresh()).toBeGreaterThan(1000);
  });

  it('still does after a confirmed match and a referral', async () => {
    // Two agencies' records of one sole proprietor (same name and municipality) become one firm.
    const pair = await store.query<{ id: string }>(
      `select s.firm_id as id from firm_signals s
       where s.kind = 'LOCAL' and (s.name_key, s.municipality_code) in (
         select name_key, municipality_code from firm_signals where kind = 'LOCAL' group by 1, 2 having count(*) >= 2)
       order by s.name_key, s.firm_id limit 2`,
    );
    expect(pair).toHaveLength(2);
    await confirmMatch(
      store,
      pair.map((p) => p.id),
      'coordinator',
      FIXED_NOW.toISOString(),
    );
    const [consultation] = await store.query<{ id: string; organizationId: string }>(
      `select id, organization_id as "organizationId" from consultations where referred_to_id is null and corporate_number is null and company_name is not null order by id limit 1`,
    );
    await store.query(
      `insert into referrals (consultation_id, from_organization_id, to_organization_id, referred_by) values ($1, $2, 'hyogo-cgc', 'staff')`,
      [consultation.id, consultation.organizationId],
    );
    await expectSameRefresh();
    const [network] = await store.query<{ n: number }>(
      `select count(*)::int as n from firm_signals where kind = 'NETWORK'`,
    );
    expect(network.n).toBeGreaterThan(0);
  });
});
