/**
 * Consultation aggregates over the demo store: the rollup path must give exactly the counts the
 * record path gives, on many random queries; the queries analysts run most must be answered from
 * rollups without reading a consultation; the migration's SQL rebuild must equal the rollups
 * written at sync; and a new snapshot of a source must move its rollups with it.
 */
import { rollupRebuildSql } from '../../store/rollups';
import { countingStore, type Store } from '../../store/store';
import type { StatsDimension, StatsFilter } from '../../subgraphs/consultations/resolvers.generated';
import { countConsultations } from '../../store/stats';
import { mulberry32 } from '../../demo/consultations';
import { openTestStore } from '../support/store';
import { randomShape } from '../support/stats-shapes';
import { resnapshotLargestLog } from '../support/snapshots';

let store: Store;
let organizations: string[];
let topics: string[];

beforeAll(async () => {
  store = await openTestStore('demo');
  organizations = (
    await store.query<{ id: string }>('select distinct organization_id as id from consultations order by 1')
  ).map((r) => r.id);
  topics = (await store.query<{ t: string }>('select distinct unnest(topics) as t from consultations order by 1')).map(
    (r) => r.t,
  );
});

afterAll(() => store.close());

async function expectPathsAgree(queries: number, seed: number): Promise<Map<string, number>> {
  const rand = mulberry32(seed);
  const plans = new Map<string, number>();
  for (let i = 0; i < queries; i++) {
    const { dims, filter } = randomShape(rand, { organizations, topics });
    const viaRollups = await countConsultations(store, dims, filter);
    const viaRecords = await countConsultations(store, dims, filter, { useRollups: false });
    expect(viaRecords.plan).toBe('records');
    expect({ dims, filter, cells: viaRollups.cells, total: viaRollups.total }).toEqual({
      dims,
      filter,
      cells: viaRecords.cells,
      total: viaRecords.total,
    });
    plans.set(viaRollups.plan, (plans.get(viaRollups.plan) ?? 0) + 1);
  }
  return plans;
}

describe('consultation rollups', () => {
  it('give the same cells and totals as counting the records, on 200 random queries', async () => {
    const plans = await expectPathsAgree(200, 7);
    const fromRecords = plans.get('records') ?? 0;
    // Most random queries are covered by some grouping; the rest fall back to the records.
    expect(fromRecords).toBeLessThan(200 * 0.4);
    expect(plans.size).toBeGreaterThanOrEqual(6);
  });

  it('answer the common analyst queries from rollups alone, without reading consultations', async () => {
    const counting = countingStore(store);
    const cases: Array<{ dims: StatsDimension[]; filter?: StatsFilter; plan: string }> = [
      { dims: ['ORGANIZATION'], plan: 'month_channel' },
      { dims: ['ORGANIZATION', 'MONTH'], plan: 'month_channel' },
      { dims: ['TOPIC', 'MONTH'], filter: { from: '2025-10-01', to: '2025-12-31' }, plan: 'month_topic' },
      { dims: ['MUNICIPALITY', 'INDUSTRY'], plan: 'municipality_industry' },
      { dims: ['TOPIC'], filter: { topics: ['FINANCE'] as StatsFilter['topics'] }, plan: 'month_channel_topics' },
      {
        dims: ['MUNICIPALITY', 'MONTH'],
        filter: { topics: ['SUCCESSION'] as StatsFilter['topics'] },
        plan: 'month_topic_municipality',
      },
      {
        dims: ['ORGANIZATION', 'CHANNEL'],
        filter: { from: '2025-04-01', to: '2026-03-31', organizationIds: organizations.slice(0, 3) },
        plan: 'month_channel',
      },
    ];
    for (const c of cases) {
      counting.statements.length = 0;
      const result = await countConsultations(counting, c.dims, c.filter);
      expect(result.plan).toBe(c.plan);
      expect(result.total).toBeGreaterThan(0);
      expect(counting.statements.length).toBeGreaterThan(0);
      for (const sql of counting.statements) expect(sql).not.toMatch(/from consultations\b/);
    }
  });

  it('count the partial months at the edges of a date filter from the records', async () => {
    const counting = countingStore(store);
    const result = await countConsultations(counting, ['MONTH'], { from: '2025-06-15', to: '2025-09-10' });
    expect(result.plan).toBe('month_channel');
    expect(result.cells.map((c) => c.keys[0])).toEqual(['2025-06', '2025-07', '2025-08', '2025-09']);
    expect(counting.statements.filter((s) => /from consultations\b/.test(s))).toHaveLength(2);
    const [june] = await store.query<{ n: number }>(
      `select count(*)::int as n from consultations where received_at >= '2025-06-15T00:00:00+09:00' and received_at < '2025-07-01T00:00:00+09:00'`,
    );
    expect(result.cells[0].count).toBe(june.n);
  });

  it('are rebuilt by the migration SQL to exactly what the syncs wrote', async () => {
    const snapshot = () =>
      store.query(
        `select source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n
         from consultation_rollups order by source_id, grouping, organization_id, month, channel, municipality_code, industry, topic, topics`,
      );
    const written = await snapshot();
    expect(written.length).toBeGreaterThan(1000);
    await store.transaction(async (tx) => {
      await tx.query('delete from consultation_rollups');
      for (const sql of rollupRebuildSql()) await tx.query(sql);
    });
    expect(await snapshot()).toEqual(written);
  });

  it('follow a new snapshot of a source in the same transaction', async () => {
    const before = await countConsultations(store, ['ORGANIZATION'], null);
    // The agency's next file drops a third of the log and moves the rest to the telephone.
    const { records, kept } = await resnapshotLargestLog(store);
    const after = await countConsultations(store, ['ORGANIZATION'], null);
    expect(after.total).toBe(before.total - (records.length - kept.length));
    const byChannel = await countConsultations(store, ['CHANNEL'], { organizationIds: [records[0].organizationId] });
    const viaRecords = await countConsultations(
      store,
      ['CHANNEL'],
      { organizationIds: [records[0].organizationId] },
      { useRollups: false },
    );
    expect(byChannel.plan).not.toBe('records');
    expect(byChannel.cells).toEqual(viaRecords.cells);
    await expectPathsAgree(40, 11);
  });
});
