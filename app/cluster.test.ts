import { availableParallelism } from 'node:os';
import { parseSettings } from '../server/settings';
import { workerCount } from './startGateway';

test('GATEWAY_WORKERS: unset, 0 or 1 for one process, a count, or auto for every core; anything else stops the start', () => {
  const workers = (value?: string) =>
    workerCount(
      parseSettings(value === undefined ? {} : { GATEWAY_WORKERS: value }, { envFile: false }).gatewayWorkers,
    );
  expect(workers(undefined)).toBe(1);
  expect(workers('0')).toBe(1);
  expect(workers('3')).toBe(3);
  expect(workers('auto')).toBe(availableParallelism());
  expect(() => workers('many')).toThrow(/GATEWAY_WORKERS: expected a whole number or auto/);
});
