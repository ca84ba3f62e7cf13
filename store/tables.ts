/**
 * Column maps between stored records and their tables, used to build bulk inserts and the
 * select lists that read rows back as records (dates as text, bigints as numbers).
 */
import type { EntityKind } from '../domain/records';
import type { Queryable } from './engine/store';

export interface Column {
  key: string;
  column: string;
  type: 'text' | 'text[]' | 'integer' | 'bigint' | 'double precision' | 'date' | 'timestamptz';
}

const provenance: Column[] = [
  { key: 'sourceId', column: 'source_id', type: 'text' },
  { key: 'agencyId', column: 'agency_id', type: 'text' },
  { key: 'sourceKind', column: 'source_kind', type: 'text' },
  { key: 'sourceLocation', column: 'source_location', type: 'text' },
  { key: 'fetchedAt', column: 'fetched_at', type: 'timestamptz' },
  { key: 'contentHash', column: 'content_hash', type: 'text' },
  { key: 'sourceRow', column: 'source_row', type: 'integer' },
];

/** Columns named after their record keys in snake case (organizationId → organization_id). */
export function columnMap(spec: Array<[string, Column['type']]>): Column[] {
  return spec.map(([key, type]) => ({ key, column: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), type }));
}

function cols(spec: Array<[string, Column['type']]>): Column[] {
  return [...columnMap(spec), ...provenance];
}

export const TABLES: Record<EntityKind, { table: string; columns: Column[] }> = {
  organization: {
    table: 'organizations',
    columns: cols([
      ['id', 'text'],
      ['name', 'text'],
      ['nameKana', 'text'],
      ['kind', 'text'],
      ['legalForm', 'text'],
      ['corporateNumber', 'text'],
      ['postalCode', 'text'],
      ['address', 'text'],
      ['municipalityCode', 'text'],
      ['lat', 'double precision'],
      ['lng', 'double precision'],
      ['phone', 'text'],
      ['url', 'text'],
      ['supportFields', 'text[]'],
      ['networks', 'text[]'],
    ]),
  },
  program: {
    table: 'programs',
    columns: cols([
      ['id', 'text'],
      ['localId', 'text'],
      ['providerId', 'text'],
      ['providerName', 'text'],
      ['title', 'text'],
      ['titleKana', 'text'],
      ['summary', 'text'],
      ['body', 'text'],
      ['kind', 'text'],
      ['supportFields', 'text[]'],
      ['purposes', 'text[]'],
      ['areaCodes', 'text[]'],
      ['areaText', 'text'],
      ['industries', 'text[]'],
      ['employeeCeiling', 'integer'],
      ['eligibilityText', 'text'],
      ['maxAmount', 'bigint'],
      ['maxAmountText', 'text'],
      ['subsidyRate', 'text'],
      ['subsidyRatio', 'double precision'],
      ['opensOn', 'date'],
      ['closesOn', 'date'],
      ['url', 'text'],
      ['contact', 'text'],
      ['updatedOn', 'date'],
      ['publishedStatus', 'text'],
    ]),
  },
  consultation: {
    table: 'consultations',
    columns: cols([
      ['id', 'text'],
      ['localId', 'text'],
      ['organizationId', 'text'],
      ['receivedAt', 'timestamptz'],
      ['channel', 'text'],
      ['topics', 'text[]'],
      ['corporateNumber', 'text'],
      ['companyName', 'text'],
      ['industry', 'text'],
      ['employees', 'integer'],
      ['municipalityCode', 'text'],
      ['phone', 'text'],
      ['address', 'text'],
      ['summary', 'text'],
      ['consultant', 'text'],
      ['outcome', 'text'],
      ['referredToId', 'text'],
      // The record's key for the cell-key method of statistics (../domain/disclosure.ts).
      ['recordKey', 'integer'],
    ]),
  },
  committee: {
    table: 'committee_minutes',
    columns: cols([
      ['id', 'text'],
      ['localId', 'text'],
      ['meetingOn', 'date'],
      ['corporateNumber', 'text'],
      ['firmId', 'text'],
      ['companyName', 'text'],
      ['municipalityCode', 'text'],
      ['industry', 'text'],
      ['nominatedBy', 'text'],
      ['rationale', 'text'],
      ['outcome', 'text'],
      ['reason', 'text'],
      ['decidedBy', 'text'],
      ['leadAgency', 'text'],
      ['participatingAgencies', 'text[]'],
      ['goals', 'text[]'],
    ]),
  },
};

