/**
 * The growth signals' full refresh computed on the columnar mirror: the same two groupings as
 * the store's SQL (../signals.ts) — by agency and the agency's identity of the firm, then by firm
 * — and the same score from the same bands, run by DuckDB on its own threads over the mirrored
 * consultations and the few rows of firm links and referrals copied in for the run. Only the
 * answer goes back to the store: every firm's signals and the agencies that count it as a client,
 * written as CSV through COPY in one transaction (readers see the previous refresh or this one),
 * so the store is held for the write alone, not for the grouping of every consultation.
 *
 * The rows written are the store's SQL's, value for value (a test holds the two to one table):
 * firms are grouped by their identity itself rather than its 64-bit hash, which the SQL uses to
 * save time, and text maxima compare by code point, as the store's C collation does.
 */
import { writeFile, readFile, rm } from 'node:fs/promises';
import type { Store } from '../store';
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
 * Recomputes every firm's signals and score from the mirror; the store keeps the previous ones
 * until this refresh commits. (A refresh of some firms only, after a match, stays in SQL.)
 */
export async function refreshFromMirror(
  store: Store,
  mirror: ConsultationMirror,
  options: { now?: Date; weights?: GrowthWeights } = {},
): Promise<RefreshResult> {
  const started = performance.now();
  const w = options.weights ?? growthWeights();
  const now = options.now ?? new Date();
  await mirror.fresh();
  const { signals, clients, asOf, firms } = await mirror.engine.session(async (s) => {
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
    const [{ newest }] = await s.rows<{ newest: number | null }>(
      'select max(received_us) as newest from consultations',
    );
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
    const signals = await copyOut(
      mirror,
      s,
      'signals',
      `select x.firm_id, x.kind, x.corporate_number, x.organization_id, x.name_key, x.name, x.municipality_code, x.industry,
              x.employees, x.consultations, x.agencies, x.growth_mask, x.growth_consultations, x.frequency, ${lastAt}, x.referrals,
              ${scoreSql(w, raw(String(refUs)), DUCKDB_DIALECT).text}
       from (${firmSignalsSql('firm_agency', 'last_us')}) x`,
    );
    // Which agencies count a firm as their client: those it consulted, and those its
    // consultations were handed to, in the agencies' logs or through Madoguchi.
    const clients = await copyOut(
      mirror,
      s,
      'clients',
      `select firm_id, organization_id from firm_agency
       union select firm_id, unnest(referred_to) from firm_agency where referred_to is not null
       union select coalesce(c.corporate_number, l.firm_id, 'L-' || c.organization_id || '-' || left(md5(c.name_key || '|' || coalesce(c.municipality_code, '')), 12)), h.to_organization_id
             from handoffs h join consultations c on c.id = h.consultation_id
             left join links l on c.corporate_number is null and l.organization_id = c.organization_id and l.name_key = c.name_key and l.municipality_code = coalesce(c.municipality_code, '')
             where c.corporate_number is not null or c.company_name is not null`,
    );
    const [{ firms }] = await s.rows<{ firms: number }>('select count(distinct firm_id) as firms from firm_agency');
    return { signals, clients, asOf: new Date(refUs / 1000).toISOString(), firms };
  });
  const writing = performance.now();
  await store.transaction(async (tx) => {
    // Processes sharing a PostgreSQL store refresh one after another, as the SQL refresh does.
    await tx.query(`select pg_advisory_xact_lock(hashtext('madoguchi:growth-refresh'))`);
    await tx.query('truncate firm_signals, firm_clients');
    for (const sql of SIGNAL_INDEXES.drop) await tx.query(sql);
    if (signals) await tx.copyFromCsv!('firm_signals', SIGNAL_COLUMNS, signals);
    if (clients) await tx.copyFromCsv!('firm_clients', ['firm_id', 'organization_id'], clients);
    for (const sql of SIGNAL_INDEXES.create) await tx.query(sql);
    await recordRefresh(tx, w, asOf, now, firms);
  });
  return { firms, asOf, ms: performance.now() - started, storeMs: performance.now() - writing };
}
