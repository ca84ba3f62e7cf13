import { addMonths, isReviewOverdue, jstDayOf, nextReviewOf } from './review';

describe('follow-up reviews of support plans', () => {
  it('adds calendar months, keeping the day or taking the shorter month’s last', () => {
    expect(addMonths('2026-05-14', 3)).toBe('2026-08-14');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  });

  it('reads the day of an instant in Japan time', () => {
    expect(jstDayOf('2026-03-31T15:30:00Z')).toBe('2026-04-01');
    expect(jstDayOf('2026-03-31T14:59:59Z')).toBe('2026-03-31');
  });

  it('falls three months after the latest event unless a coordinator set a day after it', () => {
    const event = '2026-06-10T06:00:00+09:00';
    expect(nextReviewOf(event, null)).toEqual({ nextReviewOn: '2026-09-10', scheduled: false });
    expect(nextReviewOf(event, { on: '2026-07-01', at: '2026-06-11T00:00:00Z' })).toEqual({
      nextReviewOn: '2026-07-01',
      scheduled: true,
    });
    // A day set before the latest event (a progress note since) gives way to the rule.
    expect(nextReviewOf(event, { on: '2026-07-01', at: '2026-06-01T00:00:00Z' })).toEqual({
      nextReviewOn: '2026-09-10',
      scheduled: false,
    });
  });

  it('is overdue once its day has passed in Japan, for active plans only', () => {
    const review = { nextReviewOn: '2026-09-10', scheduled: false };
    expect(isReviewOverdue(review, 'ACTIVE', new Date('2026-09-10T14:59:00Z'))).toBe(false);
    expect(isReviewOverdue(review, 'ACTIVE', new Date('2026-09-10T15:00:00Z'))).toBe(true);
    expect(isReviewOverdue(review, 'GRADUATED', new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});
