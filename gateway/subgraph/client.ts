/**
 * How the gateway talks to one subgraph, served by one or more replicas (endpoints, from a
 * comma-separated URL list): per endpoint a keep-alive undici pool and a circuit breaker, a
 * timeout per attempt, and
 *
 * - balancing: each request goes to the endpoint with the fewest requests in flight among those
 *   whose circuit lets it through (ties taken in turn), so a slow replica gets less and a dead
 *   one none once its circuit opens;
 * - failover: a request that could not even connect (refused, no route, connect timeout) never
 *   reached a subgraph, so it goes at once to another endpoint — mutations too — without
 *   spending the retry budget;
 *
 * - deduplication: identical in-flight queries (same subgraph operation and variables, same
 *   forwarded viewer) share one HTTP request — one signed identity, since subgraphs refuse a
 *   replayed nonce — and each waiter parses its own copy of the answer, because the query plan
 *   executor merges later fetches into the objects it is given;
 * - retries where they are safe: queries only, on no answer or a 502/503, re-signed (a fresh
 *   nonce), within a retry budget of about 10% of the requests;
 * - a circuit breaker that fails fast while the subgraph is down and probes it back.
 *
 * Mutations are never merged and never retried. Every failure is a GraphQL error naming the
 * subgraph, so the other subgraphs' fields still come back. Each request's execution budget is
 * checked before a fetch and charged with what comes back (bytes, objects); its signal aborts the
 * fetches still in flight when the request times out or runs out of budget. The identity sent is
 * signed for this subgraph and this body only.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Pool } from 'undici';
import { ANONYMOUS, signIdentity, type Viewer } from '../../server/identity';
import { countObjects, type ExecutionBudget } from '../../server/budget';
import type { GatewayMetrics } from '../metrics';
import { CircuitBreaker, type CircuitState } from './circuitBreaker';
import { RetryBudget } from './retryBudget';
import type { Settings } from '../../server/settings';
import { AnswerTooLarge, isRecord, readBounded, untrustedAnswer, type UntrustedSubgraph } from './untrusted';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What the gateway's request context offers a subgraph fetch. */
export interface SubgraphRequestContext {
  viewer?: Viewer;
  requestId?: string;
  budget?: ExecutionBudget;
}

export interface SubgraphClientOptions {
  /** Per attempt. */
  timeoutMs: number;
  connections: number;
  keepAliveTimeoutMs: number;
  dedup: boolean;
  /** Extra attempts for a query that got no answer or a 502/503. */
  retries: number;
  retryBackoffMs: number;
  /** Share of recent requests that may be retried, per subgraph. */
  retryBudgetRatio: number;
  /** Retries always allowed per 10 s window, so that a quiet gateway can still retry. */
  retryBudgetFloor: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit fails fast before letting a probe through. */
  breakerOpenMs: number;
  /**
   * A subgraph Madoguchi does not run (an agency's live source: gateway/live): its answers are
   * bounded in size, its errors never stop the whole request and carry only a code, a message and
   * a path, and it is sent `signHeaders`' identity instead of the built-in subgraphs' one.
   */
  untrusted?: UntrustedSubgraph;
}

export const DEFAULT_SUBGRAPH_CLIENT_OPTIONS: SubgraphClientOptions = {
  timeoutMs: 10_000,
  connections: 64,
  keepAliveTimeoutMs: 30_000,
  dedup: true,
  retries: 1,
  retryBackoffMs: 25,
  retryBudgetRatio: 0.1,
  retryBudgetFloor: 10,
  breakerThreshold: 5,
  breakerOpenMs: 5_000,
};

export function subgraphClientOptionsOf(s: Settings): SubgraphClientOptions {
  return {
    ...DEFAULT_SUBGRAPH_CLIENT_OPTIONS,
    timeoutMs: s.subgraphTimeoutMs,
    connections: s.subgraphConnections,
    dedup: s.subgraphDedup,
    retries: s.subgraphRetries,
    breakerThreshold: s.breakerThreshold,
    breakerOpenMs: s.breakerOpenMs,
  };
}

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** Objects and list items in the answer, as counted up to `limit` (by the first of a shared fetch's waiters). */
  counted?: { objects: number; limit: number };
}

class AttemptTimeout extends Error {}

