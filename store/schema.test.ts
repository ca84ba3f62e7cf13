/**
 * A store built from the frozen migrations — from nothing, on this pass's engine (PGlite, or a
 * database of its own on the PostgreSQL pass) — is the store today's code reads and writes: every
 * table the code's column maps describe has exactly those columns and types, and the rows old
 * migrations derived from earlier data (rollups, record keys) are the ones today's code derives
 * from the same records. A migration that no longer matches the code, or code changed without a
 * migration, fails here.
 */
import { recordKey } from '../domain/disclosure';
import type { ConsultationRecord } from '../domain/records';
import { bareStore } from '../test/support/store';
import { migrate, migrations } from './engine/migrate';
import type { Store } from './engine/store';
import { computeRollups, ROLLUP_TABLE } from './rollups';
import { selectList, TABLES } from './tables';

// Consultations as a store of version 2 held them (before rollups and record keys): two sources,
// a consultation with two topics, one with none, missing municipality and industry, and months
// that differ in Japan time and in UTC.
const EARLY_CONSULTATIONS: Array<Record<string, unknown>> = [
  ['a/1', 'src-a', 'org-a', '2025-06-10T10:00:00+09:00', 'COUNTER', ['FINANCE', 'SALES'], '282014', 'E'],
  ['a/2', 'src-a', 'org-a', '2025-06-30T23:30:00+09:00', 'PHONE', ['FINANCE'], null, null],
  ['a/3', 'src-a', 'org-a', '2025-06-30T15:30:00Z', 'COUNTER', [], '282014', 'E'],
  ['a/4', 'src-a', 'org-b', '2025-07-01T00:10:00+09:00', 'VISIT', ['HR'], '282022', 'P'],
  ['b/1', 'src-b', 'org-b', '2025-05-31T12:00:00Z', 'ONLINE', ['IT', 'HR'], '282022', null],
  ['b/2', 'src-b', 'org-b', '2025-05-02T09:00:00+09:00', 'ONLINE', ['IT'], '282022', 'E'],
].map(([id, sourceId, organizationId, receivedAt, channel, topics, municipalityCode, industry]) => ({
  id,
  localId: id,
  organizationId,
  receivedAt,
  channel,
  topics,
  municipalityCode,
  industry,
  sourceId,
  agencyId: organizationId,
  sourceKind: 'SPREADSHEET',
  sourceLocation: 'log.csv',
  fetchedAt: '2025-07-02T00:00:00Z',
  contentHash: 'h',
}));

describe('a store built from the migrations', () => {
  let bare: { store: Store; done(): Promise<void> };
  let store: Store;
  beforeAll(async () => {
    bare = await bareStore();
    store = bare.store;
    // Up to version 2, some consultations, then the rest: migrations 3 and 11 derive rows from them.
    expect(await migrate(store, 2)).toEqual([1, 2]);
    for (const c of EARLY_CONSULTATIONS) {
      await store.query(
        `insert into consultations (id, local_id, organization_id, received_at, channel, topics, municipality_code, industry,
           source_id, agency_id, source_kind, source_location, fetched_at, content_hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          c.id,
          c.localId,
          c.organizationId,
          c.receivedAt,
          c.channel,
          c.topics,
          c.municipalityCode,
          c.industry,
          c.sourceId,
          c.agencyId,
          c.sourceKind,
          c.sourceLocation,
          c.fetchedAt,
          c.contentHash,
        ],
      );
    }
    expect(await migrate(store)).toEqual(
      migrations()
        .map((m) => m.version)
        .filter((v) => v > 2),
    );
  });
  afterAll(() => bare?.done());

  it('has every table the code maps, with exactly the columns and types the code reads and writes', async () => {
    const columns = await store.query<{ table_name: string; column_name: string; type: string }>(
      `select table_name, column_name, format_type(a.atttypid, a.atttypmod) as type
         from information_schema.columns c
         join pg_attribute a on a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
          and a.attname = c.column_name
        where c.table_schema = 'public'`,
    );
    // The code's type names as the catalog spells them (timestamptz is timestamp with time zone).
    const spelled = new Map(
      (
        await store.query<{ name: string; type: string }>(
          'select name, format_type(to_regtype(name), null) as type from unnest($1::text[]) as name',
          [[...new Set([...Object.values(TABLES), ROLLUP_TABLE].flatMap((t) => t.columns.map((c) => c.type)))]],
        )
      ).map((r) => [r.name, r.type]),
    );
    for (const { table, columns: mapped } of [...Object.values(TABLES), ROLLUP_TABLE]) {
      const stored = columns
        .filter((c) => c.table_name === table)
        .map((c) => `${c.column_name} ${c.type}`)
        .sort();
      expect([table, stored]).toEqual([table, mapped.map((c) => `${c.column} ${spelled.get(c.type)}`).sort()]);
    }
  });

  it('keyed every earlier consultation as today’s code keys it, from the install’s secret', async () => {
    const [{ secret }] = await store.query<{ secret: string }>('select secret from disclosure_keys');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const keys = await store.query<{ id: string; record_key: number }>(
      'select id, record_key from consultations order by id',
    );
    expect(keys).toEqual(
      EARLY_CONSULTATIONS.map((c) => ({ id: c.id as string, record_key: recordKey(secret, c.id as string) })).sort(
        (a, b) => a.id.localeCompare(b.id),
      ),
    );
  });

  it('rolled the earlier consultations up into the rows today’s code computes from the same records', async () => {
    const records = await store.query<ConsultationRecord & { recordKey: number }>(
      `select ${selectList('consultation', 'c')} from consultations c order by c.id`,
    );
    const expected = ['src-a', 'src-b'].flatMap((source) =>
      computeRollups(
        source,
        records.filter((r) => r.sourceId === source),
      ),
    );
    const stored = await store.query<Record<string, unknown>>(
      `select ${ROLLUP_TABLE.columns.map((c) => `${c.column}${c.type === 'bigint' ? '::float8' : ''} as "${c.key}"`).join(', ')}
         from ${ROLLUP_TABLE.table}`,
    );
    const order = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
    expect(stored.length).toBeGreaterThan(EARLY_CONSULTATIONS.length);
    expect(order(stored)).toEqual(order(expected as unknown as Array<Record<string, unknown>>));
  });
});
