/**
 * The columnar mirror against the store it mirrors (this pass's store: PGlite, or PostgreSQL
 * when the suite runs with DATABASE_URL): on random shapes — one to three dimensions, date
 * ranges with whole and partial months, agencies, topics — its cells, counts, key sums and totals
 * must equal the store's record path exactly; a new snapshot of a source, and a source gone,
 * must show in the next answer; and a store's mirror reloads only the sources that changed.
 */
import type { Store } from '../../store/store';
import { countConsultations } from '../../store/stats';
import { ConsultationMirror } from '../../store/columnar/mirror';
import { countOnMirror } from '../../store/columnar/stats';
import { closeColumnar, countStats } from '../../store/columnar';
import { mulberry32 } from '../../demo/consultations';
import { openTestStore } from '../support/store';
import { randomShape } from '../support/stats-shapes';
import { resnapshotLargestLog } from '../support/snapshots';
import { replaceSource } from '../../store/ingest';
import { selectList } from '../../store/tables';
import { CHANNELS, JSIC_DIVISIONS, SUPPORT_FIELDS } from '../../domain/vocabulary';
import type { ConsultationRecord } from '../../domain/records';

let store: Store;
let mirror: ConsultationMirror;
let organizations: string[];
let topics: string[];

beforeAll(async () => {
  store = await openTestStore('demo');
  mirror = await ConsultationMirror.open(store, { threads: 1, readers: 2 });
  organizations = (
    await store.query<{ id: string }>('select distinct organization_id as id from consultations order by 1')
  ).map((r) => r.id);
  topics = (await store.query<{ t: string }>('select distinct unnest(topics) as t from consultations order by 1')).map(
    (r) => r.t,
  );
});

afterAll(async () => {
  await mirror?.close();
  await store.close();
});

async function expectEqualToStore(shapes: number, seed: number): Promise<number> {
  const rand = mulberry32(seed);
  let nonEmpty = 0;
  for (let i = 0; i < shapes; i++) {
    const { dims, filter } = randomShape(rand, { organizations, topics }, { wider: true });
    const [columnar, records] = await Promise.all([
      countOnMirror(mirror, dims, filter),
      countConsultations(store, dims, filter, { useRollups: false }),
    ]);
    expect(columnar.plan).toBe('columnar');
    // Key sums too: the cell-key perturbation analysts see is computed from them.
    expect({ dims, filter, cells: columnar.cells, total: columnar.total, totalKeySum: columnar.totalKeySum }).toEqual({
      dims,
      filter,
      cells: records.cells,
      total: records.total,
      totalKeySum: records.totalKeySum,
    });
    if (records.total > 0) nonEmpty += 1;
  }
  return nonEmpty;
}

