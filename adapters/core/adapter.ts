/**
 * The adapter contract. An adapter is a factory: config first, then the context it may use
 * (fetch, file reading, clock, logger), so tests inject their own and nothing reaches for globals.
 * Adapters only read: a spreadsheet's bytes, or the raw records a web site or API gives page by
 * page; parsing bytes, mapping to the common schema and writing are the sync's one pipeline.
 */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fetch as undiciFetch } from 'undici';
import type { Logger } from 'pino';
import { nonPublicReason } from '../../domain/addresses';
import type { RowRejection } from '../../domain/records';

export type FetchFn = typeof undiciFetch;

export interface AdapterContext {
  fetch: FetchFn;
  readFile: (path: string) => Promise<Buffer>;
  clock: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  userAgent: string;
  /** Where secrets named by a config (an API's auth header) are looked up. */
  env: NodeJS.ProcessEnv;
  /** Bounds the requests in flight to one host across every source sharing this context. */
  hostLimiter: HostLimiter;
}

/** What the last successful fetch of a source left behind, for conditional requests. */
export interface FetchState {
  etag: string | null;
  lastModified: string | null;
}

export interface RawRecord {
  /** The row or record number as the agency would point at it (spreadsheet row, list position). */
  row: number;
  cells: Record<string, string | undefined>;
}

interface ReadMeta {
  status: 'ok';
  contentHash: string;
  etag: string | null;
  lastModified: string | null;
}

/**
 * What a read brings back: nothing new, a spreadsheet's bytes (pure CPU to parse, so the sync may
 * parse them on a worker thread), or the records a web site or API yielded as it was paged through.
 */
export type ReadOutcome = { status: 'not-modified' } | ReadBytes | ReadRecords;
export type ReadBytes = ReadMeta & { body: Buffer };
export type ReadRecords = ReadMeta & {
  records: RawRecord[];
  /** Rows refused while extracting (a detail page gone). */
  rejections: RowRejection[];
};

export interface Adapter {
  read(state: FetchState): Promise<ReadOutcome>;
}

/** An adapter that yields records as it reads (web sites, APIs). */
export interface RecordAdapter extends Adapter {
  read(state: FetchState): Promise<{ status: 'not-modified' } | ReadRecords>;
}

