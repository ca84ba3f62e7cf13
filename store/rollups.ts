/**
 * Consultation rollups (集計表): per source, counts of its consultations by several small
 * groupings of dimensions, maintained in the same transaction as the source's records, so that
 * aggregates at a million consultations read thousands of rollup rows instead of every record.
 *
 * Every grouping keeps the agency (organization_id) and some of: month received (JST), channel,
 * municipality, industry, one topic (a consultation with two topics counts once under each) or
 * the whole topic set (so a topic filter still applies exactly). Columns a grouping does not keep
 * hold '' (and '{}' for the topic set). Each row also carries the sum of its records' keys
 * (../domain/disclosure.ts), so a cell's key for the cell-key method is summed like its count.
 * The same rows can be rebuilt from a source's records in SQL (`rollupRebuildSql`), which the
 * write API uses when the rollups rendered beside a snapshot's records no longer count them all.
 * Changing GROUPINGS (../domain/statsPlan.ts) changes what new snapshots write; stores synced before keep their rows until
 * a new migration rebuilds them (migrations are frozen SQL: engine/migrations/011-record-keys.sql
 * rebuilt the groupings of its time).
 */
import type { ConsultationRecord } from '../domain/records';
import { GROUPINGS, type RollupDimension } from '../domain/statsPlan';
import { columnMap, type Column } from './tables';

export interface RollupRow {
  sourceId: string;
  grouping: string;
  organizationId: string;
  month: string;
  channel: string;
  municipalityCode: string;
  industry: string;
  topic: string;
  topics: string[];
  n: number;
  /** Sum of the record keys of the rows counted. */
  keySum: number;
}

export const ROLLUP_TABLE: { table: string; columns: Column[] } = {
  table: 'consultation_rollups',
  columns: columnMap([
    ['sourceId', 'text'],
    ['grouping', 'text'],
    ['organizationId', 'text'],
    ['month', 'text'],
    ['channel', 'text'],
    ['municipalityCode', 'text'],
    ['industry', 'text'],
    ['topic', 'text'],
    ['topics', 'text[]'],
    ['n', 'integer'],
    ['keySum', 'bigint'],
  ]),
};

const JST_OFFSET_MS = 9 * 3600 * 1000;

/** The month a consultation was received, YYYY-MM in Japan time (no daylight saving). */
export function jstMonth(receivedAt: string): string {
  // Records carry Japan-time timestamps as the adapters write them; others are converted.
  if (receivedAt.length === 25 && receivedAt.endsWith('+09:00')) return receivedAt.slice(0, 7);
  const ms = Date.parse(receivedAt);
  if (Number.isNaN(ms)) throw new Error(`receivedAt is not a timestamp: ${receivedAt}`);
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 7);
}

/** Small integer codes for the distinct values of one dimension. */
class Codes {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  code(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }
}

type Dimension = 'ORGANIZATION' | RollupDimension;

/**
 * Counts a source's consultations into every grouping. Values are coded as small integers and a
 * cell is the mixed-radix number of its codes, counted in a dense array while the grouping's
 * cells are few (always, for one agency's source) and in a map otherwise: about 0.25 s for the
 * demo year of 100,000 records, where string keys took three times as long.
 */
