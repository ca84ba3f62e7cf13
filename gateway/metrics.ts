/**
 * Prometheus metrics of the gateway (prom-client): requests and latency by operation, subgraph
 * fetches (sent, merged into an identical one in flight, retried, failed over to another replica),
 * their latency and errors, each subgraph's and each endpoint's circuit, response-cache hits and misses, whether the shared
 * cache (Redis) is up, and refusals by reason. One registry per
 * gateway instance so tests and workers do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'status'>;
  requestSeconds: Histogram<'operation'>;
  subgraphSeconds: Histogram<'subgraph'>;
  subgraphErrors: Counter<'subgraph' | 'code'>;
  subgraphFetches: Counter<'subgraph'>;
  subgraphDeduplicated: Counter<'subgraph'>;
  statsPassThrough: Counter<'outcome'>;
  subgraphRetries: Counter<'subgraph'>;
  circuitState: Gauge<'subgraph'>;
  endpointCircuitState: Gauge<'subgraph' | 'endpoint'>;
  subgraphFailovers: Counter<'subgraph'>;
  circuitRejections: Counter<'subgraph'>;
  responseCache: Counter<'result'>;
  sharedCacheUp: Gauge;
  refusals: Counter<'reason'>;
  /** Reports these caches' bytes and entries at every scrape. */
  watchCaches(caches: Map<string, { calculatedSize: number; size: number }>): void;
}

export function createGatewayMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'madoguchi_' });
  const buckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'madoguchi_graphql_requests_total',
      help: 'GraphQL requests by operation name and HTTP status',
      labelNames: ['operation', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'madoguchi_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name',
      labelNames: ['operation'],
      buckets,
      registers,
    }),
    subgraphSeconds: new Histogram({
      name: 'madoguchi_subgraph_fetch_duration_seconds',
      help: 'Subgraph fetch latency, per HTTP request sent',
      labelNames: ['subgraph'],
      buckets,
      registers,
    }),
    subgraphErrors: new Counter({
      name: 'madoguchi_subgraph_fetch_errors_total',
      help: 'Subgraph fetch failures by code',
      labelNames: ['subgraph', 'code'],
      registers,
    }),
    subgraphFetches: new Counter({
      name: 'madoguchi_subgraph_requests_total',
      help: 'HTTP requests sent to subgraphs, retries included',
      labelNames: ['subgraph'],
      registers,
    }),
    statsPassThrough: new Counter({
      name: 'madoguchi_stats_pass_through_total',
      help: 'consultationStats operations sent straight to their subgraph: answered as they came (passed) or handed back to Apollo Gateway (declined)',
      labelNames: ['outcome'],
      registers,
    }),
    subgraphDeduplicated: new Counter({
      name: 'madoguchi_subgraph_deduplicated_total',
      help: 'Subgraph fetches answered by an identical request already in flight',
      labelNames: ['subgraph'],
      registers,
    }),
    subgraphRetries: new Counter({
      name: 'madoguchi_subgraph_retries_total',
      help: 'Subgraph requests sent again after no answer or a 502/503',
      labelNames: ['subgraph'],
      registers,
    }),
    circuitState: new Gauge({
      name: 'madoguchi_subgraph_circuit_state',
      help: 'Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open',
      labelNames: ['subgraph'],
      registers,
      aggregator: 'max',
    }),
    endpointCircuitState: new Gauge({
      name: 'madoguchi_subgraph_endpoint_circuit_state',
      help: 'Circuit breaker per subgraph endpoint (replica): 0 closed, 1 half-open, 2 open',
      labelNames: ['subgraph', 'endpoint'],
      registers,
      aggregator: 'max',
    }),
    subgraphFailovers: new Counter({
      name: 'madoguchi_subgraph_failovers_total',
      help: 'Subgraph requests sent to another endpoint after the first could not be connected to',
      labelNames: ['subgraph'],
      registers,
    }),
    circuitRejections: new Counter({
      name: 'madoguchi_subgraph_circuit_rejections_total',
      help: 'Subgraph fetches failed fast by an open circuit',
      labelNames: ['subgraph'],
      registers,
    }),
    responseCache: new Counter({
      name: 'madoguchi_response_cache_total',
      help: 'Response cache lookups of cacheable requests: hit or miss',
      labelNames: ['result'],
      registers,
    }),
    sharedCacheUp: new Gauge({
      name: 'madoguchi_shared_cache_up',
      help: 'Whether the caches shared through Redis (REDIS_URL) are in use: 1 yes, 0 no (Redis unreachable, or no REDIS_URL)',
      registers,
      aggregator: 'min',
    }),
    refusals: new Counter({
      name: 'madoguchi_requests_refused_total',
      help: 'Requests refused before execution, by reason',
      labelNames: ['reason'],
      registers,
    }),
    watchCaches(caches) {
      const gauge = (name: string, help: string, read: (c: { calculatedSize: number; size: number }) => number) =>
        new Gauge({
          name,
          help,
          labelNames: ['cache'],
          registers,
          collect() {
            for (const [cache, c] of caches) this.set({ cache }, read(c));
          },
        });
      gauge('madoguchi_cache_bytes', 'Approximate bytes held by each cache callers can fill', (c) => c.calculatedSize);
      gauge('madoguchi_cache_entries', 'Entries held by each cache callers can fill', (c) => c.size);
    },
  };
}
