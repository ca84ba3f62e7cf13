/**
 * Caches shared by gateway replicas through Redis (REDIS_URL, optional): automatic persisted
 * queries and the response cache. Without REDIS_URL none of this runs and each gateway keeps
 * its caches in its own memory.
 *
 * Keys live under one prefix per installation (MADOGUCHI_REDIS_PREFIX); answers also under the
 * supergraph's hash, so a gateway on a new supergraph never serves an answer computed for the old
 * one, and under a generation counter: when the store signals a new snapshot, a gateway INCRs the
 * generation (O(1)) and every replica's next lookup reads the new one, so old answers are no
 * longer reachable by anyone and expire by their TTL. A lookup reads the generation and the entry
 * in one script; an answer is stored only if the generation is still the one its lookup saw, so
 * an answer computed from the old snapshot is never stored under the new generation.
 *
 * Redis is a cache here, never a dependency: every call has a short timeout, nothing queues while
 * it is unreachable (calls are skipped and count as misses), the client reconnects by itself,
 * and an outage is logged once when it starts and once when it ends, not per request.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Settings } from '../server/settings';
import { boundedCache, type KeyValueCacheLike } from './caches';

export interface SharedCacheOptions {
  /** redis://[:password@]host:port[/db] or rediss:// (TLS). */
  url: string;
  /** Namespace of this installation's keys in a Redis others may use too. */
  prefix: string;
  /** Bound on every Redis call and on connecting, in ms. */
  timeoutMs: number;
  /** Values larger than this (serialized) are not shared. */
  maxValueBytes: number;
}

/** Where the response cache keeps answers: this process's memory, or Redis shared by replicas. */
export interface ResponseStore<V> {
  get(key: string): Promise<V | undefined> | V | undefined;
  /** `bytes`: the answer's serialized size, for stores bounded by memory. */
  set(key: string, value: V, bytes: number): Promise<void> | void;
  /** Drops every answer: called when the store signals a new snapshot. */
  invalidate(): Promise<void> | void;
}

/** The Redis-backed store: every call asynchronous, none ever rejects (a failed call is a skipped one). */
export interface SharedResponseStore<V> extends ResponseStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, bytes: number): Promise<void>;
  invalidate(): Promise<void>;
}