export function computeRollups(
  sourceId: string,
  records: ReadonlyArray<ConsultationRecord & { recordKey: number }>,
): RollupRow[] {
  const dict: Record<Dimension, Codes> = {
    ORGANIZATION: new Codes(),
    MONTH: new Codes(),
    CHANNEL: new Codes(),
    MUNICIPALITY: new Codes(),
    INDUSTRY: new Codes(),
    TOPIC: new Codes(),
    TOPICS: new Codes(),
  };
  const n = records.length;
  const code = (d: Dimension, value: (r: ConsultationRecord) => string) =>
    Int32Array.from(records, (r) => dict[d].code(value(r)));
  const coded: Record<Exclude<Dimension, 'TOPIC'>, Int32Array> = {
    ORGANIZATION: code('ORGANIZATION', (r) => r.organizationId),
    MONTH: code('MONTH', (r) => jstMonth(r.receivedAt)),
    CHANNEL: code('CHANNEL', (r) => r.channel),
    MUNICIPALITY: code('MUNICIPALITY', (r) => r.municipalityCode ?? ''),
    INDUSTRY: code('INDUSTRY', (r) => r.industry ?? ''),
    TOPICS: code('TOPICS', (r) => r.topics.join(',')),
  };
  const topicCodes = records.map((r) => r.topics.map((t) => dict.TOPIC.code(t)));
  const rows: RollupRow[] = [];
  for (const g of GROUPINGS) {
    const dims: Dimension[] = [
      'ORGANIZATION',
      ...g.dims.filter((d) => d !== 'TOPIC'),
      ...g.dims.filter((d) => d === 'TOPIC'),
    ];
    const radices = dims.map((d) => Math.max(1, dict[d].values.length));
    const span = radices.reduce((p, r) => p * r, 1);
    if (span > Number.MAX_SAFE_INTEGER) throw new Error(`rollup ${g.name} has too many distinct cells to key`);
    const fixed = dims.filter((d): d is Exclude<Dimension, 'TOPIC'> => d !== 'TOPIC').map((d) => coded[d]);
    const topicRadix = g.dims.includes('TOPIC') ? radices[radices.length - 1] : 0;
    const keys: number[] = [];
    const owners: number[] = [];
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (let j = 0; j < fixed.length; j++) key = key * radices[j] + fixed[j][i];
      if (topicRadix) for (const t of topicCodes[i]) keys.push(key * topicRadix + t), owners.push(i);
      else keys.push(key), owners.push(i);
    }
    const dense = span <= 1 << 22 ? new Int32Array(span) : null;
    const denseSums = dense ? new Float64Array(span) : null;
    const sparse = new Map<number, number>();
    const sparseSums = new Map<number, number>();
    if (dense) {
      for (let k = 0; k < keys.length; k++) {
        dense[keys[k]] += 1;
        denseSums![keys[k]] += records[owners[k]].recordKey;
      }
    } else {
      for (let k = 0; k < keys.length; k++) {
        sparse.set(keys[k], (sparse.get(keys[k]) ?? 0) + 1);
        sparseSums.set(keys[k], (sparseSums.get(keys[k]) ?? 0) + records[owners[k]].recordKey);
      }
    }
    const emit = (key: number, count: number, keySum: number) => {
      const values: Partial<Record<Dimension, string>> = {};
      for (let j = dims.length - 1; j >= 0; j--) {
        values[dims[j]] = dict[dims[j]].values[key % radices[j]];
        key = Math.floor(key / radices[j]);
      }
      rows.push({
        sourceId,
        grouping: g.name,
        organizationId: values.ORGANIZATION!,
        month: values.MONTH ?? '',
        channel: values.CHANNEL ?? '',
        municipalityCode: values.MUNICIPALITY ?? '',
        industry: values.INDUSTRY ?? '',
        topic: values.TOPIC ?? '',
        topics: values.TOPICS ? values.TOPICS.split(',') : [],
        n: count,
        keySum,
      });
    };
    if (dense) dense.forEach((count, key) => count > 0 && emit(key, count, denseSums![key]));
    else for (const [key, count] of sparse) emit(key, count, sparseSums.get(key)!);
  }
  return rows;
}

/** The month a stored consultation was received, YYYY-MM in Japan time (as `jstMonth`). */
export const MONTH_SQL = `to_char(c.received_at at time zone 'Asia/Tokyo', 'YYYY-MM')`;

/**
 * SQL that rebuilds every grouping from the stored consultations: of every source, or of the
 * source given as $1.
 */
export function rollupRebuildSql({ sourceId = false }: { sourceId?: boolean } = {}): string[] {
  return GROUPINGS.map((g) => {
    const has = (d: RollupDimension) => g.dims.includes(d);
    const cols = [
      'c.source_id',
      `'${g.name}'`,
      'c.organization_id',
      has('MONTH') ? MONTH_SQL : `''`,
      has('CHANNEL') ? 'c.channel' : `''`,
      has('MUNICIPALITY') ? `coalesce(c.municipality_code, '')` : `''`,
      has('INDUSTRY') ? `coalesce(c.industry, '')` : `''`,
      has('TOPIC') ? 't.topic' : `''`,
      has('TOPICS') ? 'c.topics' : `'{}'::text[]`,
    ];
    const from = has('TOPIC') ? 'consultations c cross join lateral unnest(c.topics) as t(topic)' : 'consultations c';
    const columns = ROLLUP_TABLE.columns.map((c) => c.column);
    return `insert into consultation_rollups (${columns.join(', ')})
      select ${cols.join(', ')}, count(*)::int, sum(c.record_key) from ${from} ${sourceId ? 'where c.source_id = $1' : ''} group by ${cols.map((_, i) => i + 1).join(', ')}`;
  });
}
