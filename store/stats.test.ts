import { splitMonths } from './stats';

describe('splitMonths', () => {
  it('reads whole months from rollups and nothing from records when the range is whole months', () => {
    expect(splitMonths({ from: '2025-10-01', to: '2025-12-31' })).toEqual({
      months: { first: '2025-10', last: '2025-12' },
      edges: [],
    });
  });

  it('counts the partial months at either end from records', () => {
    expect(splitMonths({ from: '2025-06-15', to: '2025-09-10' })).toEqual({
      months: { first: '2025-07', last: '2025-08' },
      edges: [
        { from: '2025-06-15', to: '2025-06-30' },
        { from: '2025-09-01', to: '2025-09-10' },
      ],
    });
  });

  it('knows February, leap years and open ends', () => {
    expect(splitMonths({ to: '2028-02-29' })).toEqual({ months: { first: undefined, last: '2028-02' }, edges: [] });
    expect(splitMonths({ to: '2026-02-28' })).toEqual({ months: { first: undefined, last: '2026-02' }, edges: [] });
    expect(splitMonths({ to: '2028-02-28' }).edges).toEqual([{ from: '2028-02-01', to: '2028-02-28' }]);
    expect(splitMonths({ from: '2025-12-02' })).toEqual({
      months: { first: '2026-01', last: undefined },
      edges: [{ from: '2025-12-02', to: '2025-12-31' }],
    });
  });

  it('sends a range inside one month to records, and an inverted range nowhere', () => {
    expect(splitMonths({ from: '2025-06-03', to: '2025-06-20' })).toEqual({
      months: null,
      edges: [{ from: '2025-06-03', to: '2025-06-20' }],
    });
    expect(splitMonths({ from: '2025-06-03', to: '2025-07-20' })).toEqual({
      months: null,
      edges: [{ from: '2025-06-03', to: '2025-07-20' }],
    });
    expect(splitMonths({ from: '2025-07-01', to: '2025-06-30' })).toEqual({ months: null, edges: [] });
  });
});
