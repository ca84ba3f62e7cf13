/**
 * Growth signals per firm (成長シグナル), refreshed from every agency's consultations after a
 * consultation sync: distinct agencies consulted, growth topics and the consultations about them,
 * frequency and recency, size and industry, hand-offs to other agencies — and the score those
 * signals earn under the reviewed weights, kept with them so the agenda ranks firms from an index.
 *
 * A refresh is one pass over the consultations in SQL, grouped first by firm and agency (which
 * also yields which agencies count a firm as their client), then by firm. The score is computed
 * in the same statement from the weights' bands; `domain/growth/score.ts` explains it from the
 * stored signals with the same bands (a test holds both to one total). Recency is measured from
 * a reference day — the newest consultation the network holds, or now if that is later than now —
 * so a refresh depends on the data alone and a pause in the agencies' exports ages no firm.
 */
import type { Queryable, Store } from './engine/store';
import { topicsOfMask, type FirmSignals } from '../domain/growth/score';
import { growthWeights, type Band, type GrowthWeights } from '../domain/growth/weights';
import { firmIdSql, firmLinkJoin, nameKeySql, soleProprietorsCondition, type LocalRecord } from './firms';
import { join, raw, type Sql, sql } from './sql';

const DAY_MS = 86_400_000;

// The weights' bands and points are numbers and topic codes of the reviewed weights file
// (domain/growth/weights.ts validates them), written into the statement as constants.
function bandsSql(bands: readonly Band[], value: Sql): Sql {
  const cases =
    'atLeast' in bands[0]
      ? [...bands]
          .reverse()
          .map(
            (b) =>
              sql`when ${value} >= ${raw(String((b as { atLeast: number }).atLeast))} then ${raw(String(b.points))}`,
          )
      : bands.map(
          (b) => sql`when ${value} <= ${raw(String((b as { atMost: number }).atMost))} then ${raw(String(b.points))}`,
        );
  return sql`(case ${join(cases, ' ')} else 0 end)`;
}

/** Days from a firm's latest consultation to the reference day, as the score and its explanation read it. */
const daysSinceSql = (lastAt: Sql, asOf: Sql): Sql =>
  sql`greatest(0, floor(extract(epoch from (${asOf} - ${lastAt})) / 86400))::int`;

const popcountSql = (mask: Sql): Sql => sql`length(replace((${mask})::bit(16)::text, '0', ''))`;

/** The score of signals aliased `x` (columns as in firm_signals), reference day `asOf`. */
export function scoreSql(w: GrowthWeights, asOf: Sql): Sql {
  const s = w.signals;
  const industry = Object.entries(s.INDUSTRY.points).map(([letter, points]) => `when '${letter}' then ${points}`);
  const parts = [
    bandsSql(s.AGENCIES.bands, raw('x.agencies')),
    bandsSql(s.GROWTH_TOPICS.bands, popcountSql(raw('x.growth_mask'))),
    bandsSql(s.GROWTH_CONSULTATIONS.bands, raw('x.growth_consultations')),
    bandsSql(s.FREQUENCY.bands, raw('x.frequency')),
    sql`(case when x.last_at is null then 0 else ${bandsSql(s.RECENCY.bands, daysSinceSql(raw('x.last_at'), asOf))} end)`,
    sql`(case when x.employees is null then 0 else ${bandsSql(s.SIZE.bands, raw('x.employees'))} end)`,
    raw(industry.length ? `(case x.industry ${industry.join(' ')} else 0 end)` : '0'),
    bandsSql(s.REFERRALS.bands, raw('x.referrals')),
  ];
  return sql`(case when x.consultations <= 0 then 0 else ${join(parts, ' + ')} end)`;
}

/** A bit per growth topic of consultation `c`, in the weights' order. */
function growthMaskSql(w: GrowthWeights, c: string): string {
  return w.growthTopics.map((t, i) => `(case when '${t}' = any(${c}.topics) then ${1 << i} else 0 end)`).join(' | ');
}

/** The signal tables' keys and indexes, dropped and rebuilt around a full refresh. */
const SIGNAL_INDEXES = {
  drop: [
    'alter table firm_signals drop constraint firm_signals_pkey',
    'drop index firm_signals_score',
    'alter table firm_clients drop constraint firm_clients_pkey',
    'drop index firm_clients_organization',
  ],
  create: [
    'alter table firm_signals add constraint firm_signals_pkey primary key (firm_id)',
    'create index firm_signals_score on firm_signals (score desc, firm_id)',
    'alter table firm_clients add constraint firm_clients_pkey primary key (firm_id, organization_id)',
    'create index firm_clients_organization on firm_clients (organization_id)',
  ],
};

export interface RefreshOptions {
  now?: Date;
  weights?: GrowthWeights;
  /**
   * Only the firms of these sole-proprietor records (after a match was confirmed): their old
   * local ids go and the firm they now form is recomputed, against the last full refresh's day.
   */
  only?: { records: LocalRecord[]; firmIds: string[] };
}

