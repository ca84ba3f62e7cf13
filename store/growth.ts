/**
 * Read and write API of the growth-firm programme (成長期待企業の発掘・育成): nominations by the
 * agencies, the monthly committee's agenda and decisions, the support plans of selected firms and
 * the headline counts. History read from the lead agency's committee minutes lands in the same
 * tables, marked with its source and rebuilt with it (committeeHistory.ts); what coordinators and
 * staff record through the graph has no source and is never touched by a sync. Writes that a
 * retry could double are idempotent: one nomination per firm, meeting and agency; one decision
 * per firm and meeting.
 */
import type { Viewer } from '../domain/viewer';
import type { CommitteeDecisionCode, GrowthStatus, SupportPlanStatus } from '../domain/growth/status';
import { fiscalYearOfMonth, planIdOf } from '../domain/growth/status';
import type { Queryable, Store } from './engine/store';
import { staffFirmCondition } from './firms';
import { recordKeySql } from '../domain/disclosure';
import { join, raw, type Sql, sql } from './sql';

const JST = (column: string) => `to_char(${column} at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"')`;

/** A rule of the programme a write would break: the caller's mistake, not the store's. */
export class GrowthRuleError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'CONFLICT' = 'BAD_USER_INPUT',
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/**
 * Each firm's place in the programme, for firms with any nomination, decision or plan: an active
 * plan first, then a nomination no meeting has decided yet, then the latest of its last decision
 * and the end of its last plan. `firmIds` limits every part to those firms, so that asking for a
 * page of firms does not compute every firm's status; without it, every firm's.
 */
function statusCte(firmIds?: readonly string[]): Sql {
  const only = (firmId: Sql) => (firmIds ? sql`${firmId} = any(${firmIds}::text[])` : raw('true'));
  const firmId = raw('firm_id');
  return sql`
  plan_now as (
    select distinct on (plan_id) plan_id, firm_id, status, at from support_plan_events where ${only(firmId)} order by plan_id, at desc, id desc),
  firm_plan as (
    select distinct on (firm_id) firm_id, status, at from plan_now order by firm_id, (status = 'ACTIVE') desc, at desc),
  last_decision as (
    select distinct on (firm_id) firm_id, decision, decided_at from committee_decisions where ${only(firmId)} order by firm_id, meeting_month desc, decided_at desc),
  pending as (
    select distinct n.firm_id from nominations n
    where ${only(raw('n.firm_id'))} and not exists (select 1 from committee_decisions d where d.firm_id = n.firm_id and d.meeting_month >= n.meeting_month)),
  growth_status as (
    select f.firm_id,
           case when p.status = 'ACTIVE' then 'ACTIVE'
                when n.firm_id is not null then 'NOMINATED'
                when d.decision = 'SELECTED' and p.status is null then 'ACTIVE'
                when p.status is not null and (d.decided_at is null or p.at >= d.decided_at) then p.status
                when d.decision in ('DEFERRED', 'DECLINED') then d.decision
                when p.status is not null then p.status
                else 'NONE' end as status
    from (select firm_id from plan_now union select firm_id from last_decision union select firm_id from nominations where ${only(firmId)}) f
    left join firm_plan p on p.firm_id = f.firm_id
    left join last_decision d on d.firm_id = f.firm_id
    left join pending n on n.firm_id = f.firm_id)`;
}

export async function statusOf(db: Queryable, firmIds: readonly string[]): Promise<GrowthStatus[]> {
  const q = sql`with ${statusCte(firmIds)} select firm_id as "firmId", status from growth_status`;
  const rows = await db.query<{ firmId: string; status: GrowthStatus }>(q.text, q.values);
  const byId = new Map(rows.map((r) => [r.firmId, r.status]));
  return firmIds.map((id) => byId.get(id) ?? 'NONE');
}

// ---------------------------------------------------------------------------------------------
// Nominations
// ---------------------------------------------------------------------------------------------

export interface NominationRow {
  id: string;
  firmId: string;
  /** The nominating agency; null for a coordinator's own nomination. */
  organizationId: string | null;
  rationale: string;
  nominatedBy: string;
  nominatedAt: string;
  meetingMonth: string;
  fromMinutes: boolean;
}

const NOMINATION_COLUMNS = `id::text as id, firm_id as "firmId", organization_id as "organizationId", rationale, nominated_by as "nominatedBy",
  ${JST('nominated_at')} as "nominatedAt", meeting_month as "meetingMonth", source_id is not null as "fromMinutes"`;

