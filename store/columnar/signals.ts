/**
 * The growth signals' full refresh computed on the columnar mirror: the same two groupings as
 * the store's SQL (../signals.ts) — by agency and the agency's identity of the firm, then by firm
 * — and the same score from the same bands, run by DuckDB on its own threads over the mirrored
 * consultations and the few rows of firm links and referrals copied in for the run. Only the
 * answer goes back to the store: every firm's signals and the agencies that count it as a client,
 * written as CSV through COPY in one transaction (readers see the previous refresh or this one),
 * so the store is held for the write alone, not for the grouping of every consultation. The
 * mirror keeps what it wrote; the next refresh writes only the rows that differ from it, while
 * the store's growth_state.generation says nobody else wrote the tables since (docs/growth.md).
 *
 * The rows written are the store's SQL's, value for value (a test holds the two to one table):
 * firms are grouped by their identity itself rather than its 64-bit hash, which the SQL uses to
 * save time, and text maxima compare by code point, as the store's C collation does.
 */
import { writeFile, readFile, rm } from 'node:fs/promises';
import type { Queryable, Store } from '../store';
import { growthWeights, type GrowthWeights } from '../../domain/growth/weights';
import {
  firmSignalsSql,
  recordRefresh,
  scoreSql,
  SIGNAL_INDEXES,
  type RefreshResult,
  type ScoreDialect,
} from '../signals';
import { raw, sql } from '../sql';
import type { ColumnarSession } from './engine';
import type { ConsultationMirror } from './mirror';

const DAY_US = 86_400_000_000;

/** The score's SQL in DuckDB's words: times are microseconds since the epoch. */
const DUCKDB_DIALECT: ScoreDialect = {
  popcount: (mask) => sql`bit_count((${mask})::integer)`,
  daysSince: (lastAt, asOf) => sql`greatest(0, floor((${asOf} - ${lastAt}) / ${raw(String(DAY_US))}))::integer`,
  lastAt: raw('x.last_us'),
};

const SIGNAL_COLUMNS = [
  'firm_id',
  'kind',
  'corporate_number',
  'organization_id',
  'name_key',
  'name',
  'municipality_code',
  'industry',
  'employees',
  'consultations',
  'agencies',
  'growth_mask',
  'growth_consultations',
  'frequency',
  'last_at',
  'referrals',
  'score',
];

/** Copies the store's answer to `select` into a temporary table of the session. */
async function copyIn(
  store: Store,
  mirror: ConsultationMirror,
  session: ColumnarSession,
  table: string,
  columns: Array<[string, string]>,
  select: string,
): Promise<void> {
  const file = mirror.tempFile(table);
  await writeFile(file, await store.copyToCsv!(select), { mode: 0o600 });
  try {
    await session.write(
      `create temp table ${table} as select * from read_csv('${file}', header = false, quote = '"', escape = '"',
         nullstr = '', allow_quoted_nulls = false, auto_detect = false,
         columns = {${columns.map(([n, t]) => `'${n}': '${t}'`).join(', ')}})`,
    );
  } finally {
    await rm(file, { force: true });
  }
}

/** Writes a query's rows as CSV (DuckDB's writer) and returns the text. */
async function copyOut(mirror: ConsultationMirror, session: ColumnarSession, name: string, select: string) {
  const file = mirror.tempFile(name);
  try {
    await session.write(`copy (${select}) to '${file}' (format csv, header false, quote '"', escape '"')`);
    return await readFile(file, 'utf8');
  } finally {
    await rm(file, { force: true });
  }
}

/** A bit per growth topic of consultation `c`, in the weights' order (the mirror keeps topics as a mask). */
const growthMaskSql = (w: GrowthWeights, mirror: ConsultationMirror) =>
  w.growthTopics
    .map((t, i) => `(case when (c.topic_mask & ${mirror.topicMask([t])}) != 0 then ${1 << i} else 0 end)`)
    .join(' | ');

/**
 * Where the whole tables are rewritten rather than the rows that changed: when more than this
 * share of the rows the store holds would be written. Deleting and inserting a row with the
 * indexes in place held the store about 35 µs a row at 100,000 and 1,000,000 consultations,
 * against 3.2 s for rewriting all 644,000 rows at 1,000,000 (`npm run bench:growth`,
 * docs/growth.md): the two cross at 14–17 % of the rows.
 */
export const CHANGED_SHARE_LIMIT = 0.15;

/** The rows a mirror last wrote to its store (tables growth_held_* of its engine), and when. */
interface Held {
  /** growth_state.generation right after the write committed. */
  generation: string;
  weightsVersion: string;
}
const held = new WeakMap<ConsultationMirror, Held>();
/** One refresh at a time per mirror: the held rows are the last refresh's. */
const queue = new WeakMap<ConsultationMirror, Promise<unknown>>();

