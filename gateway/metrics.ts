/**
 * Prometheus metrics of the gateway (prom-client): requests and latency by operation, subgraph
 * fetch latency and errors, and refusals by reason. One registry per gateway instance so tests
 * and workers do not share counters.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'status'>;
  requestSeconds: Histogram<'operation'>;
  subgraphSeconds: Histogram<'subgraph'>;
  subgraphErrors: Counter<'subgraph' | 'code'>;
  refusals: Counter<'reason'>;
}

export function createGatewayMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'madoguchi_' });
  const buckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  return {
    registry,
    requests: new Counter({ name: 'madoguchi_graphql_requests_total', help: 'GraphQL requests by operation name and HTTP status', labelNames: ['operation', 'status'], registers: [registry] }),
    requestSeconds: new Histogram({ name: 'madoguchi_graphql_request_duration_seconds', help: 'GraphQL request latency by operation name', labelNames: ['operation'], buckets, registers: [registry] }),
    subgraphSeconds: new Histogram({ name: 'madoguchi_subgraph_fetch_duration_seconds', help: 'Subgraph fetch latency', labelNames: ['subgraph'], buckets, registers: [registry] }),
    subgraphErrors: new Counter({ name: 'madoguchi_subgraph_fetch_errors_total', help: 'Subgraph fetch failures by code', labelNames: ['subgraph', 'code'], registers: [registry] }),
    refusals: new Counter({ name: 'madoguchi_requests_refused_total', help: 'Requests refused before execution, by reason', labelNames: ['reason'], registers: [registry] }),
  };
}
