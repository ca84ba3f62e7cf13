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
import type { StatsDimension } from '../stats';
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

/**
 * The dimensions analysts group by, each also kept as a small integer code: DuckDB groups a
 * million rows by integers several times faster than by strings (measured at 1,000,000: about
 * 5 ms against 25 ms by agency, 25 against 70 ms by month × municipality × industry), and the
 * few thousand groups are given their text back afterwards. A code is assigned the first time
 * a value is met and never changes for the mirror's life (`dict_*` tables, value ↔ code), so a
 * reload never recodes rows already loaded. A missing municipality or industry is coded as ''
 * (what the counts call it).
 */
export const CODED: ReadonlyArray<{
  /** The analysts' dimension it codes (consultationStats' groupBy). */
  dimension: StatsDimension;
  dictionary: string;
  column: string;
  /** The value coded, as SQL over a row of `incoming` (with its `topic` where topicsOnly) named `r`. */
  value: (r: string) => string;
  /** Only in consultation_topics. */
  topicsOnly?: boolean;
}> = [
  {
    dimension: 'ORGANIZATION',
    dictionary: 'dict_organization',
    column: 'organization_c',
    value: (r) => `${r}.organization_id`,
  },
  { dimension: 'MONTH', dictionary: 'dict_month', column: 'month_c', value: (r) => `${r}.month` },
  {
    dimension: 'MUNICIPALITY',
    dictionary: 'dict_municipality',
    column: 'municipality_c',
    value: (r) => `coalesce(${r}.municipality_code, '')`,
  },
  {
    dimension: 'INDUSTRY',
    dictionary: 'dict_industry',
    column: 'industry_c',
    value: (r) => `coalesce(${r}.industry, '')`,
  },
  { dimension: 'CHANNEL', dictionary: 'dict_channel', column: 'channel_c', value: (r) => `${r}.channel` },
  { dimension: 'TOPIC', dictionary: 'dict_topic', column: 'topic_c', value: (r) => `${r}.topic`, topicsOnly: true },
];
const CODE_TYPE = 'uinteger';
const codeColumns = (topics: boolean) =>
  CODED.filter((c) => topics || !c.topicsOnly)
    .map((c) => `${c.column} ${CODE_TYPE} not null`)
    .join(', ');

/**
 * Topics are kept as a bit mask (a bit per topic code, assigned as codes are first met) rather
 * than a list: a topic filter is one AND per row, where testing lists cost DuckDB seconds at a
 * million rows. A breakdown by topic reads `consultation_topics`, one row per consultation and
 * topic, carrying the same columns, so that it is a plain group-by too.
 */
const TABLES_SQL = [
  `create table consultations (
     source_id varchar not null, id varchar not null, organization_id varchar not null,
     received_us bigint not null, day date not null, month varchar not null, channel varchar not null,
     topic_mask bigint not null, corporate_number varchar, company_name varchar, name_key varchar,
     industry varchar, employees integer, municipality_code varchar, referred_to_id varchar, record_key integer not null,
     ${codeColumns(false)})`,
  `create table consultation_topics (
     source_id varchar not null, topic varchar not null, organization_id varchar not null, day date not null,
     month varchar not null, channel varchar not null, municipality_code varchar, industry varchar,
     topic_mask bigint not null, record_key integer not null, ${codeColumns(true)})`,
  ...CODED.map((c) => `create table ${c.dictionary} (value varchar primary key, code ${CODE_TYPE} not null)`),
];