export interface MirrorRefreshOptions {
  now?: Date;
  weights?: GrowthWeights;
  write?: 'full' | 'changes';
}

export interface MirrorRefreshResult extends RefreshResult {
  /** What was written: only the rows that differ from what the store held, or every row. */
  write: 'changes' | 'full';
  /** Why every row was rewritten (null when only the changes were written). */
  fullBecause: string | null;
  /** Rows deleted or inserted in firm_signals and firm_clients (a changed row counts twice). */
  rowsWritten: number;
  /** Rows the two tables hold after the refresh. */
  rowsHeld: number;
  /** Rows that differ from those held, as writing only the changes would write them (null: not compared). */
  rowsChanged: number | null;
}

/**
 * Recomputes every firm's signals and score from the mirror and writes what changed since the
 * last refresh from this mirror (or every row, see CHANGED_SHARE_LIMIT and the generation check
 * in `write`); the store keeps the previous rows until this refresh commits. Either way the
 * tables end as a full rewrite leaves them. (A refresh of some firms only, after a match, stays
 * in SQL.) `write` forces a way: 'full' rewrites every row whatever changed; 'changes' writes
 * only the changes however many (where the rows held are the store's), as the bench measures.
 */
export function refreshFromMirror(
  store: Store,
  mirror: ConsultationMirror,
  options: MirrorRefreshOptions = {},
): Promise<MirrorRefreshResult> {
  const run = (queue.get(mirror) ?? Promise.resolve()).catch(() => {}).then(() => refreshOnce(store, mirror, options));
  queue.set(mirror, run);
  return run;
}

async function refreshOnce(
  store: Store,
  mirror: ConsultationMirror,
  options: MirrorRefreshOptions,
): Promise<MirrorRefreshResult> {
  const started = performance.now();
  const w = options.weights ?? growthWeights();
  const now = options.now ?? new Date();
  await mirror.fresh();
  return mirror.engine.session(async (s) => {
    const { asOf, firms } = await computeSignals(store, mirror, s, w, now);
    // Whether the rows held are what the store holds, as far as can be told without its lock.
    const before = held.get(mirror);
    held.delete(mirror); // until this refresh has committed
    let fullBecause: string | null = options.write === 'full' ? 'asked' : null;
    if (!fullBecause && !before) fullBecause = 'no rows held from an earlier refresh';
    if (!fullBecause && before!.weightsVersion !== w.version) fullBecause = 'other weights';
    if (!fullBecause && (await storeGeneration(store)) !== before!.generation)
      fullBecause = 'the store was written since';
    let changes: Changes | null = null;
    if (!fullBecause) {
      changes = await diff(s);
      if (options.write !== 'changes' && changes.rows > CHANGED_SHARE_LIMIT * changes.held)
        fullBecause = 'too many rows changed';
    }
    // The CSV to write, made before the store's transaction so as not to hold it meanwhile.
    let csv = changes && !fullBecause ? await changesCsv(mirror, s) : await allCsv(mirror, s);
    const writing = performance.now();
    const outcome = await store.transaction(async (tx) => {
      // Processes sharing a PostgreSQL store refresh one after another, as the SQL refresh does.
      await tx.query(`select pg_advisory_xact_lock(hashtext('madoguchi:growth-refresh'))`);
      let because = fullBecause;
      // Another writer may have come in between (another process, the refresh of a match's firms).
      if (!because && (await storeGeneration(tx)) !== before!.generation) {
        because = 'the store was written since';
        csv = await allCsv(mirror, s);
      }
      if (because) await writeAll(tx, csv as AllCsv);
      else await writeChanges(tx, csv as ChangesCsv);
      await recordRefresh(tx, w, asOf, now, firms);
      return { because, generation: await storeGeneration(tx) };
    });
    const storeMs = performance.now() - writing;
    await s.write('create or replace table growth_held_signals as select * from fresh_signals');
    await s.write('create or replace table growth_held_clients as select * from fresh_clients');
    if (outcome.generation !== null) held.set(mirror, { generation: outcome.generation, weightsVersion: w.version });
    const [{ n }] = await s.rows<{ n: number }>(
      'select (select count(*) from fresh_signals) + (select count(*) from fresh_clients) as n',
    );
    return {
      firms,
      asOf,
      ms: performance.now() - started,
      storeMs,
      write: outcome.because ? 'full' : 'changes',
      fullBecause: outcome.because,
      // A full rewrite copies every row in (after TRUNCATE); otherwise the rows deleted and inserted.
      rowsWritten: outcome.because ? n : changes!.rows,
      rowsHeld: n,
      rowsChanged: changes?.rows ?? null,
    };
  });
}