/** REDIS_URL and its companions; null without REDIS_URL. */
export function sharedCacheOptionsOf(s: Settings): SharedCacheOptions | null {
  if (!s.redisUrl) return null;
  return {
    url: s.redisUrl,
    prefix: s.redisPrefix,
    timeoutMs: s.redisTimeoutMs,
    maxValueBytes: s.redisMaxValueKB * 1024,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads the generation and the entry under it in one round trip: returns [generation, value]. */
const LOOKUP = `
local g = redis.call('GET', KEYS[1]) or '0'
return { g, redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2]) }
`;
/** Stores an entry only while the generation is still the one its lookup saw. */
const STORE = `
local g = redis.call('GET', KEYS[1]) or '0'
if g ~= ARGV[2] then return 0 end
redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[3], ARGV[4], 'PX', ARGV[5])
return 1
`;

type ScriptedRedis = Redis & {
  madoguchiLookup(generationKey: string, base: string, key: string): Promise<[string, string | null]>;
  madoguchiStore(
    generationKey: string,
    base: string,
    generation: string,
    key: string,
    value: string,
    ttlMs: number,
  ): Promise<number>;
};

/** How long calls are skipped after one failed, so a hung Redis costs one timeout, not one per request. */
const BACKOFF_MS = 1000;

export class SharedCache {
  private readonly client: ScriptedRedis;
  private readonly where: string;
  private outage = false;
  private skipUntil = 0;
  private closed = false;
  private memoryChecked = false;

  constructor(
    readonly options: SharedCacheOptions,
    private readonly logger: Logger,
    /** Told when Redis becomes usable (true) or not (false). */
    private readonly onAvailability: (up: boolean) => void = () => {},
  ) {
    const url = new URL(options.url);
    // Named in logs without credentials.
    this.where = `${url.hostname}:${url.port || 6379}`;
    this.client = new Redis(options.url, {
      connectTimeout: Math.max(options.timeoutMs, 1000),
      commandTimeout: options.timeoutMs,
      // Nothing waits for a Redis that is not there: a call while disconnected fails at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect for ever, backing off to one attempt every 2 s.
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: false,
    }) as ScriptedRedis;
    this.client.defineCommand('madoguchiLookup', { numberOfKeys: 1, lua: LOOKUP });
    this.client.defineCommand('madoguchiStore', { numberOfKeys: 1, lua: STORE });
    this.client.on('ready', () => {
      this.skipUntil = 0;
      this.recovered();
      if (!this.memoryChecked) void this.checkMemoryBound();
    });
    this.client.on('error', (e: Error) => this.failed(e));
    this.client.on('close', () => {
      if (!this.closed) this.failed(new Error('connection closed'));
    });
  }

  /** Whether calls go to Redis now. */
  get up(): boolean {
    return this.client.status === 'ready' && Date.now() >= this.skipUntil;
  }

  private failed(e: Error): void {
    if (this.closed) return;
    if (!this.outage) {
      this.outage = true;
      // Once per outage: every request keeps being answered, from the subgraphs.
      this.logger.warn(
        { redis: this.where, err: e.message },
        'shared cache (Redis) unavailable: serving without it until it is back',
      );
      this.onAvailability(false);
    }
  }

  /**
   * Anonymous callers choose what gets cached (each new set of variables is an entry): within
   * the TTL only Redis's maxmemory bounds the total, so a Redis without one is reported once.
   * Managed Redis services often refuse CONFIG: then nothing is said.
   */
  private async checkMemoryBound(): Promise<void> {
    this.memoryChecked = true;
    let reply: unknown;
    try {
      reply = await this.client.config('GET', 'maxmemory');
    } catch {
      return; // refused (or Redis went away): not an outage of the cache
    }
    if (Array.isArray(reply) && reply[1] === '0') {
      this.logger.warn(
        { redis: this.where },
        'shared cache (Redis) has no maxmemory: set one with maxmemory-policy allkeys-lru, or cached answers are bounded only by their TTL',
      );
    }
  }

  private recovered(): void {
    if (this.outage) this.logger.info({ redis: this.where }, 'shared cache (Redis) reachable again: sharing resumes');
    this.outage = false;
    this.onAvailability(true);
  }

  /** Runs a Redis call if Redis is usable; undefined when it is not or the call failed. */
  private async call<T>(fn: (client: ScriptedRedis) => Promise<T>): Promise<T | undefined> {
    if (!this.up) return undefined;
    try {
      const result = await fn(this.client);
      // A call that timed out (a slow or stalled Redis) ended an outage without a reconnection.
      if (this.outage) this.recovered();
      return result;
    } catch (e) {
      this.skipUntil = Date.now() + BACKOFF_MS;
      this.failed(e as Error);
      return undefined;
    }
  }

  /**
   * Answers shared by every gateway of the same supergraph (`namespace`, its hash), kept `ttlMs`.
   * Values are JSON; the keys the gateway builds (document hash, operation, variables) are
   * hashed, so a key's size in Redis does not depend on what a caller sends.
   */
  responses<V>(namespace: string, ttlMs: number): SharedResponseStore<V> {
    const generationKey = `${this.options.prefix}:responses:generation`;
    const base = `${this.options.prefix}:responses:${namespace}:`;
    // The generation each recent lookup saw, for its store: bounded, forgotten after a minute.
    const seen = boundedCache<string>({
      maxEntries: 10_000,
      maxBytes: 4 * 1024 * 1024,
      ttlMs: 60_000,
      sizeOf: () => 32,
    });
    // A snapshot signalled while Redis could not be told: nothing is read from it until it has been.
    let owedInvalidation = false;
    const bump = async () => {
      seen.clear();
      owedInvalidation = (await this.call((c) => c.incr(generationKey))) === undefined;
    };
    return {
      get: async (key) => {
        if (owedInvalidation) await bump();
        if (owedInvalidation) return undefined;
        const hashed = sha256(key);
        const found = await this.call((c) => c.madoguchiLookup(generationKey, base, hashed));
        if (!found) return undefined;
        const [generation, text] = found;
        if (text === null) {
          seen.set(hashed, generation);
          return undefined;
        }
        try {
          return JSON.parse(text) as V;
        } catch {
          return undefined;
        }
      },
      set: async (key, value) => {
        const hashed = sha256(key);
        const generation = seen.get(hashed);
        if (generation === undefined) return;
        seen.delete(hashed);
        const text = JSON.stringify(value);
        if (Buffer.byteLength(text) > this.options.maxValueBytes) return;
        await this.call((c) =>
          c.madoguchiStore(generationKey, base, generation, hashed, text, Math.max(1, Math.round(ttlMs))),
        );
      },
      invalidate: bump,
    };
  }

  /**
   * Apollo's persisted-query cache with Redis behind `local`: a query registered on any gateway
   * runs by its hash on every other. Texts read from Redis are checked against their hash, so an
   * entry written there by anything else cannot make a hash run another document.
   */
  persistedQueries(local: KeyValueCacheLike<string>, ttlSeconds = 86_400): KeyValueCacheLike<string> {
    const redisKey = (key: string) => (/^apq:[0-9a-f]{64}$/.test(key) ? `${this.options.prefix}:${key}` : undefined);
    return {
      get: async (key) => {
        const known = await local.get(key);
        if (known !== undefined) return known;
        const shared = redisKey(key);
        if (!shared) return undefined;
        const text = await this.call((c) => c.get(shared));
        if (typeof text !== 'string' || `apq:${sha256(text)}` !== key) return undefined;
        await local.set(key, text);
        return text;
      },
      set: async (key, value, options) => {
        await local.set(key, value, options);
        const shared = redisKey(key);
        if (!shared || Buffer.byteLength(value) > this.options.maxValueBytes) return;
        // Apollo asks for no TTL by default; in Redis every entry gets one, so a day's worth bounds it.
        const ttl = options?.ttl && options.ttl > 0 ? Math.min(options.ttl, ttlSeconds) : ttlSeconds;
        await this.call((c) => c.set(shared, value, 'EX', Math.ceil(ttl)));
      },
      delete: async (key) => {
        const shared = redisKey(key);
        if (shared) await this.call((c) => c.del(shared));
        return local.delete(key);
      },
    };
  }

  /** Stops reconnecting and drops the connection at once (nothing is written on close). */
  close(): void {
    this.closed = true;
    this.client.disconnect();
  }
}
