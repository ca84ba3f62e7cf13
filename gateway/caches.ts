/**
 * Every cache an outside caller can fill is bounded in bytes, not only in entries: a thousand
 * one-megabyte entries are as many as a thousand small ones to a count. lru-cache does the work
 * (`maxSize` with a `sizeCalculation` per entry; an entry larger than the whole cache is not
 * kept); `boundedCache` sets it up the one way the gateway uses it, `asKeyValueCache` adapts it to
 * the KeyValueCache shape Apollo Server's options expect, and `cacheBytes` lists each cache's
 * size for /metrics.
 */
import { LRUCache } from 'lru-cache';

/** Bytes a string takes in memory, roughly (UTF-16 code units), plus an entry's bookkeeping. */
export const stringBytes = (s: string) => 2 * s.length;
const ENTRY_OVERHEAD = 64;

export interface BoundedCacheOptions<V> {
  /** What the entries together may take. */
  maxBytes: number;
  /** An entry's approximate size in bytes, its key excluded (counted here). */
  sizeOf: (value: V) => number;
  maxEntries?: number;
  /** Entries older than this are absent; absent: kept until evicted. */
  ttlMs?: number;
}

export type BoundedCache<V extends {}> = LRUCache<string, V>;

export function boundedCache<V extends {}>(options: BoundedCacheOptions<V>): BoundedCache<V> {
  return new LRUCache<string, V>({
    maxSize: Math.max(1, Math.floor(options.maxBytes)),
    sizeCalculation: (value, key) => Math.max(1, Math.ceil(options.sizeOf(value) + stringBytes(key) + ENTRY_OVERHEAD)),
    ...(options.maxEntries ? { max: options.maxEntries } : {}),
    ...(options.ttlMs ? { ttl: options.ttlMs, ttlAutopurge: false } : {}),
  });
}

/** The KeyValueCache interface of @apollo/utils.keyvaluecache, which Apollo Server accepts. */
export interface KeyValueCacheLike<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

export function asKeyValueCache<V extends {}>(cache: BoundedCache<V>): KeyValueCacheLike<V> {
  return {
    get: async (key) => cache.get(key),
    // Apollo gives TTLs in seconds; null or absent means the cache's own default.
    set: async (key, value, options) => void cache.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : {}),
    delete: async (key) => cache.delete(key),
  };
}

/** Caches by name, for /metrics (madoguchi_cache_bytes, madoguchi_cache_entries). */
export type CacheRegistry = Map<string, { readonly calculatedSize: number; readonly size: number }>;
