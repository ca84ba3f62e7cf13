/**
 * Programme status on a given day in Japan. The application period decides where it gives days:
 * UPCOMING before it opens, CLOSED after it closes, OPEN between. A status the programme's page
 * publishes (受付終了, 受付中…) decides where the period gives no days, and a published CLOSED also
 * where the days say open (a programme closed early, its budget spent). Neither: the service is
 * always available (ONGOING).
 */
export type ProgramStatusValue = 'OPEN' | 'UPCOMING' | 'CLOSED' | 'ONGOING';

export function programStatus(
  p: { opensOn: string | null; closesOn: string | null; publishedStatus?: ProgramStatusValue | null },
  today: string,
): ProgramStatusValue {
  if (p.publishedStatus === 'CLOSED') return 'CLOSED';
  if (!p.opensOn && !p.closesOn) return p.publishedStatus ?? 'ONGOING';
  if (p.opensOn && p.opensOn > today) return 'UPCOMING';
  if (p.closesOn && p.closesOn < today) return 'CLOSED';
  return 'OPEN';
}