/** One fetch several identical requests wait for. */
interface SharedFetch {
  promise: Promise<RawResponse>;
  /** Requests still waiting for it. */
  waiting: number;
  controller: AbortController;
}

/** Waits for a shared fetch; a waiter whose own request is given up on leaves, the last one aborts it. */
function waitFor(shared: SharedFetch, signal: AbortSignal | undefined): Promise<RawResponse> {
  if (!signal) {
    shared.waiting += 1;
    return shared.promise.finally(() => (shared.waiting -= 1));
  }
  if (signal.aborted) return Promise.reject(signal.reason);
  shared.waiting += 1;
  return new Promise<RawResponse>((resolve, reject) => {
    const leave = () => {
      shared.waiting -= 1;
      if (shared.waiting === 0) shared.controller.abort(signal.reason);
      reject(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    shared.promise.then(
      (r) => {
        signal.removeEventListener('abort', leave);
        shared.waiting -= 1;
        resolve(r);
      },
      (e) => {
        signal.removeEventListener('abort', leave);
        shared.waiting -= 1;
        reject(e);
      },
    );
  });
}

const MUTATION = /^\s*mutation\b/;
const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

// Failures that mean the request never reached a subgraph able to answer it, so a query can be
// sent again: refused or reset connections, a keep-alive socket closed under us, DNS hiccups.
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } };
  const code = err?.code ?? err?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

// Socket errors may come from another realm (a test runner's), where `instanceof Error` fails:
// their code is kept, since failover and retries are decided by it.
function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  const err = new Error(String((e as { message?: unknown })?.message ?? e)) as Error & { code?: string };
  err.code = errorCode(e);
  return err;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Failures where the connection was never made: nothing reached a subgraph, so sending the same
