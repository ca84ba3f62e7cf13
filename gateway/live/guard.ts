/**
 * The gateway's guard around every call to an agency's REST service (the OpenAPI bridge's fetch):
 * the service is not ours, so each source has its own connections, a timeout per call, a bound on
 * the size of an answer (read as it streams, cut past the bound), a circuit breaker that fails
 * fast while the service is down, and safe retries (GET only, on no answer or a 502/503) within a
 * retry budget. Calls go only to the origin the agency file declares (`baseUrl`), never to hosts
 * an OpenAPI document or a redirect names; each carries the agency's credential from the
 * environment and the minimal signed identity of the caller.
 */
import { Pool } from 'undici';
import { CircuitBreaker, type CircuitState } from '../subgraph/circuitBreaker';
import { RetryBudget } from '../subgraph/retryBudget';
import { ANONYMOUS, type Viewer } from '../../server/identity';

export interface LiveLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  connections: number;
  retries: number;
  breakerThreshold: number;
  breakerOpenMs: number;
}

/** A failure of the agency's service, told without its internals (hosts, ports, bodies). */
export class LiveSourceError extends Error {
  constructor(
    message: string,
    readonly code: 'SOURCE_UNAVAILABLE' | 'RESPONSE_TOO_LARGE' | 'BAD_USER_INPUT' = 'SOURCE_UNAVAILABLE',
  ) {
    super(message);
    this.name = 'LiveSourceError';
  }
}

export interface GuardedFetchOptions {
  /** The only origin calls may go to (the file's baseUrl). */
  origin: string;
  limits: LiveLimits;
  /** Headers every call carries (the credential from the environment). */
  headers: () => Record<string, string>;
  /** The signed identity header of a call. */
  identity: (
    viewer: Viewer,
    request: { method: string; path: string; body: string },
  ) => Promise<Record<string, string>>;
  /** Each call's outcome and time, for the source's status and latency. */
  onCall?: (outcome: { ok: boolean; ms: number; error?: string }) => void;
  onCircuit?: (state: CircuitState) => void;
}

/** What a resolver's context offers the fetch: the caller, and the request's abort signal. */
interface CallContext {
  viewer?: Viewer;
  budget?: { signal?: AbortSignal };
}

const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNREFUSED']);

function codeOf(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const code = err?.code ?? err?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Reads a body up to `max` bytes; more is refused (and the transfer cut). */
async function readBounded(body: AsyncIterable<Buffer> & { destroy?(): void }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy?.();
      throw new LiveSourceError(`its answer was larger than ${max} bytes`, 'RESPONSE_TOO_LARGE');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface GuardedFetch {
  (url: string, init?: RequestInit, context?: unknown): Promise<Response>;
  readonly circuitState: CircuitState;
  close(): Promise<void>;
}

export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const { limits } = options;
  const origin = new URL(options.origin).origin;
  const pool = new Pool(origin, { connections: limits.connections, keepAliveTimeout: 10_000 });
  const breaker = new CircuitBreaker({
    failureThreshold: limits.breakerThreshold,
    openMs: limits.breakerOpenMs,
    onStateChange: options.onCircuit,
  });
  const retryBudget = new RetryBudget({ ratio: 0.1, minPerWindow: 10, windowMs: 10_000 });

  const attempt = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; type: string; bytes: Buffer }> => {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new LiveSourceError(`no answer within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    try {
      const res = await pool.request({ path, method: method as 'GET', headers, body, signal: controller.signal });
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length > limits.maxResponseBytes) {
        res.body.destroy();
        throw new LiveSourceError(`its answer was larger than ${limits.maxResponseBytes} bytes`, 'RESPONSE_TOO_LARGE');
      }
      const bytes = await readBounded(res.body, limits.maxResponseBytes);
      const type = res.headers['content-type'];
      return { status: res.statusCode, type: (Array.isArray(type) ? type[0] : type) ?? '', bytes };
    } catch (e) {
      if (controller.signal.aborted && controller.signal.reason instanceof LiveSourceError)
        throw controller.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };

  const guarded = async (url: string, init: RequestInit = {}, context?: unknown): Promise<Response> => {
    const target = new URL(url);
    if (target.origin !== origin)
      throw new LiveSourceError('the call was refused: it named a host other than the declared baseUrl');
    // Dot segments or a fragment in what was built would make it another path than the operation's.
    if (/\/\.\.?(\/|\?|$)/.test(url) || url.includes('#'))
      throw new LiveSourceError("the call was refused: its path leaves the operation's", 'BAD_USER_INPUT');
    const ctx = (context ?? {}) as CallContext;
    const viewer = ctx.viewer ?? ANONYMOUS;
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? init.body : init.body == null ? undefined : String(init.body);
    const path = `${target.pathname}${target.search}`;
    const given = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    const headers: Record<string, string> = { accept: 'application/json' };
    const type = given.get('content-type');
    if (type) headers['content-type'] = type;
    Object.assign(headers, options.headers(), await options.identity(viewer, { method, path, body: body ?? '' }));
    retryBudget.request();
    let retries = 0;
    for (;;) {
      const ticket = breaker.acquire();
      if (ticket === 'reject') {
        throw new LiveSourceError(`its circuit is open after repeated failures; next try in ${breaker.retryInMs} ms`);
      }
      const probe = ticket === 'probe';
      const started = performance.now();
      let outcome: { status: number; type: string; bytes: Buffer } | Error;
      try {
        outcome = await attempt(method, path, headers, body, ctx.budget?.signal);
      } catch (e) {
        outcome = e instanceof Error ? e : new Error(String(e));
      }
      const ms = performance.now() - started;
      if (ctx.budget?.signal?.aborted) {
        breaker.release(probe);
        throw ctx.budget.signal.reason instanceof Error ? ctx.budget.signal.reason : new Error('request aborted');
      }
      const failed =
        outcome instanceof Error
          ? !(outcome instanceof LiveSourceError && outcome.code === 'RESPONSE_TOO_LARGE')
          : outcome.status >= 500;
      if (failed) breaker.failure(probe);
      else breaker.success(probe);
      const retryable =
        method === 'GET' &&
        retries < limits.retries &&
        breaker.state === 'closed' &&
        (outcome instanceof Error
          ? RETRYABLE.has(codeOf(outcome) ?? '')
          : outcome.status === 502 || outcome.status === 503);
      if (retryable && retryBudget.tryRetry()) {
        retries += 1;
        continue;
      }
      if (outcome instanceof Error) {
        const reason =
          outcome instanceof LiveSourceError
            ? outcome
            : new LiveSourceError(`connection failed${codeOf(outcome) ? ` (${codeOf(outcome)})` : ''}`);
        options.onCall?.({ ok: false, ms, error: reason.message });
        throw reason;
      }
      options.onCall?.(
        outcome.status >= 500 ? { ok: false, ms, error: `it answered HTTP ${outcome.status}` } : { ok: true, ms },
      );
      return new Response(new Uint8Array(outcome.bytes), {
        status: outcome.status,
        headers: { 'content-type': outcome.type || 'application/json' },
      });
    }
  };
  let closing: Promise<void> | undefined;
  // A getter, not Object.assign: that would copy the state once.
  Object.defineProperty(guarded, 'circuitState', { get: () => breaker.state });
  return Object.assign(guarded, { close: () => (closing ??= pool.close()) }) as GuardedFetch;
}