/** A source-level failure: nothing from this attempt is stored and the last good data stays. */
export class AdapterError extends Error {
  constructor(
    message: string,
    readonly code: 'UNREACHABLE' | 'HTTP_STATUS' | 'TIMEOUT' | 'MALFORMED' | 'MAPPING' | 'CONFIG' = 'MALFORMED',
    /** The HTTP status, for HTTP_STATUS. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}

/** A source's location as read: a URL as is, a path relative to the agency file's folder. */
export function resolveLocation(location: string, baseDir: string): string {
  return /^https?:\/\//.test(location) ? location : resolve(baseDir, location);
}

export const DEFAULT_USER_AGENT = 'Madoguchi/0.1 (SME support directory aggregator; +https://github.com/madoguchi)';

/** Requests in flight to one host: agencies' servers are small, so a sync stays a light visitor. */
export const DEFAULT_PER_HOST_CONCURRENCY = 2;

export interface HostLimiter {
  /** Runs `task` once fewer than the limit of requests to the URL's host are in flight. */
  run<T>(url: string, task: () => Promise<T>): Promise<T>;
}

export function createHostLimiter(perHost = DEFAULT_PER_HOST_CONCURRENCY): HostLimiter {
  const active = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  const release = (host: string) => {
    const next = waiting.get(host)?.shift();
    if (next) return next();
    const n = (active.get(host) ?? 1) - 1;
    if (n === 0) active.delete(host);
    else active.set(host, n);
  };
  return {
    async run(url, task) {
      const host = new URL(url).host;
      const n = active.get(host) ?? 0;
      if (n < perHost) {
        active.set(host, n + 1);
      } else {
        // The slot passes straight from the finishing request to this one, so the count holds.
        await new Promise<void>((resolve) => {
          const queue = waiting.get(host) ?? [];
          queue.push(resolve);
          waiting.set(host, queue);
        });
      }
      try {
        return await task();
      } finally {
        release(host);
      }
    },
  };
}

export function createAdapterContext(overrides: Partial<AdapterContext> = {}): AdapterContext {
  const silent = { info() {}, warn() {}, error() {}, debug() {} };
  return {
    fetch: undiciFetch,
    readFile: (p) => readFile(p),
    clock: () => new Date(),
    logger: silent,
    userAgent: DEFAULT_USER_AGENT,
    // The variables an agency file's auth may name: the entry points pass the settings' environment.
    env: {},
    hostLimiter: createHostLimiter(),
    ...overrides,
  };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  retryOn: number[];
}

const NO_RETRY: RetryPolicy = { attempts: 1, backoffMs: 0, retryOn: [] };

export type Loaded =
  | { status: 'not-modified' }
  | {
      status: 'ok';
      body: Buffer;
      etag: string | null;
      lastModified: string | null;
      contentType: string | null;
      /** The answer's headers (null for a file), for what a format reads from them (Link). */
      headers: Headers | null;
    };

export interface LoadOptions {
  state?: FetchState;
  timeoutMs: number;
  retry?: RetryPolicy;
  accept?: string;
  /** Extra request headers (an API's auth header). */
  headers?: Record<string, string>;
  /** Most bytes an answer may have, decompressed (default MAX_BODY_BYTES). */
  maxBytes?: number;
}

/** Most bytes a source's answer may have unless a reader says less: a source larger is refused. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

/**
 * An answer's body, read as it comes and refused as soon as it passes `max` bytes: a huge or
 * endless answer (or a compression bomb, counted decompressed) never fills the memory.
 */
async function readBody(res: Awaited<ReturnType<FetchFn>>, location: string, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooLarge = () =>
    new AdapterError(`${location} is larger than ${mib(max)}, the most a source may be`, 'MALFORMED');
  if (!res.headers.get('content-encoding') && declared > max) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Why a host may not be reached by a redirect (it is, or resolves to, a non-public address), or null. */
async function nonPublicHost(hostname: string): Promise<string | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : // A name that does not resolve fails the fetch itself.
      ((await lookup(host, { all: true }).catch(() => [])) as Array<{ address: string }>).map((a) => a.address);
  for (const a of addresses) {
    const why = nonPublicReason(a);
    if (why) return why;
  }
  return null;
}

/**
 * GET with redirects followed by hand: at most five, http(s) only, and never to another host
 * that is or resolves to a loopback, private or link-local address (the cloud metadata service,
 * the operator's own machine): a source's server decides where a redirect points, the agency
 * file only where reading starts. Headers the agency file adds (an API key) go to the first
 * origin only.
 */
async function fetchFollowing(
  ctx: AdapterContext,
  location: string,
  headers: Record<string, string>,
  extra: Record<string, string>,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<FetchFn>>> {
  const start = new URL(location);
  let url = start;
  for (let hop = 0; ; hop++) {
    const sameOrigin = url.origin === start.origin;
    const res = await ctx.fetch(url.href, {
      headers: sameOrigin ? { ...extra, ...headers } : headers,
      signal,
      redirect: 'manual',
    });
    const to = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
    if (!to) return res;
    await res.body?.cancel();
    if (hop === MAX_REDIRECTS)
      throw new AdapterError(`${location} redirects more than ${MAX_REDIRECTS} times`, 'UNREACHABLE');
    let next: URL;
    try {
      next = new URL(to, url);
    } catch {
      throw new AdapterError(`${url.href} redirects to an unusable address`, 'UNREACHABLE');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new AdapterError(`${url.href} redirects to ${next.protocol} (http and https only)`, 'UNREACHABLE');
    if (next.hostname !== start.hostname) {
      const why = await nonPublicHost(next.hostname);
      if (why)
        throw new AdapterError(`${url.href} redirects to ${next.host}, which is not allowed: ${why}`, 'UNREACHABLE');
    }
    url = next;
  }
}

/**
 * Loads a source's bytes from a file path or an http(s) URL: conditional GET, a timeout per
 * attempt, retries with exponential backoff only for the statuses the policy names, and at most
 * the context's per-host number of requests in flight.
 */
export async function loadLocation(ctx: AdapterContext, location: string, opts: LoadOptions): Promise<Loaded> {
  if (!/^https?:\/\//.test(location)) {
    try {
      return {
        status: 'ok',
        body: await ctx.readFile(location),
        etag: null,
        lastModified: null,
        contentType: null,
        headers: null,
      };
    } catch (e) {
      throw new AdapterError(`cannot read ${location}: ${(e as Error).message}`, 'UNREACHABLE');
    }
  }
  const policy = opts.retry ?? NO_RETRY;
  let lastError: AdapterError | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, policy.backoffMs * 2 ** (attempt - 2)));
    const headers: Record<string, string> = { 'user-agent': ctx.userAgent };
    if (opts.accept) headers.accept = opts.accept;
    if (opts.state?.etag) headers['if-none-match'] = opts.state.etag;
    if (opts.state?.lastModified) headers['if-modified-since'] = opts.state.lastModified;
    const outcome = await ctx.hostLimiter.run(location, async (): Promise<Loaded | AdapterError> => {
      try {
        const res = await fetchFollowing(
          ctx,
          location,
          headers,
          opts.headers ?? {},
          AbortSignal.timeout(opts.timeoutMs),
        );
        if (res.status === 304) return { status: 'not-modified' };
        if (!res.ok) {
          await res.body?.cancel();
          return new AdapterError(`${location} answered HTTP ${res.status}`, 'HTTP_STATUS', res.status);
        }
        const body = await readBody(res, location, opts.maxBytes ?? MAX_BODY_BYTES);
        // A compressed answer's Content-Length counts the compressed bytes, not these.
        const declared = res.headers.get('content-encoding') ? NaN : Number(res.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared !== body.length) {
          throw new AdapterError(`${location} sent ${body.length} of ${declared} bytes`, 'MALFORMED');
        }
        return {
          status: 'ok',
          body,
          etag: res.headers.get('etag'),
          lastModified: res.headers.get('last-modified'),
          contentType: res.headers.get('content-type'),
          headers: res.headers as unknown as Headers,
        };
      } catch (e) {
        if (e instanceof AdapterError) throw e;
        // Network failures and timeouts are not retried: the policy covers 5xx and 429 answers only.
        const err = e as Error;
        const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
        throw timedOut
          ? new AdapterError(`${location} did not answer within ${opts.timeoutMs} ms`, 'TIMEOUT')
          : new AdapterError(`${location} unreachable: ${err.message}`, 'UNREACHABLE');
      }
    });
    if (!(outcome instanceof AdapterError)) return outcome;
    lastError = outcome;
    if (!policy.retryOn.includes(outcome.status ?? 0)) throw outcome;
  }
  throw lastError ?? new AdapterError(`${location}: no attempt made`, 'UNREACHABLE');
}
