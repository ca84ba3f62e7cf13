import { createMemoryNonceStore } from './nonces';

test('a nonce is new once, a replay within its window is seen, and old nonces are forgotten in O(1) steps', async () => {
  let now = 0;
  const store = createMemoryNonceStore(() => now);
  expect(await store.seen('a', 1000)).toBe(false);
  expect(await store.seen('a', 1000)).toBe(true);
  now = 1500; // one rotation: still remembered (kept between one and two windows)
  expect(await store.seen('a', 1000)).toBe(true);
  expect(await store.seen('b', 1000)).toBe(false);
  now = 2600; // two rotations since 'a' was recorded
  expect(await store.seen('a', 1000)).toBe(false);
  expect(await store.seen('b', 1000)).toBe(true);
  now = 10_000; // long idle: everything older is dropped at once
  expect(await store.seen('b', 1000)).toBe(false);
});
