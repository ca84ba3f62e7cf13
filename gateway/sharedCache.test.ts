import { parseSettings } from '../server/settings';
import { sharedCacheOptionsOf } from './sharedCache';

const optionsOf = (env: Record<string, string>) => sharedCacheOptionsOf(parseSettings(env, { envFile: false }));

test('without REDIS_URL there is no shared cache', () => {
  expect(optionsOf({})).toBeNull();
  expect(optionsOf({ REDIS_URL: '' })).toBeNull();
});

test('REDIS_URL and its companions are read with their defaults', () => {
  expect(optionsOf({ REDIS_URL: 'redis://:pw@cache.internal:6380/2' })).toEqual({
    url: 'redis://:pw@cache.internal:6380/2',
    prefix: 'madoguchi',
    timeoutMs: 250,
    maxValueBytes: 512 * 1024,
  });
  const tuned = optionsOf({
    REDIS_URL: 'rediss://cache',
    MADOGUCHI_REDIS_PREFIX: 'hyogo-net',
    MADOGUCHI_REDIS_TIMEOUT_MS: '100',
    MADOGUCHI_REDIS_MAX_VALUE_KB: '64',
  });
  expect(tuned).toMatchObject({ prefix: 'hyogo-net', timeoutMs: 100, maxValueBytes: 64 * 1024 });
});

test('a bad setting fails at start naming the variable and what it expects', () => {
  expect(() => optionsOf({ REDIS_URL: 'cache.internal:6379' })).toThrow(/REDIS_URL: expected a URL such as redis:\/\//);
  expect(() => optionsOf({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL: expected a URL such as redis:\/\//);
  expect(() => optionsOf({ REDIS_URL: 'redis://cache', MADOGUCHI_REDIS_PREFIX: 'a b*' })).toThrow(
    /MADOGUCHI_REDIS_PREFIX: expected 1–64 letters/,
  );
  expect(() => optionsOf({ REDIS_URL: 'redis://cache', MADOGUCHI_REDIS_TIMEOUT_MS: '0' })).toThrow(
    /MADOGUCHI_REDIS_TIMEOUT_MS: expected a whole number of at least 1/,
  );
  expect(() => optionsOf({ REDIS_URL: 'redis://cache', MADOGUCHI_REDIS_MAX_VALUE_KB: 'lots' })).toThrow(
    /MADOGUCHI_REDIS_MAX_VALUE_KB/,
  );
});
