/**
 * Read and write API over consultation records and referrals. Every read of consultation rows
 * goes through `visibleWhere`, so who may see which record is decided in one place: staff see
 * their own agency's consultations and those referred to it, coordinators see all, anyone else
 * none.
 */
import type { ConsultationRecord } from '../domain/records';
import type { Viewer } from '../domain/viewer';
import type { Queryable } from './engine/store';
import { selectList } from './tables';
import { Conditions } from './conditions';
import { chooseGrouping } from '../domain/statsPlan';
import { firmCondition, firmIdSql, firmLinkJoin } from './firms';
import { raw, type Sql, sql } from './sql';

/** A SQL condition on alias `c` limiting rows to what the viewer may read. */
export function visibleWhere(viewer: Viewer): Sql {
  if (viewer.role === 'coordinator') return raw('true');
  if (viewer.role === 'staff') {
    const agency = viewer.agencyId;
    return sql`(c.organization_id = ${agency} or c.referred_to_id = ${agency} or exists (select 1 from referrals r where r.consultation_id = c.id and r.to_organization_id = ${agency}))`;
  }
  return raw('false');
}

/** The consultations with these ids that the viewer may see, in the order asked; null elsewhere. */
export async function byIds(
  db: Queryable,
  viewer: Viewer,
  ids: readonly string[],
): Promise<Array<ConsultationRecord | null>> {
  const q = sql`select ${raw(selectList('consultation', 'c'))} from consultations c where c.id = any(${ids}::text[]) and ${visibleWhere(viewer)}`;
  const rows = await db.query<ConsultationRecord>(q.text, q.values);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export interface ConsultationListFilter {
  organizationId?: string | null;
  from?: string | null;
  to?: string | null;
  topics?: readonly string[] | null;
  corporateNumber?: string | null;
}

/** One page of the consultations the viewer may see, newest first, and how many there are in all. */
export async function visibleTo(
  db: Queryable,
  viewer: Viewer,
  filter: ConsultationListFilter | null | undefined,
  page: { limit: number; offset: number },
): Promise<{ rows: ConsultationRecord[]; total: number }> {
  const cond = new Conditions();
  cond.where.push(visibleWhere(viewer));
  if (filter?.organizationId) cond.add(sql`c.organization_id = ${filter.organizationId}`);
  cond.receivedWithin(filter?.from, filter?.to).aboutAny(filter?.topics);
  if (filter?.corporateNumber) cond.add(sql`c.corporate_number = ${filter.corporateNumber}`);
  const q = sql`select ${raw(selectList('consultation', 'c'))}, count(*) over ()::int as total from consultations c
     ${cond.sql} order by c.received_at desc, c.id limit ${page.limit} offset ${page.offset}`;
  const rows = await db.query<ConsultationRecord & { total: number }>(q.text, q.values);
  if (rows.length > 0 || page.offset === 0) return { rows, total: rows[0]?.total ?? 0 };
  const count = sql`select count(*)::int as n from consultations c ${cond.sql}`;
  const [c] = await db.query<{ n: number }>(count.text, count.values);
  return { rows, total: c.n };
}

/** Every consultation of one firm (by 法人番号) across agencies, oldest first: for coordinators only. */
export function ofCompany(db: Queryable, viewer: Viewer, corporateNumber: string): Promise<ConsultationRecord[]> {
  const q = sql`select ${raw(selectList('consultation', 'c'))} from consultations c
    where c.corporate_number = ${corporateNumber} and ${visibleWhere(viewer)} order by c.received_at, c.id`;
  return db.query<ConsultationRecord>(q.text, q.values);
}

export interface ReferralRow {
  consultationId: string;
  fromOrganizationId: string;
  toOrganizationId: string;
  note: string | null;
  referredBy: string;
  referredAt: string;
}

/** The referrals of each consultation, oldest first, in the order of the ids asked. */
export async function referralsOf(db: Queryable, consultationIds: readonly string[]): Promise<ReferralRow[][]> {
  const rows = await db.query<ReferralRow>(
    `select consultation_id as "consultationId", from_organization_id as "fromOrganizationId", to_organization_id as "toOrganizationId",
            note, referred_by as "referredBy",
            to_char(referred_at at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as "referredAt"
     from referrals where consultation_id = any($1::text[]) order by referred_at, id`,
    [consultationIds],
  );
  return consultationIds.map((id) => rows.filter((r) => r.consultationId === id));
}

/**
 * Records a hand-off of a consultation to another agency, once: the same consultation referred
 * to the same agency again (a retried or doubled request) keeps the first referral. Resolves true
 * when this call recorded it. The receiving agency counts the firm as its client from now on
 * (growth status and plan), not only after the next signals refresh.
 */
export async function refer(
  db: Queryable,
  referral: { consultationId: string; from: string; to: string; note: string | null; referredBy: string; at: string },
): Promise<boolean> {
  const rows = await db.query(
    `insert into referrals (consultation_id, from_organization_id, to_organization_id, note, referred_by, referred_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (consultation_id, to_organization_id) do nothing returning id`,
    [referral.consultationId, referral.from, referral.to, referral.note, referral.referredBy, referral.at],
  );
  if (rows.length === 0) return false;
  await db.query(
    `insert into firm_clients (firm_id, organization_id)
     select ${firmIdSql('c', 'l')}, $2 from consultations c ${firmLinkJoin('c', 'l')}
     where c.id = $1 and (c.corporate_number is not null or c.company_name is not null)
       and not exists (select 1 from firm_clients fc where fc.firm_id = ${firmIdSql('c', 'l')} and fc.organization_id = $2)`,
    [referral.consultationId, referral.to],
  );
  return true;
}

/** The firm id of each consultation (法人番号, network firm id or one agency's record), in the order asked. */
export async function firmIdsOf(db: Queryable, consultationIds: readonly string[]): Promise<Array<string | null>> {
  const rows = await db.query<{ id: string; firmId: string | null }>(
    `select c.id, ${firmIdSql('c', 'l')} as "firmId" from consultations c ${firmLinkJoin('c', 'l')} where c.id = any($1::text[])`,
    [consultationIds],
  );
  const byId = new Map(rows.map((r) => [r.id, r.firmId]));
  return consultationIds.map((id) => byId.get(id) ?? null);
}

/** One page of a firm's consultations the viewer may see, newest first, and how many there are. */
export async function ofFirm(
  db: Queryable,
  viewer: Viewer,
  firmId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: ConsultationRecord[]; total: number }> {
  const where = sql`where ${await firmCondition(db, firmId)} and ${visibleWhere(viewer)}`;
  const q = sql`select ${raw(selectList('consultation', 'c'))}, count(*) over ()::int as total from consultations c
     ${where} order by c.received_at desc, c.id limit ${page.limit} offset ${page.offset}`;
  const rows = await db.query<ConsultationRecord & { total: number }>(q.text, q.values);
  if (rows.length > 0 || page.offset === 0) return { rows, total: rows[0]?.total ?? 0 };
  const count = sql`select count(*)::int as n from consultations c ${where}`;
  const [c] = await db.query<{ n: number }>(count.text, count.values);
  return { rows, total: c.n };
}

/** The rollup grouping the statistics would read for counts by month: every consultation once. */
const MONTHLY = chooseGrouping(['MONTH'], null)!;

/**
 * Consultations per organization and fiscal year (April–March), from the monthly rollups (a few
 * hundred rows instead of every consultation, written in the same transaction as the records).
 */
export function countsByOrganization(
  db: Queryable,
  organizationIds: readonly string[],
): Promise<Array<{ organizationId: string; fiscalYear: number; n: number; keySum: number }>> {
  return db.query(
    `select organization_id as "organizationId",
            substr(month, 1, 4)::int - case when substr(month, 6, 2)::int < 4 then 1 else 0 end as "fiscalYear",
            sum(n)::int as n, sum(key_sum)::float8 as "keySum"
     from consultation_rollups where grouping = $2 and organization_id = any($1::text[])
     group by 1, 2`,
    [organizationIds, MONTHLY.name],
  );
}
