import { cellsOf, countTable, tableOf } from './countTable';
import { compareKeys, type Counts } from './stats';

const totals = { total: 0, totalKeySum: 0, plan: 'test' };

test('cells in any order come out in the store’s order (compareKeys), each key column numbered by first appearance', () => {
  // Out of order, and with keys whose UTF-16 order differs from their UTF-8 byte order (U+FF5E vs an astral character).
  const months = ['2025-05', '2025-04', '2025-05', '2025-04', '2025-05'];
  const places = ['\u{20000}', '282014', '\uff5e', '', '282014'];
  const table = countTable([months, places], [5, 6, 7, 8, 9], [50, 60, 70, 80, 90], totals);
  const want = months
    .map((m, i) => ({ keys: [m, places[i]], count: [5, 6, 7, 8, 9][i], keySum: [50, 60, 70, 80, 90][i] }))
    .sort(compareKeys);
  expect(cellsOf(table).cells).toEqual(want);
  expect(table.keys[0].values).toEqual(['2025-04', '2025-05']);
  expect(table.keys[1].values).toEqual(['', '282014', '\u{20000}', '\uff5e']);
  expect(Array.from(table.keys[1].codes)).toEqual([0, 1, 1, 2, 3]);
});

test('the store’s cells make the table they came from, and back; an empty table keeps its dimensions', () => {
  const counts: Counts = {
    cells: [
      { keys: ['a', 'FINANCE'], count: 3, keySum: 7 },
      { keys: ['a', 'SUCCESSION'], count: 12, keySum: 70_000 },
      { keys: ['b', 'FINANCE'], count: 1, keySum: 65_535 },
    ],
    total: 15,
    totalKeySum: 135_542,
    plan: 'records',
  };
  expect(cellsOf(tableOf(counts, 2))).toEqual(counts);
  const empty = tableOf({ cells: [], total: 0, totalKeySum: 0, plan: 'records' }, 3);
  expect(empty.keys).toHaveLength(3);
  expect(empty.counts).toHaveLength(0);
  expect(cellsOf(empty).cells).toEqual([]);
});
