/**
 * The dashboard's CSV: one row per cell with each code and its name, an empty count for a
 * suppressed cell (never 0), a BOM for spreadsheet programs, and names that look like formulas
 * (an agency's data could hold =HYPERLINK(…)) escaped so a spreadsheet shows them as text.
 */
import Papa from 'papaparse';
import { statsCsvRows, toCsv } from './csv';

const table = {
  groupBy: ['ORGANIZATION', 'MONTH'] as const,
  total: 120,
  suppressedCells: 1,
  cells: [
    {
      keys: [
        { dimension: 'ORGANIZATION' as const, value: 'akashi-ipf', label: '一般財団法人明石市産業振興財団' },
        { dimension: 'MONTH' as const, value: '2025-04', label: '2025年4月' },
      ],
      count: 117,
      suppressed: false,
    },
    {
      keys: [
        { dimension: 'ORGANIZATION' as const, value: 'evil', label: '=HYPERLINK("http://x","y")' },
        { dimension: 'MONTH' as const, value: '2025-04', label: '2025年4月' },
      ],
      count: null,
      suppressed: true,
    },
  ],
};

test('rows carry codes, names, counts and suppression; suppressed counts are empty', () => {
  expect(statsCsvRows({ ...table, groupBy: [...table.groupBy] })).toEqual([
    ['相談先機関コード', '相談先機関', '受付月コード', '受付月', '件数', '秘匿'],
    ['akashi-ipf', '一般財団法人明石市産業振興財団', '2025-04', '2025年4月', '117', 'いいえ'],
    ['evil', '=HYPERLINK("http://x","y")', '2025-04', '2025年4月', '', 'はい'],
  ]);
});

test('the file starts with a BOM and escapes formulas', () => {
  const csv = toCsv(statsCsvRows({ ...table, groupBy: [...table.groupBy] }));
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const rows = Papa.parse<string[]>(csv.slice(1).trim()).data;
  expect(rows[2][1]).toBe(`'=HYPERLINK("http://x","y")`);
  expect(rows[1][1]).toBe('一般財団法人明石市産業振興財団');
});
