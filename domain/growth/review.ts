/**
 * When a selected firm's support plan is next reviewed (次回フォローアップ日). The committee
 * follows each active firm up every three months: the next review falls three months after the
 * plan's latest event (its selection, or the latest change or progress note recorded on it),
 * unless a coordinator set another date after that event. A review is overdue once its day has
 * passed in Japan time and the plan is still active.
 */
export const REVIEW_INTERVAL_MONTHS = 3;

/** The calendar day (YYYY-MM-DD, Japan time) of an ISO instant. */
export function jstDayOf(at: string | Date): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(t + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** `day` plus `months` calendar months; the 31st of a shorter month becomes its last day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

export interface PlanReview {
  /** The day the plan is next reviewed. */
  nextReviewOn: string;
  /** Whether a coordinator set it (else the three-month rule gave it). */
  scheduled: boolean;
}

/**
 * The next review of a plan whose latest event happened at `lastEventAt`; `set` is a day a
 * coordinator chose and when, which holds only if chosen at or after that event.
 */
export function nextReviewOf(lastEventAt: string, set: { on: string; at: string } | null): PlanReview {
  if (set && Date.parse(set.at) >= Date.parse(lastEventAt)) return { nextReviewOn: set.on, scheduled: true };
  return { nextReviewOn: addMonths(jstDayOf(lastEventAt), REVIEW_INTERVAL_MONTHS), scheduled: false };
}

export function isReviewOverdue(review: PlanReview, status: string, now: Date): boolean {
  return status === 'ACTIVE' && review.nextReviewOn < jstDayOf(now);
}
