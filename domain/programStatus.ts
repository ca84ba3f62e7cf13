/**
 * Programme status from its application period, on a given day in Japan: no period at all means
 * the service is always available (ONGOING); otherwise UPCOMING, OPEN or CLOSED by the dates.
 */
export type ProgramStatusValue = 'OPEN' | 'UPCOMING' | 'CLOSED' | 'ONGOING';

export function programStatus(
  p: { opensOn: string | null; closesOn: string | null },
  today: string,
): ProgramStatusValue {
  if (!p.opensOn && !p.closesOn) return 'ONGOING';
  if (p.opensOn && p.opensOn > today) return 'UPCOMING';
  if (p.closesOn && p.closesOn < today) return 'CLOSED';
  return 'OPEN';
}
