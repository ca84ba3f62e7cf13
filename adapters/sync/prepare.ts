/**
 * From a source's raw records to what a sync stores: mapping, agency-scoped ids, provenance, and
 * the rule that a read yielding nothing never replaces the last good data. Kept apart from the
 * sync engine so the parse worker loads only this and the spreadsheet reader, not the web and
 * API adapters.
 */
import type { AgencyConfig, SourceConfig } from '../core/config';
import { mapRecord } from '../core/fields';
import { AdapterError, type ReadOutcome } from '../core/adapter';
import { agencyScope, type EntityRecord, type Provenance, type RowRejection } from '../../domain/records';

/** Maps raw records to stored ones; each record id is agency-scoped except organizations'. */
export function toRecords(
  agency: AgencyConfig,
  source: SourceConfig,
  raw: Array<{ row: number; cells: Record<string, string | undefined> }>,
  provenance: Omit<Provenance, 'sourceRow'>,
): { records: EntityRecord[]; rejections: RowRejection[] } {
  const records: EntityRecord[] = [];
  const rejections: RowRejection[] = [];
  const scope = agencyScope(agency.id);
  for (const r of raw) {
    const mapped = mapRecord(source.entity, source.mapping, r.cells, r.row, agency.id);
    if (!mapped.ok) {
      rejections.push(...mapped.rejections);
      continue;
    }
    // The mapped object is fresh: completing it in place spares a copy per row.
    const f: Record<string, unknown> = mapped.fields;
    f.id = source.entity === 'organization' ? (f.id as string) : scope + (f.localId as string);
    f.sourceId = provenance.sourceId;
    f.agencyId = provenance.agencyId;
    f.sourceKind = provenance.sourceKind;
    f.sourceLocation = provenance.sourceLocation;
    f.fetchedAt = provenance.fetchedAt;
    f.contentHash = provenance.contentHash;
    f.sourceRow = r.row;
    records.push(f as unknown as EntityRecord);
  }
  return { records, rejections };
}

/**
 * What a successful read would store: the mapped records and every refused row (the adapter's
 * and the mapping's). A read whose rows were all refused, or that yielded none, fails instead,
 * so a broken file never replaces the last good data with nothing.
 */
export function prepareSnapshot(
  agency: AgencyConfig,
  source: SourceConfig,
  outcome: Extract<ReadOutcome, { status: 'ok' }>,
  provenance: Omit<Provenance, 'sourceRow' | 'contentHash'>,
): { records: EntityRecord[]; rejections: RowRejection[] } {
  const { records, rejections } = toRecords(agency, source, outcome.records, { ...provenance, contentHash: outcome.contentHash });
  const read = outcome.records.length + outcome.rejections.length;
  if (records.length === 0 && read > 0) throw new AdapterError(`every one of ${read} records was rejected; keeping the last good data`, 'MAPPING');
  if (records.length === 0) throw new AdapterError('the source yielded no records; keeping the last good data', 'MALFORMED');
  return { records, rejections: [...outcome.rejections, ...rejections] };
}
