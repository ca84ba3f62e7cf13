import { availableParallelism } from 'node:os';
import { workerCountFromEnv } from './cluster';

test('GATEWAY_WORKERS: unset or 1 is one process, auto is one per core, nonsense is refused', () => {
  expect(workerCountFromEnv(undefined)).toBe(1);
  expect(workerCountFromEnv('0')).toBe(1);
  expect(workerCountFromEnv('3')).toBe(3);
  expect(workerCountFromEnv('auto')).toBe(availableParallelism());
  expect(() => workerCountFromEnv('many')).toThrow(/GATEWAY_WORKERS/);
});