/** Nominations of each firm, newest meeting first; optionally one agency's only or one meeting's only. */
export async function nominationsOf(
  db: Queryable,
  firmIds: readonly string[],
  filter: { organizationId?: string; meetingMonth?: string } = {},
): Promise<NominationRow[][]> {
  const rows = await db.query<NominationRow>(
    `select ${NOMINATION_COLUMNS} from nominations
     where firm_id = any($1::text[]) and ($2::text is null or organization_id = $2) and ($3::text is null or meeting_month = $3)
     order by meeting_month desc, nominated_at, nominations.id`,
    [firmIds, filter.organizationId ?? null, filter.meetingMonth ?? null],
  );
  return firmIds.map((id) => rows.filter((r) => r.firmId === id));
}

/**
 * Nominations one agency (or the coordinators) may put on one meeting's agenda: a committee
 * weighs a handful of firms a month, and an agenda of thousands would serve no one.
 */
export const MAX_NOMINATIONS_PER_MEETING = 30;

/**
 * Puts a firm on a meeting's agenda. The same firm nominated again for the same meeting by the
 * same agency (a retry, say) returns the first nomination unchanged.
 */
export async function nominate(
  db: Queryable,
  n: { firmId: string; organizationId: string | null; rationale: string; by: string; at: string; meetingMonth: string },
): Promise<{ nomination: NominationRow; created: boolean }> {
  const find = () =>
    db.query<NominationRow>(
      `select ${NOMINATION_COLUMNS} from nominations where firm_id = $1 and meeting_month = $2 and coalesce(organization_id, '') = coalesce($3, '')`,
      [n.firmId, n.meetingMonth, n.organizationId],
    );
  const [existing] = await find();
  if (existing) return { nomination: existing, created: false };
  // One statement checks the cap and inserts, so two nominations at once cannot both pass it.
  const inserted = await db.query<NominationRow>(
    `insert into nominations (firm_id, organization_id, rationale, nominated_by, nominated_at, meeting_month)
     select $1, $2, $3, $4, $5, $6
     where (select count(*) from nominations where meeting_month = $6 and coalesce(organization_id, '') = coalesce($2, '')) < $7
     on conflict do nothing returning ${NOMINATION_COLUMNS}`,
    [n.firmId, n.organizationId, n.rationale, n.by, n.at, n.meetingMonth, MAX_NOMINATIONS_PER_MEETING],
  );
  if (inserted.length) return { nomination: inserted[0], created: true };
  const [raced] = await find();
  if (raced) return { nomination: raced, created: false };
  throw new GrowthRuleError(
    `at most ${MAX_NOMINATIONS_PER_MEETING} nominations per agency and meeting; ${n.meetingMonth} has them`,
  );
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

export interface DecisionRow {
  id: string;
  firmId: string;
  meetingMonth: string;
  decision: CommitteeDecisionCode;
  reason: string;
  decidedBy: string;
  decidedAt: string;
  fromMinutes: boolean;
}

const DECISION_COLUMNS = `id::text as id, firm_id as "firmId", meeting_month as "meetingMonth", decision, reason, decided_by as "decidedBy",
  ${JST('decided_at')} as "decidedAt", source_id is not null as "fromMinutes"`;

/** Decisions on each firm, newest meeting first; optionally one meeting's only. */
export async function decisionsOf(
  db: Queryable,
  firmIds: readonly string[],
  filter: { meetingMonth?: string } = {},
): Promise<DecisionRow[][]> {
  const rows = await db.query<DecisionRow>(
    `select ${DECISION_COLUMNS} from committee_decisions where firm_id = any($1::text[]) and ($2::text is null or meeting_month = $2)
     order by meeting_month desc`,
    [firmIds, filter.meetingMonth ?? null],
  );
  return firmIds.map((id) => rows.filter((r) => r.firmId === id));
}

/** Every decision of one meeting, in the order they were taken. */
export function decisionsAt(db: Queryable, meetingMonth: string): Promise<DecisionRow[]> {
  return db.query<DecisionRow>(
    `select ${DECISION_COLUMNS} from committee_decisions where meeting_month = $1 order by decided_at, committee_decisions.id`,
    [meetingMonth],
  );
}

export interface DecisionInput {
  firmId: string;
  meetingMonth: string;
  decision: CommitteeDecisionCode;
  reason: string;
  by: string;
  at: string;
  /** For a selection: who leads and who joins the support, and its goals. */
  plan?: {
    leadAgency?: string | null;
    participatingAgencies?: readonly string[] | null;
    goals?: readonly string[] | null;
  };
}

/**
 * Records a committee decision and, for a selection, opens the firm's support plan, in one
 * transaction. The same decision sent again returns the first; a different decision on the same
 * firm at the same meeting is a conflict, not an overwrite.
 */
export async function decide(store: Store, d: DecisionInput): Promise<{ decision: DecisionRow; created: boolean }> {
  if (!d.reason.trim()) throw new GrowthRuleError('a decision needs its reason');
  return store.transaction(async (tx) => {
    const [existing] = await tx.query<DecisionRow>(
      `select ${DECISION_COLUMNS} from committee_decisions where firm_id = $1 and meeting_month = $2`,
      [d.firmId, d.meetingMonth],
    );
    if (existing) {
      if (existing.decision === d.decision && existing.reason === d.reason.trim())
        return { decision: existing, created: false };
      throw new GrowthRuleError(
        `the committee already decided ${existing.decision} on this firm at the ${d.meetingMonth} meeting (${existing.decidedBy}, ${existing.decidedAt})`,
        'CONFLICT',
      );
    }
    let plan: { lead: string; participants: string[]; goals: string[] } | null = null;
    if (d.decision === 'SELECTED') {
      const q = sql`with ${statusCte([d.firmId])} select coalesce((select status from growth_status), 'NONE') as status`;
      const [{ status }] = await tx.query<{ status: GrowthStatus }>(q.text, q.values);
      if (status === 'ACTIVE')
        throw new GrowthRuleError('the firm is already selected and supported; its plan is active');
      const nominators = (
        await tx.query<{ organizationId: string }>(
          `select organization_id as "organizationId" from nominations where firm_id = $1 and meeting_month = $2 and organization_id is not null order by nominated_at, id`,
          [d.firmId, d.meetingMonth],
        )
      ).map((r) => r.organizationId);
      const lead = d.plan?.leadAgency ?? nominators[0];
      if (!lead)
        throw new GrowthRuleError(
          'a selection needs a lead agency: give plan.leadAgency (no agency nominated the firm for this meeting)',
        );
      const clients = (
        await tx.query<{ organizationId: string }>(
          `select organization_id as "organizationId" from firm_clients where firm_id = $1 order by 1`,
          [d.firmId],
        )
      ).map((r) => r.organizationId);
      // By default every agency that knows the firm as a client joins: the network backs it.
      const participants = [...new Set(d.plan?.participatingAgencies ?? [...nominators, ...clients])].filter(
        (a) => a !== lead,
      );
      plan = { lead, participants, goals: [...(d.plan?.goals ?? [])] };
    }
    const [decision] = await tx.query<DecisionRow>(
      `insert into committee_decisions (firm_id, meeting_month, decision, reason, decided_by, decided_at) values ($1, $2, $3, $4, $5, $6)
       returning ${DECISION_COLUMNS}`,
      [d.firmId, d.meetingMonth, d.decision, d.reason.trim(), d.by, d.at],
    );
    await tx.query(
      `insert into committee_meetings (month, held_on) values ($1, ($2::timestamptz at time zone 'Asia/Tokyo')::date) on conflict (month) do nothing`,
      [d.meetingMonth, d.at],
    );
    if (plan) {
      await tx.query(
        `insert into support_plan_events (plan_id, firm_id, at, status, lead_agency, participating_agencies, goals, note, recorded_by)
         values ($1, $2, $3, 'ACTIVE', $4, $5, $6, $7, $8)`,
        [
          planIdOf(d.firmId, d.meetingMonth),
          d.firmId,
          d.at,
          plan.lead,
          plan.participants,
          plan.goals,
          d.reason.trim(),
          d.by,
        ],
      );
    }
    return { decision, created: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Support plans
// ---------------------------------------------------------------------------------------------

export interface PlanEventRow {
  at: string;
  status: SupportPlanStatus;
  leadAgency: string;
  participatingAgencies: string[];
  goals: string[];
  note: string | null;
  recordedBy: string;
}

export interface PlanRow {
  id: string;
  firmId: string;
  selectedMonth: string;
  status: SupportPlanStatus;
  leadAgency: string;
  participatingAgencies: string[];
  goals: string[];
  /** Oldest first. */
  history: PlanEventRow[];
}

/** The support plans of each firm, newest selection first, with their dated history. */
export async function plansOf(db: Queryable, firmIds: readonly string[]): Promise<PlanRow[][]> {
  const events = await db.query<PlanEventRow & { planId: string; firmId: string }>(
    `select plan_id as "planId", firm_id as "firmId", ${JST('at')} as at, status, lead_agency as "leadAgency",
            participating_agencies as "participatingAgencies", goals, note, recorded_by as "recordedBy"
     from support_plan_events where firm_id = any($1::text[]) order by support_plan_events.at, support_plan_events.id`,
    [firmIds],
  );
  const plans = new Map<string, PlanRow>();
  for (const e of events) {
    const { planId, firmId, ...event } = e;
    let plan = plans.get(planId);
    if (!plan) {
      plan = { id: planId, firmId, selectedMonth: planId.slice(planId.lastIndexOf('@') + 1), ...event, history: [] };
      plans.set(planId, plan);
    }
    Object.assign(plan, {
      status: event.status,
      leadAgency: event.leadAgency,
      participatingAgencies: event.participatingAgencies,
      goals: event.goals,
    });
    plan.history.push(event);
  }
  const all = [...plans.values()].sort((a, b) => b.selectedMonth.localeCompare(a.selectedMonth));
  return firmIds.map((id) => all.filter((p) => p.firmId === id));
}

export async function planById(db: Queryable, planId: string): Promise<PlanRow | null> {
  const [row] = await db.query<{ firmId: string }>(
    'select firm_id as "firmId" from support_plan_events where plan_id = $1 limit 1',
    [planId],
  );
  if (!row) return null;
  const [plans] = await plansOf(db, [row.firmId]);
  return plans.find((p) => p.id === planId) ?? null;
}

export interface PlanUpdate {
  planId: string;
  status?: SupportPlanStatus | null;
  leadAgency?: string | null;
  participatingAgencies?: readonly string[] | null;
  goals?: readonly string[] | null;
  note?: string | null;
  by: string;
  at: string;
}

/**
 * Changes a plan by adding a dated event that carries its whole new state. An update that
 * changes nothing adds nothing (a retry is harmless); an ended plan does not start again — a new
 * selection opens a new plan.
 */
export async function updatePlan(store: Store, u: PlanUpdate): Promise<{ plan: PlanRow; changed: boolean }> {
  return store.transaction(async (tx) => {
    const plan = await planById(tx, u.planId);
    if (!plan) throw new GrowthRuleError(`no support plan ${u.planId}`);
    const next = {
      status: u.status ?? plan.status,
      leadAgency: u.leadAgency ?? plan.leadAgency,
      participatingAgencies: [...new Set(u.participatingAgencies ?? plan.participatingAgencies)].filter(
        (a) => a !== (u.leadAgency ?? plan.leadAgency),
      ),
      goals: [...(u.goals ?? plan.goals)],
    };
    if (plan.status !== 'ACTIVE' && next.status !== plan.status)
      throw new GrowthRuleError(`the plan has ended (${plan.status}); a new selection opens a new plan`);
    const same =
      next.status === plan.status &&
      next.leadAgency === plan.leadAgency &&
      JSON.stringify(next.participatingAgencies) === JSON.stringify(plan.participatingAgencies) &&
      JSON.stringify(next.goals) === JSON.stringify(plan.goals);
    if (same) return { plan, changed: false };
    await tx.query(
      `insert into support_plan_events (plan_id, firm_id, at, status, lead_agency, participating_agencies, goals, note, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        plan.id,
        plan.firmId,
        u.at,
        next.status,
        next.leadAgency,
        next.participatingAgencies,
        next.goals,
        u.note ?? null,
        u.by,
      ],
    );
    return { plan: (await planById(tx, u.planId))!, changed: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Meetings and agenda
// ---------------------------------------------------------------------------------------------

export interface MeetingRow {
  month: string;
  heldOn: string | null;
}

export async function meetingOf(db: Queryable, month: string): Promise<MeetingRow> {
  const [row] = await db.query<MeetingRow>(
    `select month, held_on::text as "heldOn" from committee_meetings where month = $1`,
    [month],
  );
  return row ?? { month, heldOn: null };
}

/** Meetings held, newest first, between two months inclusive. */
export function meetings(db: Queryable, from: string | null, to: string | null): Promise<MeetingRow[]> {
  return db.query<MeetingRow>(
    `select month, held_on::text as "heldOn" from committee_meetings where ($1::text is null or month >= $1) and ($2::text is null or month <= $2) order by month desc`,
    [from, to],
  );
}

export type AgendaReason = 'NOMINATED' | 'DECIDED' | 'TOP_SCORE';

export interface AgendaRow {
  firmId: string;
  reasons: AgendaReason[];
  score: number;
}

/**
 * A meeting's agenda: the firms nominated for it or decided at it, in the order they came, then —
 * for a meeting not yet past — the highest-scored firms that no one has nominated, that are not
 * supported and were never selected, so the committee also sees what the signals point at.
 */
export async function agenda(
  db: Queryable,
  month: string,
  options: { topScored: number; includeTopScored: boolean },
): Promise<AgendaRow[]> {
  const listed = await db.query<{ firmId: string; nominated: boolean; decided: boolean; score: number }>(
    `select x.firm_id as "firmId", bool_or(x.nominated) as nominated, bool_or(x.decided) as decided, coalesce(max(s.score), 0) as score, min(x.at) as at
     from (select firm_id, true as nominated, false as decided, nominated_at as at from nominations where meeting_month = $1
           union all
           select firm_id, false, true, decided_at from committee_decisions where meeting_month = $1) x
     left join firm_signals s on s.firm_id = x.firm_id
     group by x.firm_id order by min(x.at), x.firm_id`,
    [month],
  );
  const rows: AgendaRow[] = listed.map((r) => ({
    firmId: r.firmId,
    reasons: [...(r.nominated ? (['NOMINATED'] as const) : []), ...(r.decided ? (['DECIDED'] as const) : [])],
    score: r.score,
  }));
  if (options.includeTopScored && options.topScored > 0) {
    // Walked down the score index; the firms to pass over (every firm ever selected among them,
    // the best-scored of all) are looked up in hashed sets rather than probed one by one.
    const top = await db.query<{ firmId: string; score: number }>(
      `select s.firm_id as "firmId", s.score from firm_signals s
       where s.score > 0
         and s.firm_id not in (select firm_id from nominations where meeting_month >= $1)
         and s.firm_id not in (select firm_id from committee_decisions where meeting_month = $1)
         and s.firm_id not in (select firm_id from support_plan_events)
       order by s.score desc, s.firm_id limit $2`,
      [month, options.topScored],
    );
    const seen = new Set(rows.map((r) => r.firmId));
    for (const t of top)
      if (!seen.has(t.firmId)) rows.push({ firmId: t.firmId, reasons: ['TOP_SCORE'], score: t.score });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Lists and counts
// ---------------------------------------------------------------------------------------------

/**
 * Firms in the given statuses, highest score first, that the viewer may see: coordinators every
 * firm, staff their agency's clients and the firms whose plans it leads or joins.
 */
export async function firmsByStatus(
  db: Queryable,
  viewer: Viewer,
  filter: { statuses: readonly GrowthStatus[]; organizationId?: string | null },
  page: { limit: number; offset: number },
): Promise<{ ids: string[]; total: number }> {
  const where: Sql[] = [sql`f.status = any(${filter.statuses}::text[])`];
  if (viewer.role === 'staff') {
    where.push(staffFirmCondition(raw('f.firm_id'), viewer.agencyId));
  } else if (viewer.role !== 'coordinator') {
    return { ids: [], total: 0 };
  }
  const agency = filter.organizationId;
  if (agency) {
    where.push(sql`(exists (select 1 from firm_clients fc where fc.firm_id = f.firm_id and fc.organization_id = ${agency})
                 or exists (select 1 from support_plan_events pe where pe.firm_id = f.firm_id and (pe.lead_agency = ${agency} or ${agency} = any(pe.participating_agencies))))`);
  }
  const withNone = filter.statuses.includes('NONE');
  // Firms without any growth record are NONE: they come from the signals, which rank every firm.
  const source = withNone
    ? raw(`(select s.firm_id, coalesce(g.status, 'NONE') as status, s.score from firm_signals s left join growth_status g on g.firm_id = s.firm_id
        union all
        select g.firm_id, g.status, 0 from growth_status g where not exists (select 1 from firm_signals s where s.firm_id = g.firm_id))`)
    : raw(
        `(select g.firm_id, g.status, coalesce(s.score, 0) as score from growth_status g left join firm_signals s on s.firm_id = g.firm_id)`,
      );
  const matching = join(where, ' and ');
  const listed = sql`with ${statusCte()}
     select f.firm_id as id, count(*) over ()::int as total from ${source} f
     where ${matching}
     order by f.score desc, f.firm_id limit ${page.limit} offset ${page.offset}`;
  const rows = await db.query<{ id: string; total: number }>(listed.text, listed.values);
  if (rows.length || page.offset === 0) return { ids: rows.map((r) => r.id), total: rows[0]?.total ?? 0 };
  const count = sql`with ${statusCte()} select count(*)::int as n from ${source} f where ${matching}`;
  const [{ n }] = await db.query<{ n: number }>(count.text, count.values);
  return { ids: [], total: n };
}

export interface GrowthSummaryRow {
  selectedTotal: number;
  /** Sum of the selected firms' record keys, for the cell-key method. */
  selectedKeySum: number;
  active: number;
  graduated: number;
  withdrawn: number;
  meetings: number;
}

/** The programme's headline figures. */
export async function summary(db: Queryable): Promise<GrowthSummaryRow> {
  const [row] = await db.query<GrowthSummaryRow>(
    `with plan_now as (select distinct on (plan_id) plan_id, status from support_plan_events order by plan_id, at desc, id desc),
          selected as (select distinct firm_id from committee_decisions where decision = 'SELECTED')
     select (select count(*)::int from selected) as "selectedTotal",
            (select coalesce(sum(${recordKeySql('k.secret', 's.firm_id')}), 0)::float8 from selected s, disclosure_keys k) as "selectedKeySum",
            (select count(*)::int from plan_now where status = 'ACTIVE') as active,
            (select count(*)::int from plan_now where status = 'GRADUATED') as graduated,
            (select count(*)::int from plan_now where status = 'WITHDRAWN') as withdrawn,
            (select count(*)::int from committee_meetings) as meetings`,
  );
  return row;
}

export type GrowthDimension = 'YEAR' | 'AGENCY' | 'INDUSTRY' | 'STATUS';

/** Plans counted in one cell, with the sum of their record keys (the cell-key method's input). */
export interface PlanCell {
  keys: string[];
  count: number;
  keySum: number;
}

/**
 * Support plans (one per selection) counted by the fiscal year of selection, lead agency, the
 * firm's industry and the plan's status now; optionally only plans in some statuses. Each plan
 * has a record key from its id and the install's secret, as consultations do, so each cell and
 * the total carry their plans' key sum.
 */
export async function countPlans(
  db: Queryable,
  dims: readonly GrowthDimension[],
  statuses: readonly SupportPlanStatus[] | null,
): Promise<{ cells: PlanCell[]; total: number; totalKeySum: number }> {
  const rows = await db.query<{ month: string; agency: string; industry: string | null; status: string; key: number }>(
    `with plan_now as (select distinct on (plan_id) plan_id, firm_id, status, lead_agency from support_plan_events order by plan_id, at desc, id desc)
     select substr(p.plan_id, length(p.plan_id) - 6) as month, p.lead_agency as agency, p.status,
            coalesce(s.industry, (select m.industry from committee_minutes m where coalesce(m.corporate_number, m.firm_id) = p.firm_id and m.industry is not null limit 1)) as industry,
            ${recordKeySql('k.secret', 'p.plan_id')} as key
     from plan_now p left join firm_signals s on s.firm_id = p.firm_id cross join disclosure_keys k
     where ($1::text[] is null or p.status = any($1::text[]))`,
    [statuses],
  );
  const keyOf = (r: (typeof rows)[number], d: GrowthDimension): string =>
    d === 'YEAR'
      ? String(fiscalYearOfMonth(r.month))
      : d === 'AGENCY'
        ? r.agency
        : d === 'INDUSTRY'
          ? (r.industry ?? 'T')
          : r.status;
  const counts = new Map<string, PlanCell>();
  let totalKeySum = 0;
  for (const r of rows) {
    const keys = dims.map((d) => keyOf(r, d));
    const k = keys.join('\u0000');
    const cell = counts.get(k) ?? { keys, count: 0, keySum: 0 };
    cell.count += 1;
    cell.keySum += Number(r.key);
    totalKeySum += Number(r.key);
    counts.set(k, cell);
  }
  const cells = [...counts.values()].sort((a, b) => a.keys.join('\u0000').localeCompare(b.keys.join('\u0000')));
  return { cells, total: rows.length, totalKeySum };
}
