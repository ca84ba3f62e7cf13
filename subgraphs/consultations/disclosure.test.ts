import { parseSettings } from '../../server/settings';
import { AnalystTableBudget, DEFAULT_ANALYST_TABLES_PER_DAY, tableKey } from './disclosure';

test('an analyst may ask so many distinct tables a day; asking one again is free; the next day starts afresh', () => {
  const budget = new AnalystTableBudget(3, 1_000);
  const t = (i: number) => tableKey(['MONTH'], { organizationIds: [`org-${i}`] });
  expect([0, 1, 2].map((i) => budget.charge('alice', t(i), 0))).toEqual([true, true, true]);
  expect(budget.charge('alice', t(3), 10)).toBe(false);
  expect(budget.charge('alice', t(1), 20)).toBe(true);
  // Another analyst has a budget of their own.
  expect(budget.charge('bob', t(3), 20)).toBe(true);
  expect(budget.charge('alice', t(3), 1_000)).toBe(true);
});

test('the same table in another order of its arguments is the same table', () => {
  expect(tableKey(['MONTH', 'CHANNEL'], { organizationIds: ['b', 'a'], topics: ['X'] })).toBe(
    tableKey(['CHANNEL', 'MONTH'], { topics: ['X'], organizationIds: ['a', 'b', 'a'] }),
  );
  expect(tableKey(['MONTH'], { from: '2025-04-01' })).not.toBe(tableKey(['MONTH'], { from: '2025-05-01' }));
});

test('the daily limit is configurable and validated at start', () => {
  const parse = (env: Record<string, string>) => parseSettings(env, { envFile: false }).analystTablesPerDay;
  expect(parse({})).toBe(DEFAULT_ANALYST_TABLES_PER_DAY);
  expect(parse({ MADOGUCHI_ANALYST_TABLES_PER_DAY: '50' })).toBe(50);
  expect(() => parse({ MADOGUCHI_ANALYST_TABLES_PER_DAY: 'lots' })).toThrow(/MADOGUCHI_ANALYST_TABLES_PER_DAY/);
});
