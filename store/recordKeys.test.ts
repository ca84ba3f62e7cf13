/**
 * Record keys of the cell-key method: made from the install's secret (a migration writes it from
 * the strong random source), the same in SQL as in code, and the same for a record however often
 * and in whatever order its source is synced again — rollups' key sums with them.
 */
import { recordKey, recordKeySql } from '../domain/disclosure';
import type { ConsultationRecord } from '../domain/records';
import { openTestStore } from '../test/support/store';
import { replaceSource } from './ingest';
import { recordKeySecret } from './recordKeys';
import { selectList } from './tables';
import type { Store } from './engine/store';

let store: Store;
beforeAll(async () => {
  store = await openTestStore('demo');
});
afterAll(() => store.close());

test('the install’s secret is 256 bits of hex and the SQL key equals the code’s', async () => {
  const secret = await recordKeySecret(store);
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  const rows = await store.query<{ id: string; record_key: number; again: number }>(
    `select c.id, c.record_key, ${recordKeySql('k.secret', 'c.id')} as again from consultations c, disclosure_keys k order by c.id limit 200`,
  );
  expect(rows).toHaveLength(200);
  for (const r of rows) {
    expect(r.record_key).toBe(recordKey(secret, r.id));
    expect(r.again).toBe(r.record_key);
  }
});

test('a re-sync of the same records, in another order, keeps every key and every rollup key sum', async () => {
  const source = 'hyogo-cgc/consultations';
  const rollups = () =>
    store.query(
      `select grouping, organization_id, month, channel, municipality_code, industry, topic, topics, n, key_sum::float8 as ks from consultation_rollups where source_id = $1 order by 1, 2, 3, 4, 5, 6, 7, 8`,
      [source],
    );
  const keys = () => store.query(`select id, record_key from consultations where source_id = $1 order by id`, [source]);
  const [beforeKeys, beforeRollups] = [await keys(), await rollups()];
  expect(beforeKeys.length).toBeGreaterThan(100);
  const records = await store.query<ConsultationRecord>(
    `select ${selectList('consultation', 'c')} from consultations c where source_id = $1`,
    [source],
  );
  for (const r of records) delete r.recordKey;
  records.reverse();
  await replaceSource(store, {
    sourceId: source,
    entity: 'consultation',
    records,
    rejections: [],
    contentHash: 'again',
    etag: null,
    lastModified: null,
    at: '2026-11-26T00:00:00Z',
  });
  expect(await keys()).toEqual(beforeKeys);
  expect(await rollups()).toEqual(beforeRollups);
});