async function storeGeneration(db: Queryable): Promise<string | null> {
  const [state] = await db.query<{ generation: string }>('select generation::text as generation from growth_state');
  return state?.generation ?? null;
}

/**
 * Every firm's signals (table fresh_signals, columns as SIGNAL_COLUMNS, the time as the text
 * written) and client agencies (fresh_clients), computed in session `s`.
 */
async function computeSignals(
  store: Store,
  mirror: ConsultationMirror,
  s: ColumnarSession,
  w: GrowthWeights,
  now: Date,
): Promise<{ asOf: string; firms: number }> {
  await copyIn(
    store,
    mirror,
    s,
    'links',
    [
      ['organization_id', 'varchar'],
      ['name_key', 'varchar'],
      ['municipality_code', 'varchar'],
      ['firm_id', 'varchar'],
    ],
    'select organization_id, name_key, municipality_code, firm_id from firm_links',
  );
  await copyIn(
    store,
    mirror,
    s,
    'handoffs',
    [
      ['consultation_id', 'varchar'],
      ['to_organization_id', 'varchar'],
    ],
    'select consultation_id, to_organization_id from referrals',
  );
  // The reference day: the newest consultation, or now when that is later than now.
  const [{ newest }] = await s.rows<{ newest: number | null }>('select max(received_us) as newest from consultations');
  const nowUs = now.getTime() * 1000;
  const refUs = newest === null ? nowUs : Math.min(nowUs, newest);
  const windowStart = refUs - w.windowDays * DAY_US;
  const recentStart = refUs - w.recentDays * DAY_US;
  const inWindow = `c.received_us >= ${windowStart}`;
  const growth = `(c.topic_mask & ${mirror.topicMask(w.growthTopics)}) != 0`;
  await s.write(
    `create temp table identity_agency as
     select c.organization_id, c.corporate_number is not null as corporate,
            case when c.corporate_number is not null then c.corporate_number else c.name_key || '|' || coalesce(c.municipality_code, '') end as identity,
            max(c.corporate_number) as corporate_number,
            max(c.name_key) filter (where c.corporate_number is null) as name_key,
            max(coalesce(c.municipality_code, '')) filter (where c.corporate_number is null) as muni,
            (count(*) filter (where ${inWindow}))::integer as n,
            (count(*) filter (where c.received_us >= ${recentStart}))::integer as recent,
            max(c.received_us) filter (where ${inWindow}) as last_us,
            coalesce(bit_or(${growthMaskSql(w, mirror)}) filter (where ${inWindow} and ${growth}), 0) as mask,
            (count(*) filter (where ${inWindow} and ${growth}))::integer as gn,
            (count(*) filter (where ${inWindow} and (c.referred_to_id is not null or c.id in (select consultation_id from handoffs))))::integer as refs,
            max(c.employees) filter (where ${inWindow}) as employees,
            max(c.industry) as industry, max(c.company_name) as name, max(c.municipality_code) as municipality_code,
            list(c.referred_to_id) filter (where c.referred_to_id is not null) as referred_to
     from consultations c
     where c.corporate_number is not null or c.company_name is not null
     group by 1, 2, 3`,
  );
  await s.write(
    `create temp table firm_agency as
     select coalesce(g.corporate_number, l.firm_id, 'L-' || g.organization_id || '-' || left(md5(g.name_key || '|' || g.muni), 12)) as firm_id,
            case when g.corporate then 'CORPORATE' when l.firm_id is not null then 'NETWORK' else 'LOCAL' end as kind,
            g.*
     from identity_agency g
     left join links l on not g.corporate and l.organization_id = g.organization_id and l.name_key = g.name_key and l.municipality_code = g.muni`,
  );
  const lastAt = `strftime(make_timestamp(x.last_us), '%Y-%m-%dT%H:%M:%S.%fZ')`;
  await s.write(
    `create temp table fresh_signals as
     select x.firm_id, x.kind, x.corporate_number, x.organization_id, x.name_key, x.name, x.municipality_code, x.industry,
            x.employees, x.consultations, x.agencies, x.growth_mask, x.growth_consultations, x.frequency, ${lastAt} as last_at, x.referrals,
            ${scoreSql(w, raw(String(refUs)), DUCKDB_DIALECT).text} as score
     from (${firmSignalsSql('firm_agency', 'last_us')}) x`,
  );
  // Which agencies count a firm as their client: those it consulted, and those its
  // consultations were handed to, in the agencies' logs or through Madoguchi.
  await s.write(
    `create temp table fresh_clients as
     select firm_id, organization_id from firm_agency
     union select firm_id, unnest(referred_to) from firm_agency where referred_to is not null
     union select coalesce(c.corporate_number, l.firm_id, 'L-' || c.organization_id || '-' || left(md5(c.name_key || '|' || coalesce(c.municipality_code, '')), 12)), h.to_organization_id
           from handoffs h join consultations c on c.id = h.consultation_id
           left join links l on c.corporate_number is null and l.organization_id = c.organization_id and l.name_key = c.name_key and l.municipality_code = coalesce(c.municipality_code, '')
           where c.corporate_number is not null or c.company_name is not null`,
  );
  const [{ firms }] = await s.rows<{ firms: number }>('select count(*) as firms from fresh_signals');
  return { asOf: new Date(refUs / 1000).toISOString(), firms };
}

