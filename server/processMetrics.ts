/**
 * Metrics and health routes every non-gateway process serves (the subgraphs, the sync leader):
 * `/healthz` (the process answers), `/readyz` (its checks pass: the store answers within 2 s,
 * not draining) and `/metrics` (Prometheus text: the process's own metrics, per-subgraph request
 * counts and latency, and per-source sync metrics where this process syncs).
 */
import type { ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Route } from './http';

/** One registry per process: default process metrics once, whatever serves them. */
let processRegistry: Registry | undefined;
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'madoguchi_' });
  }
  return processRegistry;
}

/** What a sync reported about one source (adapters' SyncReport, the fields metrics need). */
export interface SyncOutcome {
  sourceId: string;
  outcome: string;
  read: number;
  accepted: number;
  rejected: unknown[];
  durationMs: number;
  /** An unchanged source: the counts of the snapshot it keeps. */
  kept?: { refused: number };
}

export interface SyncMetrics {
  record(report: SyncOutcome, at?: Date): void;
}

/** Per-source sync metrics: last success time, rows read/accepted/refused and duration of the last run, runs by outcome. */
export function createSyncMetrics(registry: Registry = processMetricsRegistry()): SyncMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const registers = [registry];
  const lastSuccess = get(
    'madoguchi_source_last_success_timestamp_seconds',
    () =>
      new Gauge({
        name: 'madoguchi_source_last_success_timestamp_seconds',
        help: 'When each source last synced without failing (Unix seconds)',
        labelNames: ['source'],
        registers,
      }),
  );
  const rows = get(
    'madoguchi_source_rows',
    () =>
      new Gauge({
        name: 'madoguchi_source_rows',
        help: "Rows of each source's last completed sync: read, accepted, refused",
        labelNames: ['source', 'kind'],
        registers,
      }),
  );
  const duration = get(
    'madoguchi_source_sync_duration_seconds',
    () =>
      new Gauge({
        name: 'madoguchi_source_sync_duration_seconds',
        help: "How long each source's last sync took",
        labelNames: ['source'],
        registers,
      }),
  );
  const runs = get(
    'madoguchi_source_syncs_total',
    () =>
      new Counter({
        name: 'madoguchi_source_syncs_total',
        help: 'Syncs by source and outcome (updated, unchanged, skipped, failed)',
        labelNames: ['source', 'outcome'],
        registers,
      }),
  );
  return {
    record(r, at = new Date()) {
      runs.inc({ source: r.sourceId, outcome: r.outcome });
      duration.set({ source: r.sourceId }, r.durationMs / 1000);
      if (r.outcome === 'failed' || r.outcome === 'skipped') return;
      lastSuccess.set({ source: r.sourceId }, at.getTime() / 1000);
      rows.set({ source: r.sourceId, kind: 'read' }, r.read);
      rows.set({ source: r.sourceId, kind: 'accepted' }, r.accepted);
      rows.set({ source: r.sourceId, kind: 'refused' }, r.kept?.refused ?? r.rejected.length);
    },
  };
}

/** Request counts and latency of one subgraph, labelled by status only (operation names are the gateway's). */
export function createSubgraphRequestMetrics(subgraph: string, registry: Registry = processMetricsRegistry()) {
  const registers = [registry];
  const requests =
    (registry.getSingleMetric('madoguchi_subgraph_requests_total') as Counter<'subgraph' | 'status'> | undefined) ??
    new Counter({
      name: 'madoguchi_subgraph_requests_total',
      help: 'Requests a subgraph answered, by HTTP status',
      labelNames: ['subgraph', 'status'],
      registers,
    });
  const seconds =
    (registry.getSingleMetric('madoguchi_subgraph_request_seconds') as Histogram<'subgraph'> | undefined) ??
    new Histogram({
      name: 'madoguchi_subgraph_request_seconds',
      help: 'Time a subgraph took to answer',
      labelNames: ['subgraph'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  return (status: number, s: number) => {
    requests.inc({ subgraph, status: String(status) });
    seconds.observe({ subgraph }, s);
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** /healthz, /readyz and /metrics for a process; `draining` and `checks` decide readiness. */
export function healthRoutes(options: {
  registry?: Registry;
  draining: () => boolean;
  checks: Record<string, () => Promise<void>>;
}): Route[] {
  const registry = options.registry ?? processMetricsRegistry();
  return [
    { method: 'GET', path: '/healthz', handle: (_, res) => send(res, 200, 'application/json', '{"status":"ok"}') },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_, res) => {
        if (options.draining())
          return send(res, 503, 'application/json', JSON.stringify({ status: 'draining', checks: {} }));
        const checks: Record<string, string> = {};
        await Promise.all(
          Object.entries(options.checks).map(async ([name, check]) => {
            checks[name] = await Promise.race([
              check().then(() => 'ok'),
              new Promise<string>((r) => setTimeout(() => r('failed: no answer within 2 s'), 2000).unref()),
            ]).catch((e: Error) => `failed: ${e.message}`);
          }),
        );
        const ready = Object.values(checks).every((v) => v === 'ok');
        send(
          res,
          ready ? 200 : 503,
          'application/json',
          JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }),
        );
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_, res) => send(res, 200, registry.contentType, await registry.metrics()),
    },
  ];
}
