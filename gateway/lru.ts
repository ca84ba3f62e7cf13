/**
 * A small least-recently-used cache bounded by entry count and, optionally, by approximate
 * bytes, with an optional time to live. It backs the gateway's parsed-document store, the
 * persisted-query store, the response cache and a few memo tables; `asKeyValueCache` adapts it
 * to the KeyValueCache shape Apollo Server's options expect.
 */

export interface LruOptions<V> {
  maxEntries: number;
  /** Bound on the summed `sizeOf` of the entries; unbounded when absent. */
  maxBytes?: number;
  sizeOf?: (value: V, key: string) => number;
  /** Entries older than this are treated as absent; 0 or absent keeps them until evicted. */
  ttlMs?: number;
  clock?: () => number;
}

interface Entry<V> {
  value: V;
  size: number;
  expiresAt: number;
}

export class LruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private bytes = 0;
  private readonly clock: () => number;

  constructor(private readonly options: LruOptions<V>) {
    this.clock = options.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get approximateBytes(): number {
    return this.bytes;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt <= this.clock()) {
      this.remove(key, entry);
      return undefined;
    }
    // Re-inserting moves the key to the end of the Map's order: the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlMs = this.options.ttlMs): void {
    const size = this.options.sizeOf?.(value, key) ?? 0;
    if (this.options.maxBytes !== undefined && size > this.options.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, { value, size, expiresAt: ttlMs ? this.clock() + ttlMs : 0 });
    this.bytes += size;
    while (
      this.entries.size > this.options.maxEntries ||
      (this.options.maxBytes !== undefined && this.bytes > this.options.maxBytes)
    ) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value, this.entries.get(oldest.value)!);
    }
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.remove(key, entry);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}

/** The KeyValueCache interface of @apollo/utils.keyvaluecache, which Apollo Server accepts. */
export interface KeyValueCacheLike<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

export function asKeyValueCache<V>(lru: LruCache<V>): KeyValueCacheLike<V> {
  return {
    get: async (key) => lru.get(key),
    // Apollo gives TTLs in seconds; null or absent means the cache's own default.
    set: async (key, value, options) => lru.set(key, value, options?.ttl ? options.ttl * 1000 : undefined),
    delete: async (key) => lru.delete(key),
  };
}
