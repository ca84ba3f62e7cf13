/**
 * What the committee page (/committee) reads and writes beyond the growth API: one meeting's
 * nominations as the caller may see them (staff: their own agency's; coordinators: all), how many
 * nominations an agency has left for a meeting, and the review dates coordinators set on support
 * plans. The per-agency cap itself is the growth API's (MAX_NOMINATIONS_PER_MEETING).
 */
import type { Viewer } from '../domain/viewer';
import { MAX_NOMINATIONS_PER_MEETING, nominationsOf, type NominationRow } from './growth';
import type { Queryable } from './store';

/** One meeting's nominations, in the order they came; staff see their own agency's only. */
export async function nominationsFor(db: Queryable, viewer: Viewer, meetingMonth: string): Promise<NominationRow[]> {
  if (viewer.role !== 'staff' && viewer.role !== 'coordinator') return [];
  if (viewer.role === 'staff' && !viewer.agencyId) return [];
  const agency = viewer.role === 'staff' ? viewer.agencyId : null;
  const firms = await db.query<{ firmId: string }>(
    `select distinct firm_id as "firmId" from nominations where meeting_month = $1 and ($2::text is null or organization_id = $2)`,
    [meetingMonth, agency],
  );
  if (firms.length === 0) return [];
  const ids = firms.map((f) => f.firmId);
  const rows = (await nominationsOf(db, ids, { organizationId: agency ?? undefined, meetingMonth })).flat();
  return rows.sort((a, b) => a.nominatedAt.localeCompare(b.nominatedAt) || Number(a.id) - Number(b.id));
}

export interface NominationAllowanceRow {
  meetingMonth: string;
  /** The nominating agency; null for the coordinators' own nominations. */
  organizationId: string | null;
  cap: number;
  used: number;
}

/** How many nominations the caller's agency (or the coordinators) has put on a meeting, of the cap. */
export async function nominationAllowance(
  db: Queryable,
  organizationId: string | null,
  meetingMonth: string,
): Promise<NominationAllowanceRow> {
  const [{ used }] = await db.query<{ used: number }>(
    `select count(*)::int as used from nominations where meeting_month = $1 and coalesce(organization_id, '') = coalesce($2, '')`,
    [meetingMonth, organizationId],
  );
  return { meetingMonth, organizationId, cap: MAX_NOMINATIONS_PER_MEETING, used };
}

export interface ReviewSetting {
  planId: string;
  /** YYYY-MM-DD. */
  on: string;
  /** ISO instant it was set. */
  at: string;
  by: string;
}

/** The review day a coordinator set on each plan, when one did. */
export async function reviewSettings(db: Queryable, planIds: readonly string[]): Promise<Map<string, ReviewSetting>> {
  const rows = await db.query<ReviewSetting>(
    `select plan_id as "planId", to_char(next_review_on, 'YYYY-MM-DD') as on, to_char(set_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
            set_by as by
     from support_plan_reviews where plan_id = any($1::text[])`,
    [planIds],
  );
  return new Map(rows.map((r) => [r.planId, r]));
}

/** Sets a plan's next review day (the latest setting wins). */
export async function setReview(db: Queryable, s: ReviewSetting): Promise<void> {
  await db.query(
    `insert into support_plan_reviews (plan_id, next_review_on, set_by, set_at) values ($1, $2, $3, $4)
     on conflict (plan_id) do update set next_review_on = excluded.next_review_on, set_by = excluded.set_by, set_at = excluded.set_at`,
    [s.planId, s.on, s.by, s.at],
  );
}