/** A source's rows as the store exported them, typed, before they replace the source's rows. */
const STAGE_SQL = (file: string) => `create or replace temp table incoming as
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

/**
 * The day and month a consultation was received in Japan time (no daylight saving), as the
 * store's to_char(received_at at time zone 'Asia/Tokyo') gives them; a firm's name without
 * spaces, as store/firms.ts's nameKeySql; the topics' mask; each dimension's code (every value
 * of `incoming` is in the dictionaries by then: DICTIONARY_SQL).
 */
const INSERT_SQL = (mask: string) => {
  const coded = (topics: boolean) => CODED.filter((c) => topics || !c.topicsOnly);
  const joins = (topics: boolean) =>
    coded(topics)
      .map((c) => `join ${c.dictionary} on ${c.dictionary}.value = ${c.value('i')}`)
      .join(' ');
  const codes = (topics: boolean) =>
    coded(topics)
      .map((c) => `${c.dictionary}.code`)
      .join(', ');
  return [
    `insert into consultations
     select i.source_id, i.id, i.organization_id, i.received_us, i.day, i.month, i.channel, ${mask} as topic_mask,
            i.corporate_number, i.company_name, i.name_key, i.industry, i.employees, i.municipality_code, i.referred_to_id,
            i.record_key, ${codes(false)}
     from incoming i ${joins(false)}`,
    `insert into consultation_topics
     select i.source_id, i.topic, i.organization_id, i.day, i.month, i.channel, i.municipality_code, i.industry,
            i.topic_mask, i.record_key, ${codes(true)}
     from (select *, unnest(topics) as topic, ${mask} as topic_mask from incoming) i ${joins(true)}`,
  ];
};

/** Codes for the values of `incoming` not yet in the dictionaries, numbered on from the last. */
const DICTIONARY_SQL = CODED.map(
  (c) => `insert into ${c.dictionary}
   select value, (select count(*) from ${c.dictionary}) + row_number() over (order by value) - 1
   from (select distinct ${c.value('r')} as value from ${c.topicsOnly ? '(select unnest(topics) as topic from incoming)' : 'incoming'} r) v
   where not exists (select 1 from ${c.dictionary} d where d.value = v.value)`,
);

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
  /** The bit of each topic code met so far (stable for the mirror's life: stored masks use it). */
  private readonly topicBits = new Map<string, number>();
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
    for (const sql of TABLES_SQL) await engine.write(sql);
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
      await this.engine.write('begin transaction');
      try {
        await this.engine.write('delete from consultations where source_id = $1', [id]);
        await this.engine.write('delete from consultation_topics where source_id = $1', [id]);
        await this.engine.write('commit');
      } catch (e) {
        await this.engine.write('rollback').catch(() => {});
        throw e;
      }
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
      const empty = csv.byteLength === 0;
      if (!empty) {
        await this.engine.write(STAGE_SQL(file));
        const met = await this.engine.rows<{ topic: string }>(
          'select distinct unnest(topics) as topic from incoming order by 1',
          [],
          'writer',
        );
        for (const { topic } of met) if (!this.topicBits.has(topic)) this.topicBits.set(topic, this.topicBits.size);
        // Masks travel as JavaScript numbers too: exact up to 2^53.
        if (this.topicBits.size > 52) throw new Error('the columnar mirror keeps at most 52 topics in its masks');
      }
      await this.engine.write('begin transaction');
      try {
        await this.engine.write('delete from consultations where source_id = $1', [sourceId]);
        await this.engine.write('delete from consultation_topics where source_id = $1', [sourceId]);
        if (!empty)
          for (const sql of [...DICTIONARY_SQL, ...INSERT_SQL(this.maskOf('topics'))]) await this.engine.write(sql);
        await this.engine.write('commit');
      } catch (e) {
        await this.engine.write('rollback').catch(() => {});
        throw e;
      }
    } finally {
      await this.engine.write('drop table if exists incoming').catch(() => {});
      await rm(file, { force: true });
    }
  }

  /** The mask of the topics a list column holds, as SQL (its bits as `topicBits` assigns them). */
  private maskOf(list: string): string {
    if (this.topicBits.size === 0) return '0::bigint';
    const cases = [...this.topicBits].map(([t, bit]) => `when ${quote(t)} then ${2 ** bit}::bigint`).join(' ');
    return `coalesce(list_sum(list_transform(${list}, t -> case t ${cases} else 0::bigint end)), 0)::bigint`;
  }

  /** The topic codes met so far, by bit: code i has bit i. */
  topicCodes(): string[] {
    return [...this.topicBits.keys()];
  }

  /**
   * The mask of these topics (codes the mirror never met have no bit: no consultation has them),
   * as a number for a bound parameter; 0 when none is known.
   */
  topicMask(topics: readonly string[]): number {
    let mask = 0;
    for (const t of topics) {
      const bit = this.topicBits.get(t);
      if (bit !== undefined) mask += 2 ** bit;
    }
    return mask;
  }

  /** A path for a file of this mirror's own, private to this process's user; the caller removes it. */
  tempFile(name: string): string {
    return join(this.dir, `${name}-${++this.files}.csv`);
  }

  /** Closes the mirror once the work under way (a reload, a count) has finished. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checking?.catch(() => {});
    await this.engine.close();
    rmSync(this.dir, { recursive: true, force: true });
    folders.delete(this.dir);
  }
}
