/**
 * Programme status from its application period, on a given day in Japan: no period at all means
 * the service is always available (ONGOING); otherwise UPCOMING, OPEN or CLOSED by the dates.
 */
export type ProgramStatusValue = 'OPEN' | 'UPCOMING' | 'CLOSED' | 'ONGOING';

export function programStatus(p: { opensOn: string | null; closesOn: string | null }, today: string): ProgramStatusValue {
  if (!p.opensOn && !p.closesOn) return 'ONGOING';
  if (p.opensOn && p.opensOn > today) return 'UPCOMING';
  if (p.closesOn && p.closesOn < today) return 'CLOSED';
  return 'OPEN';
}

/** The same rule as SQL over the programs table, `$n` being today's date. */
export function statusSql(status: ProgramStatusValue, todayParam: string): string {
  switch (status) {
    case 'ONGOING':
      return '(opens_on is null and closes_on is null)';
    case 'UPCOMING':
      return `(opens_on > ${todayParam}::date)`;
    case 'CLOSED':
      return `(closes_on < ${todayParam}::date and not coalesce(opens_on > ${todayParam}::date, false))`;
    case 'OPEN':
      return `((opens_on is not null or closes_on is not null) and coalesce(opens_on <= ${todayParam}::date, true) and coalesce(closes_on >= ${todayParam}::date, true))`;
  }
}