/** How the fresh rows differ from those held: tables changed_signals, gone_signals, added_clients, dropped_clients. */
interface Changes {
  /** Rows to delete or insert. */
  rows: number;
  /** Rows the store holds now (as held). */
  held: number;
}

async function diff(s: ColumnarSession): Promise<Changes> {
  // Set differences compare NULLs as equal: a row is unchanged when every column is.
  await s.write(
    'create temp table changed_signals as select * from fresh_signals except select * from growth_held_signals',
  );
  await s.write(
    'create temp table gone_signals as select firm_id from growth_held_signals except select firm_id from fresh_signals',
  );
  await s.write(
    'create temp table added_clients as select * from fresh_clients except select * from growth_held_clients',
  );
  await s.write(
    'create temp table dropped_clients as select * from growth_held_clients except select * from fresh_clients',
  );
  const [counts] = await s.rows<{ changed: number; gone: number; added: number; dropped: number; held: number }>(
    `select (select count(*) from changed_signals) as changed, (select count(*) from gone_signals) as gone,
            (select count(*) from added_clients) as added, (select count(*) from dropped_clients) as dropped,
            (select count(*) from growth_held_signals) + (select count(*) from growth_held_clients) as held`,
  );
  // A changed firm is deleted and inserted again; one new to the tables only inserted.
  return { rows: 2 * counts.changed + counts.gone + counts.added + counts.dropped, held: counts.held };
}

interface AllCsv {
  signals: string;
  clients: string;
}

const allCsv = async (mirror: ConsultationMirror, s: ColumnarSession): Promise<AllCsv> => ({
  signals: await copyOut(mirror, s, 'signals', 'select * from fresh_signals'),
  clients: await copyOut(mirror, s, 'clients', 'select * from fresh_clients'),
});

/** Rewrites both tables whole: emptied, their keys and indexes dropped, loaded, indexes rebuilt. */
async function writeAll(tx: Queryable, csv: AllCsv): Promise<void> {
  await tx.query('truncate firm_signals, firm_clients');
  for (const sql of SIGNAL_INDEXES.drop) await tx.query(sql);
  if (csv.signals) await tx.copyFromCsv!('firm_signals', SIGNAL_COLUMNS, csv.signals);
  if (csv.clients) await tx.copyFromCsv!('firm_clients', ['firm_id', 'organization_id'], csv.clients);
  for (const sql of SIGNAL_INDEXES.create) await tx.query(sql);
}

interface ChangesCsv {
  /** Firms whose rows go: gone, or changed and inserted again. */
  gone: string;
  changed: string;
  dropped: string;
  added: string;
}

const changesCsv = async (mirror: ConsultationMirror, s: ColumnarSession): Promise<ChangesCsv> => ({
  gone: await copyOut(
    mirror,
    s,
    'gone',
    'select firm_id from gone_signals union all select firm_id from changed_signals',
  ),
  changed: await copyOut(mirror, s, 'changed', 'select * from changed_signals'),
  dropped: await copyOut(mirror, s, 'dropped', 'select * from dropped_clients'),
  added: await copyOut(mirror, s, 'added', 'select * from added_clients'),
});

/** Writes the differences found by `diff`, the tables' keys and indexes kept in place. */
async function writeChanges(tx: Queryable, csv: ChangesCsv): Promise<void> {
  if (csv.gone) {
    await tx.query('create temp table growth_gone (firm_id text primary key) on commit drop');
    await tx.copyFromCsv!('growth_gone', ['firm_id'], csv.gone);
    await tx.query('delete from firm_signals f using growth_gone g where f.firm_id = g.firm_id');
  }
  if (csv.changed) await tx.copyFromCsv!('firm_signals', SIGNAL_COLUMNS, csv.changed);
  if (csv.dropped) {
    await tx.query(
      'create temp table growth_dropped (firm_id text, organization_id text, primary key (firm_id, organization_id)) on commit drop',
    );
    await tx.copyFromCsv!('growth_dropped', ['firm_id', 'organization_id'], csv.dropped);
    await tx.query(
      'delete from firm_clients c using growth_dropped d where c.firm_id = d.firm_id and c.organization_id = d.organization_id',
    );
  }
  if (csv.added) await tx.copyFromCsv!('firm_clients', ['firm_id', 'organization_id'], csv.added);
}