// request to another endpoint cannot do anything twice, even for a mutation.
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Splits a subgraph's URL setting into its endpoints: `http://a:4002/graphql,http://b:4002/graphql`. */
export function endpointUrls(urls: string | readonly string[]): string[] {
  const list = (typeof urls === 'string' ? urls.split(',') : [...urls]).map((u) => u.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('a subgraph needs at least one URL');
  for (const u of list) {
    const parsed = new URL(u);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error(`subgraph URL must be http(s): ${u}`);
  }
  return list;
}

/** One replica of the subgraph: its own connections and its own circuit. */
class Endpoint {
  readonly pool: Pool;
  readonly path: string;
  readonly breaker: CircuitBreaker;
  inFlight = 0;

  constructor(
    readonly url: string,
    options: SubgraphClientOptions,
    onStateChange: (state: CircuitState) => void,
  ) {
    const parsed = new URL(url);
    this.path = `${parsed.pathname}${parsed.search}`;
    this.pool = new Pool(parsed.origin, {
      connections: options.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      pipelining: 1,
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breakerThreshold,
      openMs: options.breakerOpenMs,
      onStateChange,
    });
  }
}

export class SubgraphClient implements GraphQLDataSource<Record<string, any>> {
  private readonly endpoints: Endpoint[];
  private turn = 0;
  /** In-flight queries by viewer, then by request body. */
  private readonly inFlight = new Map<string, Map<string, SharedFetch>>();
  private readonly budget: RetryBudget;
  readonly options: SubgraphClientOptions;
  /** The first endpoint's URL (all of them: `urls`). */
  readonly url: string;
  readonly urls: string[];

  constructor(
    readonly name: string,
    urls: string | readonly string[],
    private readonly secret: string,
    options: Partial<SubgraphClientOptions> = {},
    private readonly metrics?: GatewayMetrics,
  ) {
    this.options = { ...DEFAULT_SUBGRAPH_CLIENT_OPTIONS, ...options };
    this.urls = endpointUrls(urls);
    this.url = this.urls[0];
    const report = () => {
      // The subgraph as a whole is as healthy as its healthiest endpoint.
      metrics?.circuitState.set({ subgraph: name }, CIRCUIT_STATE_VALUE[this.circuitState]);
      for (const e of this.endpoints ?? [])
        metrics?.endpointCircuitState.set({ subgraph: name, endpoint: e.url }, CIRCUIT_STATE_VALUE[e.breaker.state]);
    };
    this.endpoints = this.urls.map((u) => new Endpoint(u, this.options, report));
    report();
    this.budget = new RetryBudget({
      ratio: this.options.retryBudgetRatio,
      minPerWindow: this.options.retryBudgetFloor,
      windowMs: 10_000,
    });
  }

  /** Closed while any endpoint's circuit is closed; open when every one is open. */
  get circuitState(): CircuitState {
    const states = this.endpoints.map((e) => e.breaker.state);
    return states.includes('closed') ? 'closed' : states.includes('half-open') ? 'half-open' : 'open';
  }

  /** Each endpoint's circuit, by URL. */
  get endpointStates(): Array<{ url: string; state: CircuitState; inFlight: number }> {
    return this.endpoints.map((e) => ({ url: e.url, state: e.breaker.state, inFlight: e.inFlight }));
  }

  /**
   * The endpoint for the next attempt and its circuit ticket: fewest requests in flight first,
   * ties in turn, those not yet tried by this request before those already tried.
   */
  private choose(tried: Set<Endpoint>): { endpoint: Endpoint; ticket: 'pass' | 'probe' } | null {
    const start = this.turn++ % this.endpoints.length;
    const order = this.endpoints.map((_, i) => this.endpoints[(start + i) % this.endpoints.length]);
    order.sort((a, b) => Number(tried.has(a)) - Number(tried.has(b)) || a.inFlight - b.inFlight);
    for (const endpoint of order) {
      const ticket = endpoint.breaker.acquire();
      if (ticket !== 'reject') return { endpoint, ticket };
    }
    return null;
  }

  /** Outcomes already fetched for a request, by its request context (../statsPassThrough.ts). */
  private readonly replays = new WeakMap<object, { response: GatewayResponse } | { error: unknown }>();

  /**
   * The next fetch for this request (Apollo Gateway's own execution, once the pass-through has
   * declined its answer) receives this outcome, counted already, instead of asking again.
   */
  replayFor(requestContext: object, outcome: { response: GatewayResponse } | { error: unknown }): void {
    this.replays.set(requestContext, outcome);
  }

  async process(options: GraphQLDataSourceProcessOptions<Record<string, any>>): Promise<GatewayResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
    const replay = incoming && this.replays.get(incoming);
    if (replay) {
      this.replays.delete(incoming);
      if ('error' in replay) throw replay.error;
      return replay.response;
    }
    const ctx = (incoming?.context ?? options.context ?? {}) as SubgraphRequestContext;
    const viewer = ctx.viewer ?? ANONYMOUS;
    const budget = ctx.budget;
    budget?.check();
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
    });
    const operationType = incoming?.operation?.operation;
    const idempotent = !MUTATION.test(request.query) && (operationType === undefined || operationType === 'query');
    try {
      let raw: RawResponse;
      if (this.options.dedup && idempotent) {
        // Never across identities: the subgraph answers each viewer differently.
        const who = `${viewer.role}\u0000${viewer.agencyId ?? ''}\u0000${viewer.subject ?? ''}`;
        let mine = this.inFlight.get(who);
        if (!mine) this.inFlight.set(who, (mine = new Map()));
        let shared = mine.get(body);
        if (shared) {
          this.metrics?.subgraphDeduplicated.inc({ subgraph: this.name });
        } else {
          // One fetch for every waiter: it is aborted only once all of them have given up.
          const controller = new AbortController();
          const entry: SharedFetch = {
            promise: this.fetchWithPolicy(body, viewer, ctx.requestId, true, controller.signal),
            waiting: 0,
            controller,
          };
          shared = entry;
          const group = mine;
          group.set(body, entry);
          const forget = () => {
            if (group.get(body) === entry) group.delete(body);
            if (group.size === 0 && this.inFlight.get(who) === group) this.inFlight.delete(who);
          };
          entry.promise.then(forget, forget);
        }
        raw = await waitFor(shared, budget?.signal);
      } else {
        raw = await this.fetchWithPolicy(body, viewer, ctx.requestId, idempotent, budget?.signal);
      }
      budget?.check();
      budget?.addBytes(raw.text.length);
      const response = this.toResponse(raw, budget);
      if (budget) {
        // Counted once per answer (a shared fetch's waiters each parse a copy of the same text); a
        // count cut short at a lower limit than this request's is counted again.
        const limit = budget.limits.maxObjects;
        const counted = raw.counted;
        if (!counted || (counted.objects > counted.limit && limit > counted.limit))
          raw.counted = { objects: countObjects(response.data, limit), limit };
        budget.addObjects(raw.counted!.objects);
      }
      return response;
    } catch (e) {
      if (budget?.exceeded) throw budget.exceeded;
      const error = e instanceof GraphQLError ? e : this.unavailable(e instanceof Error ? e.message : String(e));
      this.metrics?.subgraphErrors.inc({
        subgraph: this.name,
        code: String(error.extensions.code ?? 'SUBGRAPH_UNAVAILABLE'),
      });
      throw error;
    }
  }

  /**
   * Closes the connections once the requests in flight finish; requests still running after
   * `graceMs` (orphans of requests the gateway already gave up on) are cut.
   */
  async close(graceMs = 1_000): Promise<void> {
    await Promise.all(
      this.endpoints.map(async ({ pool }) => {
        let timer: NodeJS.Timeout | undefined;
        const closed = await Promise.race([
          pool.close().then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
        ]);
        clearTimeout(timer);
        if (!closed) await pool.destroy();
      }),
    );
  }

  private async fetchWithPolicy(
    body: string,
    viewer: Viewer,
    requestId: string | undefined,
    idempotent: boolean,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    this.budget.request();
    const tried = new Set<Endpoint>();
    let retries = 0;
    for (;;) {
      const chosen = this.choose(tried);
      if (!chosen) {
        this.metrics?.circuitRejections.inc({ subgraph: this.name });
        const next = Math.min(...this.endpoints.map((e) => (e.breaker.state === 'open' ? e.breaker.retryInMs : 0)));
        const when = next > 0 ? `next probe in ${next} ms` : 'a probe is checking whether it is back';
        throw this.unavailable(
          `circuit open after repeated failures${this.endpoints.length > 1 ? ` on all ${this.endpoints.length} endpoints` : ''}, ${when}`,
          'open',
        );
      }
      const { endpoint, ticket } = chosen;
      const probe = ticket === 'probe';
      tried.add(endpoint);
      let outcome: RawResponse | Error;
      endpoint.inFlight += 1;
      try {
        outcome = await this.send(endpoint, body, viewer, requestId, signal);
      } catch (e) {
        outcome = asError(e);
      } finally {
        endpoint.inFlight -= 1;
      }
      if (signal?.aborted) {
        // This request was given up on (its time or budget ran out): that says nothing about the subgraph.
        endpoint.breaker.release(probe);
        throw signal.reason instanceof Error ? signal.reason : new Error('request aborted');
      }
      const failed = outcome instanceof Error || outcome.status >= 500;
      if (!failed) {
        endpoint.breaker.success(probe);
        return outcome as RawResponse;
      }
      endpoint.breaker.failure(probe);
      // Another replica that this request has not tried, when the request never reached this one.
      const untried = this.endpoints.some((e) => !tried.has(e));
      if (untried && outcome instanceof Error && NOT_CONNECTED_CODES.has(errorCode(outcome) ?? '')) {
        this.metrics?.subgraphFailovers.inc({ subgraph: this.name });
        continue;
      }
      const retryable =
        !signal?.aborted &&
        idempotent &&
        retries < this.options.retries &&
        (untried || endpoint.breaker.state === 'closed') &&
        (outcome instanceof Error
          ? !(outcome instanceof AttemptTimeout) && RETRYABLE_CODES.has(errorCode(outcome) ?? '')
          : outcome.status === 502 || outcome.status === 503);
      if (retryable && this.budget.tryRetry()) {
        retries += 1;
        this.metrics?.subgraphRetries.inc({ subgraph: this.name });
        // Jittered, so that many requests' retries reach a recovering subgraph spread out; another
        // replica is tried at once.
        if (!untried) await sleep(this.options.retryBackoffMs * retries * (0.5 + Math.random()));
        continue;
      }
      if (outcome instanceof Error) throw this.unavailable(describe(outcome));
      return outcome as RawResponse;
    }
  }

  private async send(
    endpoint: Endpoint,
    body: string,
    viewer: Viewer,
    requestId: string | undefined,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    // Signed per attempt: every request carries a fresh nonce, and is good for this subgraph and body only.
    const untrusted = this.options.untrusted;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(untrusted
        ? await untrusted.signHeaders(viewer, body)
        : signIdentity(viewer, this.secret, { subgraph: this.name, body })),
    };
    if (requestId) headers['x-request-id'] = requestId;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new AttemptTimeout(`no answer within ${this.options.timeoutMs} ms`)),
      this.options.timeoutMs,
    );
    const end = this.metrics?.subgraphSeconds.startTimer({ subgraph: this.name });
    this.metrics?.subgraphFetches.inc({ subgraph: this.name });
    try {
      const res = await endpoint.pool.request({
        path: endpoint.path,
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
      });
      const text = untrusted ? await readBounded(res, untrusted.maxResponseBytes) : await res.body.text();
      const type = res.headers['content-type'];
      return { status: res.statusCode, contentType: Array.isArray(type) ? type[0] : (type ?? ''), text };
    } catch (e) {
      throw controller.signal.aborted && controller.signal.reason instanceof AttemptTimeout
        ? controller.signal.reason
        : e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      end?.();
    }
  }

  private toResponse(raw: RawResponse, budget?: ExecutionBudget): GatewayResponse {
    if (this.options.untrusted) return this.untrustedResponse(raw);
    if (raw.status >= 200 && raw.status < 300) {
      let body: unknown;
      try {
        body = JSON.parse(raw.text);
      } catch {
        throw this.unavailable(`it answered HTTP ${raw.status} with a body that is not JSON`);
      }
      if (!isRecord(body)) throw this.unavailable(`it answered HTTP ${raw.status} without a GraphQL response`);
      // A subgraph that stopped part of its work for its budget or time (an error in an answer
      // otherwise given): the whole request stops too, rather than passing on partial data.
      if (budget && Array.isArray(body.errors)) {
        const stopped = (body.errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>).find(
          (e) => e?.extensions?.code === 'BUDGET_EXCEEDED' || e?.extensions?.code === 'REQUEST_TIMEOUT',
        );
        if (stopped)
          throw budget.fail(
            stopped.extensions!.code === 'REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BUDGET_EXCEEDED',
            String(stopped.message ?? 'the request ran over its budget'),
          );
      }
      return body as GatewayResponse;
    }
    // A subgraph refusing a request (400 for a bad argument) is the client's error, passed on with
    // its code; anything else is the subgraph failing. The raw response body is never forwarded.
    let first: { message?: unknown; extensions?: { code?: unknown } } | undefined;
    try {
      const parsed = JSON.parse(raw.text) as { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };
      first = parsed?.errors?.[0];
    } catch {
      first = undefined;
    }
    if (raw.status < 500 && typeof first?.message === 'string' && typeof first.extensions?.code === 'string') {
      const code = first.extensions.code;
      // The subgraph stopped the request for its budget or time: so does the whole request.
      if (budget && (code === 'BUDGET_EXCEEDED' || code === 'REQUEST_TIMEOUT' || code === 'COST_LIMIT_EXCEEDED')) {
        throw budget.fail(code === 'REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BUDGET_EXCEEDED', first.message);
      }
      throw new GraphQLError(first.message, { extensions: { code, serviceName: this.name } });
    }
    if (raw.status === 504) {
      if (budget) throw budget.fail('REQUEST_TIMEOUT', `subgraph "${this.name}" ran out of time for this request`);
      throw this.unavailable('it ran out of time');
    }
    throw this.unavailable(`it answered HTTP ${raw.status}`);
  }

  /** An agency's answer (./untrusted); anything but a GraphQL answer is the service failing. */
  private untrustedResponse(raw: RawResponse): GatewayResponse {
    const answer = untrustedAnswer(raw, this.name, this.options.untrusted!);
    if ('unavailable' in answer) throw this.unavailable(answer.unavailable);
    return answer as GatewayResponse;
  }

  private unavailable(reason: string, circuit?: CircuitState): GraphQLError {
    const untrusted = this.options.untrusted;
    return new GraphQLError(`${untrusted ? untrusted.label : `subgraph "${this.name}"`} is unavailable: ${reason}`, {
      extensions: {
        code: 'SUBGRAPH_UNAVAILABLE',
        serviceName: this.name,
        ...(circuit ? { circuit } : {}),
        ...untrusted?.extensions,
      },
    });
  }
}

// Only a code, never the library's message: those name internal hosts and ports.
function describe(e: Error): string {
  const code = errorCode(e);
  if (e instanceof AttemptTimeout || e instanceof AnswerTooLarge) return e.message;
  return code ? `connection failed (${code})` : 'connection failed';
}