export interface RefreshResult {
  firms: number;
  asOf: string | null;
  ms: number;
}

/**
 * Recomputes every firm's signals and score (or those of `only`) in one transaction: readers see
 * the previous refresh or this one, never a mix.
 */
export async function refreshGrowthSignals(store: Store, options: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const w = options.weights ?? growthWeights();
  const now = options.now ?? new Date();
  return store.transaction(async (tx) => {
    // Processes sharing a PostgreSQL store refresh one after another: the second reads the
    // consultations after the first has committed, so no refresh overwrites a newer one.
    await tx.query(`select pg_advisory_xact_lock(hashtext('madoguchi:growth-refresh'))`);
    let asOf: string | null;
    if (options.only) {
      const [state] = await tx.query<{ asOf: string | null }>(`select as_of::text as "asOf" from growth_state`);
      asOf = state?.asOf ?? now.toISOString();
    } else {
      const [row] = await tx.query<{ asOf: string | null }>(
        `select least($1::timestamptz, max(received_at))::text as "asOf" from consultations`,
        [now.toISOString()],
      );
      asOf = row.asOf;
    }
    const ref = asOf ?? now.toISOString();
    const windowStart = new Date(Date.parse(ref) - w.windowDays * DAY_MS).toISOString();
    const recentStart = new Date(Date.parse(ref) - w.recentDays * DAY_MS).toISOString();
    // With `only`, both statements reading consultations are limited to those records.
    const scoped = options.only?.records;
    const scope = scoped ? sql`and ${soleProprietorsCondition(scoped)}` : raw('');
    // Grouping a million consultations in memory by hash, not by sorting them (much slower here).
    await tx.query(`set local work_mem = '256MB'`);
    await tx.query(`set local maintenance_work_mem = '256MB'`);
    await tx.query('set local enable_sort = off');
    await tx.query('set local enable_incremental_sort = off');
    const inWindow = sql`c.received_at >= ${windowStart}::timestamptz`;
    const growth = raw(`c.topics && '{${w.growthTopics.join(',')}}'::text[]`);
    const nameKey = raw(nameKeySql('c'));
    // One pass over the records, grouped by each agency's identity of the firm: its 法人番号, or
    // for a firm without one its name and municipality, hashed to 64 bits (grouping on a number
    // costs a third less than on the texts; two of an agency's firms sharing a hash is a chance
    // of about one in 10^8 at a million records). Firm ids, which need the links, come per group.
    await tx.query('drop table if exists growth_identity_agency');
    const identities = sql`create temp table growth_identity_agency on commit drop as
       select c.organization_id, c.corporate_number is not null as corporate,
              case when c.corporate_number is not null then c.corporate_number::bigint
                   else hashtextextended(${nameKey} || '|' || coalesce(c.municipality_code, ''), 0) end as identity,
              max(c.corporate_number) as corporate_number,
              max(${nameKey}) filter (where c.corporate_number is null) as name_key,
              max(coalesce(c.municipality_code, '')) filter (where c.corporate_number is null) as muni,
              count(*) filter (where ${inWindow})::int as n,
              count(*) filter (where c.received_at >= ${recentStart}::timestamptz)::int as recent,
              max(c.received_at) filter (where ${inWindow}) as last_at,
              coalesce(bit_or(${raw(growthMaskSql(w, 'c'))}) filter (where ${inWindow} and ${growth}), 0) as mask,
              count(*) filter (where ${inWindow} and ${growth})::int as gn,
              count(*) filter (where ${inWindow} and (c.referred_to_id is not null or c.id in (select consultation_id from referrals)))::int as refs,
              max(c.employees) filter (where ${inWindow}) as employees,
              max(c.industry) as industry, max(c.company_name) as name, max(c.municipality_code) as municipality_code,
              array_agg(c.referred_to_id) filter (where c.referred_to_id is not null) as referred_to
       from consultations c
       where (c.corporate_number is not null or c.company_name is not null) ${scope}
       group by 1, 2, 3`;
    await tx.query(identities.text, identities.values);
    await tx.query('drop table if exists growth_firm_agency');
    await tx.query(
      `create temp table growth_firm_agency on commit drop as
       select coalesce(g.corporate_number, l.firm_id, 'L-' || g.organization_id || '-' || left(md5(g.name_key || '|' || g.muni), 12)) as firm_id,
              case when g.corporate then 'CORPORATE' when l.firm_id is not null then 'NETWORK' else 'LOCAL' end as kind,
              g.*
       from growth_identity_agency g
       left join firm_links l on not g.corporate and l.organization_id = g.organization_id and l.name_key = g.name_key and l.municipality_code = g.muni`,
    );
    if (options.only) {
      const gone = [...new Set(options.only.firmIds)];
      await tx.query(
        `delete from firm_signals where firm_id = any($1::text[]) or firm_id in (select firm_id from growth_firm_agency)`,
        [gone],
      );
      await tx.query(
        `delete from firm_clients where firm_id = any($1::text[]) or firm_id in (select firm_id from growth_firm_agency)`,
        [gone],
      );
    } else {
      // Rewritten whole: the indexes are built once afterwards rather than row by row.
      await tx.query('truncate firm_signals, firm_clients');
      for (const sql of SIGNAL_INDEXES.drop) await tx.query(sql);
    }
    const signals = sql`insert into firm_signals (firm_id, kind, corporate_number, organization_id, name_key, name, municipality_code, industry, employees,
                                 consultations, agencies, growth_mask, growth_consultations, frequency, last_at, referrals, score)
       select x.*, ${scoreSql(w, sql`${ref}::timestamptz`)}
       from (select firm_id, min(kind) as kind, max(corporate_number) as corporate_number,
                    case when min(kind) = 'LOCAL' then max(organization_id) end as organization_id,
                    case when min(kind) = 'LOCAL' then max(name_key) end as name_key,
                    max(name) as name, max(municipality_code) as municipality_code, max(industry) as industry, max(employees) as employees,
                    sum(n)::int as consultations, (count(*) filter (where n > 0))::int as agencies, bit_or(mask) as growth_mask,
                    sum(gn)::int as growth_consultations, sum(recent)::int as frequency, max(last_at) as last_at, sum(refs)::int as referrals
             from growth_firm_agency group by firm_id) x`;
    await tx.query(signals.text, signals.values);
    // Which agencies count a firm as their client: the agencies it consulted and those its
    // consultations were handed to, in the agencies' logs or through Madoguchi.
    const clients = sql`insert into firm_clients (firm_id, organization_id)
       select firm_id, organization_id from growth_firm_agency
       union select firm_id, unnest(referred_to) from growth_firm_agency where referred_to is not null
       union select ${raw(firmIdSql('c', 'l'))}, r.to_organization_id from referrals r join consultations c on c.id = r.consultation_id ${raw(firmLinkJoin('c', 'l'))}
             where (c.corporate_number is not null or c.company_name is not null) ${scope}
       on conflict do nothing`;
    await tx.query(clients.text, clients.values);
    if (!options.only) for (const sql of SIGNAL_INDEXES.create) await tx.query(sql);
    const [{ firms }] = await tx.query<{ firms: number }>('select count(*)::int as firms from firm_signals');
    if (!options.only) {
      await tx.query(
        `insert into growth_state (id, weights_version, as_of, refreshed_at, firms) values (true, $1, $2, $3, $4)
         on conflict (id) do update set weights_version = excluded.weights_version, as_of = excluded.as_of, refreshed_at = excluded.refreshed_at, firms = excluded.firms`,
        [w.version, asOf, now.toISOString(), firms],
      );
    }
    return { firms, asOf, ms: performance.now() - started };
  });
}

