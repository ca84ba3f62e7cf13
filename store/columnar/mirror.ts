/**
 * The columnar mirror of consultations: each store (each replica, for PostgreSQL) keeps its own
 * copy of the columns analysts count by and the growth signals read, in the columnar engine
 * (./engine.ts). The store stays the source of truth: the mirror is rebuilt from it source by
 * source, and before each use it compares every consultation source's version (content hash,
 * change time, rows) with the one it loaded — one tiny query — and reloads the sources that
 * changed, so an answer never predates a snapshot the store has committed. A sync replaces a
 * source's rows and its version in one transaction, so a version read before the rows can only
 * be older than them, never newer: a snapshot landing in between is reloaded at the next check.
 *
 * Summaries and consultants' notes are not mirrored: statistics and signals never read them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queryable } from '../store';
import { ColumnarEngine, type ColumnarEngineOptions } from './engine';

const JST_MICROS = 9 * 3600 * 1_000_000;

/** Columns as the store exports them (a CSV without header, in this order) and how the mirror types them. */
const EXPORTED: Array<[name: string, select: string, type: string]> = [
  ['source_id', 'c.source_id', 'varchar'],
  ['id', 'c.id', 'varchar'],
  ['organization_id', 'c.organization_id', 'varchar'],
  ['received_us', '(extract(epoch from c.received_at) * 1000000)::bigint', 'bigint'],
  ['channel', 'c.channel', 'varchar'],
  // Topic codes are identifiers of the vocabulary: a comma never occurs in one.
  ['topic_list', `array_to_string(c.topics, ',')`, 'varchar'],
  ['corporate_number', 'c.corporate_number', 'varchar'],
  ['company_name', 'c.company_name', 'varchar'],
  ['industry', 'c.industry', 'varchar'],
  ['employees', 'c.employees', 'integer'],
  ['municipality_code', 'c.municipality_code', 'varchar'],
  ['referred_to_id', 'c.referred_to_id', 'varchar'],
  ['record_key', 'c.record_key', 'integer'],
];

const TABLE_SQL = `create table consultations (
  source_id varchar not null, id varchar not null, organization_id varchar not null,
  received_us bigint not null, day date not null, month varchar not null, channel varchar not null,
  topics varchar[] not null, corporate_number varchar, company_name varchar, name_key varchar,
  industry varchar, employees integer, municipality_code varchar, referred_to_id varchar, record_key integer not null)`;

/**
 * The day and month a consultation was received in Japan time (no daylight saving), as the
 * store's to_char(received_at at time zone 'Asia/Tokyo') gives them; a firm's name without
 * spaces, as store/firms.ts's nameKeySql.
 */
const INSERT_SQL = (file: string) => `insert into consultations
  select source_id, id, organization_id, received_us,
         make_timestamp(received_us + ${JST_MICROS})::date as day,
         strftime(make_timestamp(received_us + ${JST_MICROS}), '%Y-%m') as month,
         channel,
         case when topic_list = '' then []::varchar[] else string_split(topic_list, ',') end as topics,
         corporate_number, company_name, replace(company_name, ' ', '') as name_key,
         industry, employees, municipality_code, referred_to_id, record_key
  from read_csv('${file.replace(/'/g, "''")}', header = false, quote = '"', escape = '"', nullstr = '',
                allow_quoted_nulls = false, auto_detect = false,
                columns = {${EXPORTED.map(([n, , t]) => `'${n}': '${t}'`).join(', ')}})`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The store's version of every consultation source: changes with every snapshot that changed its rows. */
export function consultationSourceVersions(db: Queryable): Promise<Array<{ id: string; version: string }>> {
  return db.query(
    `select id, coalesce(content_hash, '') || '|' || coalesce(last_changed_at::text, '') || '|' || accepted_count as version
     from sources where entity = 'consultation'`,
  );
}

/** Folders of mirrors not closed (a CLI's sync): removed when the process exits. */
const folders = new Set<string>();
process.once('exit', () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

export class ConsultationMirror {
  private readonly loaded = new Map<string, string>();
  private checking: Promise<void> | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'madoguchi-columnar-'));
  private closed = false;
  private files = 0;
  /** Sources (re)loaded since the mirror opened, for tests and logs. */
  reloads = 0;

  private constructor(
    private readonly store: Queryable,
    readonly engine: ColumnarEngine,
  ) {}

  static async open(store: Queryable, options?: ColumnarEngineOptions): Promise<ConsultationMirror> {
    if (!store.copyToCsv) throw new Error('the columnar mirror needs a store that exports CSV');
    const engine = await ColumnarEngine.open(options);
    await engine.write(TABLE_SQL);
    const mirror = new ConsultationMirror(store, engine);
    folders.add(mirror.dir);
    return mirror;
  }

  /** Brings the mirror up to the store's committed snapshots; concurrent callers share one check. */
  fresh(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the columnar mirror is closed'));
    this.checking ??= this.update().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async update(): Promise<void> {
    const versions = await consultationSourceVersions(this.store);
    const current = new Map(versions.map((v) => [v.id, v.version]));
    for (const id of [...this.loaded.keys()].filter((id) => !current.has(id))) {
      await this.engine.write('delete from consultations where source_id = $1', [id]);
      this.loaded.delete(id);
    }
    for (const [id, version] of current) {
      if (this.loaded.get(id) === version) continue;
      await this.reload(id);
      this.loaded.set(id, version);
      this.reloads += 1;
    }
  }

  /** Replaces one source's rows with the store's, in one transaction of the mirror. */
  private async reload(sourceId: string): Promise<void> {
    const csv = await this.store.copyToCsv!(
      `select ${EXPORTED.map(([, s]) => s).join(', ')} from consultations c where c.source_id = ${quote(sourceId)}`,
    );
    // The file holds firms' names for the moment DuckDB reads it: private to this process's user.
    const file = this.tempFile('source');
    await writeFile(file, csv, { mode: 0o600 });
    try {
      await this.engine.write('begin transaction');
      try {
        await this.engine.write('delete from consultations where source_id = $1', [sourceId]);
        if (csv.byteLength > 0) await this.engine.write(INSERT_SQL(file));
        await this.engine.write('commit');
      } catch (e) {
        await this.engine.write('rollback').catch(() => {});
        throw e;
      }
    } finally {
      await rm(file, { force: true });
    }
  }

  /** A path for a file of this mirror's own, private to this process's user; the caller removes it. */
  tempFile(name: string): string {
    return join(this.dir, `${name}-${++this.files}.csv`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.close();
    rmSync(this.dir, { recursive: true, force: true });
    folders.delete(this.dir);
  }
}