/** A select list reading a table's rows back as records: camelCase keys, ISO strings, numbers. */
export function selectList(entity: EntityKind, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  return TABLES[entity].columns
    .map((c) => {
      const ref = `${p}${c.column}`;
      switch (c.type) {
        case 'date':
          return `${ref}::text as "${c.key}"`;
        case 'timestamptz':
          return `to_char(${ref} at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as "${c.key}"`;
        case 'bigint':
          return `${ref}::float8 as "${c.key}"`;
        default:
          return `${ref} as "${c.key}"`;
      }
    })
    .join(', ');
}

// Multi-valued cells travel as one text joined by the unit separator: unnest() of a text[][]
// would flatten them, so each array is rebuilt with string_to_array on the way in.
const UNIT = '\u001f';

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(v: string): string {
  return v === '' || NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function arrayLiteral(items: string[]): string {
  return `{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Renders records as COPY csv: unquoted empty is NULL, quoted empty is an empty string. */
export function toCopyCsv(columns: Column[], records: ReadonlyArray<Record<string, unknown>>): string {
  return copyCsvLines(columns, records).join('\n');
}

/** One COPY csv line per record (a line may hold quoted newlines, so records are not split on them). */
export function copyCsvLines(columns: Column[], records: ReadonlyArray<Record<string, unknown>>): string[] {
  const lines: string[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    let line = '';
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const v = r[c.key];
      if (j > 0) line += ',';
      if (v === undefined || v === null) line += c.type === 'text[]' ? '{}' : '';
      else if (c.type === 'text[]') line += csvField(arrayLiteral(v as string[]));
      else line += typeof v === 'string' ? csvField(v) : String(v);
    }
    lines[i] = line;
  }
  return lines;
}

/**
 * Inserts records with one statement per chunk: every column is passed as one array parameter
 * and expanded with unnest, which PostgreSQL and PGlite both plan well.
 */
export function bulkInsert(
  q: Queryable,
  entity: EntityKind,
  records: ReadonlyArray<Record<string, unknown>>,
  chunkSize = 5000,
): Promise<void> {
  return bulkInsertInto(q, TABLES[entity], records, chunkSize);
}

/** The same for any table described by a column map. */
export async function bulkInsertInto(
  q: Queryable,
  { table, columns }: { table: string; columns: Column[] },
  records: ReadonlyArray<Record<string, unknown>>,
  chunkSize = 5000,
): Promise<void> {
  if (records.length === 0) return;
  if (q.copyFromCsv) {
    // COPY is several times faster than INSERT … SELECT FROM unnest for large snapshots.
    for (let start = 0; start < records.length; start += chunkSize * 4) {
      await q.copyFromCsv(
        table,
        columns.map((c) => c.column),
        toCopyCsv(columns, records.slice(start, start + chunkSize * 4)),
      );
    }
    return;
  }
  const names = columns.map((c) => c.column).join(', ');
  const unnestArgs = columns.map((c, i) => `$${i + 1}::${c.type === 'text[]' ? 'text' : c.type}[]`).join(', ');
  const selectCols = columns
    .map((c) => (c.type === 'text[]' ? `coalesce(string_to_array(x.${c.column}, chr(31)), '{}')` : `x.${c.column}`))
    .join(', ');
  const sql = `insert into ${table} (${names}) select ${selectCols} from unnest(${unnestArgs}) as x(${names})`;
  for (let start = 0; start < records.length; start += chunkSize) {
    const chunk = records.slice(start, start + chunkSize);
    const params = columns.map((c) =>
      chunk.map((r) => {
        const v = r[c.key];
        if (v === undefined || v === null) return c.type === 'text[]' ? '' : null;
        if (c.type === 'text[]') return (v as string[]).join(UNIT);
        return v;
      }),
    );
    await q.query(sql, params);
  }
}