describe('the columnar mirror of consultations', () => {
  it('counts exactly what the store counts, on 300 random shapes', async () => {
    const nonEmpty = await expectEqualToStore(300, 28);
    // The shapes must mostly count something, or equality would prove little.
    expect(nonEmpty).toBeGreaterThan(200);
    const [{ n }] = await store.query<{ n: number }>('select count(*)::int as n from consultations');
    const all = await countOnMirror(mirror, ['ORGANIZATION'], null);
    expect(all.total).toBe(n);
  });

  it('follows a new snapshot of a source, and a source removed, in its next answer', async () => {
    const [largest] = await store.query<{ organizationId: string }>(
      `select organization_id as "organizationId" from consultations group by source_id, organization_id order by count(*) desc, source_id limit 1`,
    );
    await mirror.fresh();
    const reloadsBefore = mirror.reloads;
    const before = await countOnMirror(mirror, ['CHANNEL'], { organizationIds: [largest.organizationId] });
    // The agency's next file drops a third of its log and moves the rest to the telephone.
    const { sourceId, records, kept } = await resnapshotLargestLog(store, 'changed-by-columnar-test');
    const after = await countOnMirror(mirror, ['CHANNEL'], { organizationIds: [records[0].organizationId] });
    // Only the changed source was read again.
    expect(mirror.reloads).toBe(reloadsBefore + 1);
    expect(after.total).toBe(before.total - (records.length - kept.length));
    expect(after.cells).toEqual(
      (
        await countConsultations(
          store,
          ['CHANNEL'],
          { organizationIds: [records[0].organizationId] },
          { useRollups: false },
        )
      ).cells,
    );
    expect(after.cells).not.toEqual(before.cells);
    await expectEqualToStore(60, 11);

    // A source no longer configured and deleted from the store leaves the mirror too.
    const whole = await countOnMirror(mirror, ['ORGANIZATION'], null);
    await store.transaction(async (tx) => {
      await tx.query('delete from consultations where source_id = $1', [sourceId]);
      await tx.query('delete from consultation_rollups where source_id = $1', [sourceId]);
      await tx.query('delete from sources where id = $1', [sourceId]);
    });
    const gone = await countOnMirror(mirror, ['ORGANIZATION'], null);
    const [{ n }] = await store.query<{ n: number }>('select count(*)::int as n from consultations');
    expect(gone.total).toBe(n);
    expect(gone.total).toBe(whole.total - kept.length);
    await expectEqualToStore(30, 12);
  });

  it('codes values it never met before (a new month, municipality, industry) and counts them exactly', async () => {
    await mirror.fresh();
    const distinct = async (sql: string) => new Set((await store.query<{ v: string }>(sql)).map((r) => r.v));
    const industries = await distinct('select distinct industry as v from consultations where industry is not null');
    const channels = await distinct('select distinct channel as v from consultations');
    const topicsMet = await distinct('select distinct unnest(topics) as v from consultations');
    const municipalities = await distinct(
      'select distinct municipality_code as v from consultations where municipality_code is not null',
    );
    // Every dictionary grows the same way (one code path); where the demo data uses every value of
    // a vocabulary (channels and topics, in the demo), that dimension keeps its values.
    const unmet = (all: readonly string[], met: Set<string>) => all.find((v) => !met.has(v));
    const industry = unmet(Object.keys(JSIC_DIVISIONS), industries) as ConsultationRecord['industry'];
    const channel = unmet(Object.keys(CHANNELS), channels) as ConsultationRecord['channel'] | undefined;
    const topic = unmet(Object.keys(SUPPORT_FIELDS), topicsMet) as ConsultationRecord['topics'][number] | undefined;
    // At least the month, the municipality and the industry are new.
    expect(industry).toBeDefined();
    // A municipality code no record has (Sapporo's Chūō ward, or the next free one near it).
    let code = 11011;
    while (municipalities.has(String(code).padStart(6, '0'))) code += 1;
    const municipalityCode = String(code).padStart(6, '0');
    const [source] = await store.query<{ id: string }>(
      `select source_id as id from consultations group by source_id order by count(*), source_id limit 1`,
    );
    const records = await store.query<ConsultationRecord>(
      `select ${selectList('consultation', 'c')} from consultations c where source_id = $1`,
      [source.id],
    );
    // Half of the agency's records move to values no consultation had, in a month before any other.
    const changed = records.map((r, i) =>
      i % 2
        ? r
        : {
            ...r,
            receivedAt: '2019-02-14T10:00:00+09:00',
            industry,
            channel: channel ?? r.channel,
            topics: topic ? [...r.topics, topic] : r.topics,
            municipalityCode,
          },
    );
    await replaceSource(store, {
      sourceId: source.id,
      entity: 'consultation',
      records: changed,
      rejections: [],
      contentHash: 'new-values-by-columnar-test',
      etag: null,
      lastModified: null,
      at: new Date().toISOString(),
    });
    for (const dims of [
      ['MONTH', 'MUNICIPALITY', 'INDUSTRY'],
      ['CHANNEL', 'TOPIC'],
      ['ORGANIZATION', 'MONTH'],
    ] as const) {
      const [columnar, stored] = await Promise.all([
        countOnMirror(mirror, dims, null),
        countConsultations(store, dims, null, { useRollups: false }),
      ]);
      expect(columnar.cells).toEqual(stored.cells);
      expect(columnar.total).toBe(stored.total);
      expect(columnar.totalKeySum).toBe(stored.totalKeySum);
    }
    const byMonth = await countOnMirror(mirror, ['MONTH', 'MUNICIPALITY'], topic ? { topics: [topic] } : null);
    expect(byMonth.cells[0]).toMatchObject({
      keys: ['2019-02', municipalityCode],
      count: Math.ceil(records.length / 2),
    });
    await expectEqualToStore(30, 13);
  });

  it('is what the subgraph counts with; a store that cannot export CSV is counted in the store, the same', async () => {
    const shape = { dims: ['ORGANIZATION', 'TOPIC'] as const, filter: { from: '2025-06-01', to: '2025-11-30' } };
    const viaMirror = await countStats(store, shape.dims, shape.filter);
    expect(viaMirror.plan).toBe('columnar');
    // A Queryable without copyToCsv (a remote store, say): no mirror, the rollups and records answer.
    const plain = { query: store.query.bind(store) };
    const viaStore = await countStats(plain, shape.dims, shape.filter);
    expect(viaStore.plan).not.toBe('columnar');
    expect(viaStore.keys).toEqual(viaMirror.keys);
    expect(viaStore.counts).toEqual(viaMirror.counts);
    expect(viaStore.keySums).toEqual(viaMirror.keySums);
    expect(viaStore.total).toBe(viaMirror.total);
    expect(viaStore.totalKeySum).toBe(viaMirror.totalKeySum);
    await closeColumnar(store);
  });
});