/** Whether firms were never scored, or were scored under other weights than the current ones. */
export async function growthRefreshDue(db: Queryable, weights: GrowthWeights = growthWeights()): Promise<boolean> {
  const [state] = await db.query<{ version: string }>('select weights_version as version from growth_state');
  if (!state) {
    const [{ any }] = await db.query<{ any: boolean }>('select exists (select 1 from consultations) as any');
    return any;
  }
  return state.version !== weights.version;
}

/** Stored signals of a firm, as the score's explanation reads them. */
export interface StoredSignals extends FirmSignals {
  firmId: string;
  score: number;
  lastConsultedAt: string | null;
  asOf: string | null;
}

/** The signals of these firms, in the order asked (null where a firm has none stored). */
export async function signalsOf(
  db: Queryable,
  firmIds: readonly string[],
  weights: GrowthWeights = growthWeights(),
): Promise<Array<StoredSignals | null>> {
  const q = sql`select f.firm_id as "firmId", f.consultations, f.agencies, f.growth_mask as mask, f.growth_consultations as "growthConsultations",
            f.frequency, case when f.last_at is null then null else ${daysSinceSql(raw('f.last_at'), raw('g.as_of'))} end as "daysSinceLast",
            f.employees, f.industry, f.referrals, f.score,
            to_char(f.last_at at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as "lastConsultedAt",
            to_char(g.as_of at time zone 'Asia/Tokyo', 'YYYY-MM-DD') as "asOf"
     from firm_signals f left join growth_state g on true where f.firm_id = any(${firmIds}::text[])`;
  const rows = await db.query<Omit<StoredSignals, 'growthTopics'> & { mask: number }>(q.text, q.values);
  const byId = new Map(rows.map((r) => [r.firmId, r]));
  return firmIds.map((id) => {
    const r = byId.get(id);
    if (!r) return null;
    const { mask, ...rest } = r;
    return { ...rest, growthTopics: topicsOfMask(mask, weights) };
  });
}
