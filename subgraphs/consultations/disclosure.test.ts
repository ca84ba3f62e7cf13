import { checkAnalystFilter, tableKey } from './disclosure';
import { AnalystGate, analystBudgetSettingsOf, DEFAULT_ANALYST_CELLS_PER_DAY } from '../shared/analysts';
import { parseSettings } from '../../server/settings';

const analystBudgetSettingsFromEnv = (env: Record<string, string>) =>
  analystBudgetSettingsOf(parseSettings(env, { envFile: false }));

test('analysts’ filters: whole months, one agency or none, one topic or none', () => {
  expect(checkAnalystFilter(null)).toBeNull();
  expect(
    checkAnalystFilter({ from: '2025-06-01', to: '2025-08-31', organizationIds: ['a'], topics: ['X'] }),
  ).toBeNull();
  // The same agency twice is one agency.
  expect(checkAnalystFilter({ organizationIds: ['a', 'a'] })).toBeNull();
  expect(checkAnalystFilter({ from: '2025-06-02' })).toMatch(/whole months/);
  expect(checkAnalystFilter({ to: '2025-06-29' })).toMatch(/whole months/);
  expect(checkAnalystFilter({ organizationIds: ['a', 'b'] })).toMatch(/one agency or by none/);
  expect(checkAnalystFilter({ topics: ['X', 'Y'] })).toMatch(/one topic or by none/);
});

test('the same table in another order of its arguments is the same table', () => {
  expect(tableKey(['MONTH', 'CHANNEL'], { organizationIds: ['a'], topics: ['X'] })).toBe(
    tableKey(['CHANNEL', 'MONTH'], { topics: ['X'], organizationIds: ['a', 'a'] }),
  );
  expect(tableKey(['MONTH'], { from: '2025-04-01' })).not.toBe(tableKey(['MONTH'], { from: '2025-05-01' }));
});

test('the budget’s limit and window are configurable and validated at start', () => {
  expect(analystBudgetSettingsFromEnv({})).toEqual({ limit: DEFAULT_ANALYST_CELLS_PER_DAY, windowMs: 86_400_000 });
  expect(
    analystBudgetSettingsFromEnv({
      MADOGUCHI_ANALYST_CELLS_PER_DAY: '500',
      MADOGUCHI_ANALYST_BUDGET_WINDOW_HOURS: '1',
    }),
  ).toEqual({ limit: 500, windowMs: 3_600_000 });
  expect(() => analystBudgetSettingsFromEnv({ MADOGUCHI_ANALYST_CELLS_PER_DAY: 'lots' })).toThrow(
    /MADOGUCHI_ANALYST_CELLS_PER_DAY/,
  );
  expect(() => analystBudgetSettingsFromEnv({ MADOGUCHI_ANALYST_BUDGET_WINDOW_HOURS: '0' })).toThrow(
    /MADOGUCHI_ANALYST_BUDGET_WINDOW_HOURS/,
  );
});

test('the gate runs at most so many statistics of one analyst at once, queues a few more, refuses the rest', async () => {
  const gate = new AnalystGate(2, 3, 10, 60_000);
  let running = 0;
  let most = 0;
  const release: Array<() => void> = [];
  const work = () =>
    gate.run('alice', async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => release.push(r));
      running -= 1;
    });
  const started = [work(), work(), work(), work(), work()];
  await expect(work()).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  // Another analyst is not held up by alice's queue.
  const bob = gate.run('bob', async () => 'bob');
  await expect(bob).resolves.toBe('bob');
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    release.shift()?.();
  }
  await Promise.all(started);
  expect(most).toBe(2);
});
