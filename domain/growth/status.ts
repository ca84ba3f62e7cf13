/**
 * Where a firm stands in the growth-firm programme (成長期待企業の発掘・育成) and the vocabulary
 * of committee decisions and support plans, shared by the store, the adapters and the subgraph.
 */
export type CommitteeDecisionCode = 'SELECTED' | 'DEFERRED' | 'DECLINED';
export const COMMITTEE_DECISIONS: readonly CommitteeDecisionCode[] = ['SELECTED', 'DEFERRED', 'DECLINED'];

export type SupportPlanStatus = 'ACTIVE' | 'GRADUATED' | 'WITHDRAWN';
export const SUPPORT_PLAN_STATUSES: readonly SupportPlanStatus[] = ['ACTIVE', 'GRADUATED', 'WITHDRAWN'];

/**
 * NONE: never nominated nor decided; NOMINATED: on a coming meeting's agenda; DEFERRED and
 * DECLINED: the last decision; ACTIVE: selected and supported now; GRADUATED and WITHDRAWN:
 * supported once, the plan has ended.
 */
export type GrowthStatus = 'NONE' | 'NOMINATED' | 'DEFERRED' | 'DECLINED' | 'ACTIVE' | 'GRADUATED' | 'WITHDRAWN';

/** A committee meets once a month; its meetings are named by month, YYYY-MM (Japan time). */
export const MEETING_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMeetingMonth(s: string): boolean {
  const m = MEETING_MONTH.exec(s);
  return m !== null && Number(m[1]) >= 2000 && Number(m[1]) <= 2100;
}

/** The month an instant falls in, in Japan time. */
export function jstMonthOf(at: Date): string {
  return new Date(at.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 7);
}

/** The fiscal year (April–March) of a YYYY-MM month. */
export function fiscalYearOfMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return m < 4 ? y - 1 : y;
}

/** A support plan is named by its firm and the month it was selected: `<firmId>@<YYYY-MM>`. */
export function planIdOf(firmId: string, month: string): string {
  return `${firmId}@${month}`;
}
