import { suppress } from './suppression';

const visibleSum = (cells: ReturnType<typeof suppress>) =>
  cells.filter((c) => !c.suppressed).reduce((s, c) => s + c.count, 0);

describe('small-cell suppression', () => {
  test('cells under 5 are suppressed and a lone one drags the smallest other cell with it', () => {
    const cells = suppress(
      [
        { keys: ['a'], count: 3 },
        { keys: ['b'], count: 40 },
        { keys: ['c'], count: 12 },
      ],
      5,
    );
    expect(cells.map((c) => c.suppressed)).toEqual([true, false, true]);
    // total − visible no longer equals the small cell
    expect(55 - visibleSum(cells)).toBe(15);
  });

  test('no suppression when every cell is at least the threshold', () => {
    expect(
      suppress(
        [
          { keys: ['a'], count: 5 },
          { keys: ['b'], count: 9 },
        ],
        5,
      ).some((c) => c.suppressed),
    ).toBe(false);
  });

  test('two-dimensional tables: no row or column keeps exactly one suppressed cell', () => {
    const raw = [
      { keys: ['org1', 'FINANCE'], count: 2 },
      { keys: ['org1', 'SALES'], count: 30 },
      { keys: ['org1', 'TECH'], count: 25 },
      { keys: ['org2', 'FINANCE'], count: 20 },
      { keys: ['org2', 'SALES'], count: 18 },
      { keys: ['org2', 'TECH'], count: 40 },
    ];
    const cells = suppress(raw, 5);
    for (const d of [0, 1]) {
      const groups = new Map<string, number>();
      for (const c of cells) {
        const rest = c.keys.filter((_, i) => i !== d).join();
        groups.set(rest, (groups.get(rest) ?? 0) + (c.suppressed ? 1 : 0));
      }
      for (const n of groups.values()) expect(n === 0 || n >= 2).toBe(true);
    }
    expect(cells.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(4);
  });

  test('a single cell table under the threshold stays suppressed on its own', () => {
    expect(suppress([{ keys: ['a'], count: 2 }], 5)).toEqual([{ keys: ['a'], count: 2, suppressed: true }]);
  });
});
