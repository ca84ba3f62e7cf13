import { LruCache, asKeyValueCache } from './lru';

test('evicts the least recently used entry by count and by bytes', () => {
  const lru = new LruCache<string>({ maxEntries: 2 });
  lru.set('a', '1');
  lru.set('b', '2');
  expect(lru.get('a')).toBe('1');
  lru.set('c', '3');
  expect(lru.get('b')).toBeUndefined();
  expect(lru.get('a')).toBe('1');
  const sized = new LruCache<string>({ maxEntries: 100, maxBytes: 10, sizeOf: (v) => v.length });
  sized.set('x', '123456');
  sized.set('y', '12345');
  expect(sized.get('x')).toBeUndefined();
  expect(sized.approximateBytes).toBe(5);
  sized.set('z', 'way more than ten bytes');
  expect(sized.get('z')).toBeUndefined();
});

test('entries expire after their TTL; the key-value adapter takes TTLs in seconds', async () => {
  let now = 0;
  const lru = new LruCache<string>({ maxEntries: 10, ttlMs: 100, clock: () => now });
  lru.set('a', '1');
  now = 99;
  expect(lru.get('a')).toBe('1');
  now = 100;
  expect(lru.get('a')).toBeUndefined();
  const kv = asKeyValueCache(lru);
  await kv.set('b', '2', { ttl: 1 });
  now = 1_099;
  expect(await kv.get('b')).toBe('2');
  now = 1_100;
  expect(await kv.get('b')).toBeUndefined();
});
