import { programStatus } from './programStatus';

describe('programStatus', () => {
  const today = '2026-11-25';
  test.each([
    [null, null, 'ONGOING'],
    ['2026-04-01', '2027-01-31', 'OPEN'],
    ['2026-11-25', '2026-11-25', 'OPEN'],
    ['2027-01-05', '2027-02-28', 'UPCOMING'],
    ['2027-01-05', null, 'UPCOMING'],
    ['2026-04-01', '2026-11-24', 'CLOSED'],
    [null, '2026-06-30', 'CLOSED'],
    ['2026-04-01', null, 'OPEN'],
    [null, '2026-12-31', 'OPEN'],
  ])('opens %s closes %s → %s', (opensOn, closesOn, expected) => {
    expect(programStatus({ opensOn, closesOn }, today)).toBe(expected);
  });

  test.each([
    // The page's word where the period gives no days.
    [null, null, 'CLOSED', 'CLOSED'],
    [null, null, 'UPCOMING', 'UPCOMING'],
    [null, null, 'OPEN', 'OPEN'],
    // Closed early (budget spent) although the days say open.
    ['2026-04-01', '2027-01-31', 'CLOSED', 'CLOSED'],
    // A badge read weeks ago says open; the days say it has closed since.
    ['2026-04-01', '2026-10-31', 'OPEN', 'CLOSED'],
    ['2027-01-05', null, 'OPEN', 'UPCOMING'],
  ])('opens %s closes %s published %s → %s', (opensOn, closesOn, publishedStatus, expected) => {
    expect(programStatus({ opensOn, closesOn, publishedStatus: publishedStatus as never }, today)).toBe(expected);
  });
});
