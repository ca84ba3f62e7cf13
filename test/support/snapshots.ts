/** Changes the tests make to a stored snapshot, through the write API a sync uses. */
import { replaceSource } from '../../store/ingest';
import type { ConsultationRecord } from '../../domain/records';
import type { Store } from '../../store/store';
import { selectList } from '../../store/tables';

/**
 * The agency with the largest log sends its next file: a third of its consultations dropped and
 * the rest moved to the telephone. Resolves to the records before and those kept.
 */
export async function resnapshotLargestLog(
  store: Store,
  contentHash = 'changed',
): Promise<{ sourceId: string; records: ConsultationRecord[]; kept: ConsultationRecord[] }> {
  const [source] = await store.query<{ id: string }>(
    `select source_id as id from consultations group by source_id order by count(*) desc, source_id limit 1`,
  );
  const records = await store.query<ConsultationRecord>(
    `select ${selectList('consultation', 'c')} from consultations c where source_id = $1`,
    [source.id],
  );
  const kept = records
    .filter((_, i) => i % 3 !== 0)
    .map((r) => ({ ...r, channel: 'PHONE' as ConsultationRecord['channel'] }));
  await replaceSource(store, {
    sourceId: source.id,
    entity: 'consultation',
    records: kept,
    rejections: [],
    contentHash,
    etag: null,
    lastModified: null,
    at: new Date().toISOString(),
  });
  return { sourceId: source.id, records, kept };
}
