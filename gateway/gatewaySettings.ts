/**
 * What the gateway takes from the settings (server/settings.ts) in its own shapes: plan cache
 * sizes, subgraph URL overrides, persisted-query registration, who may read /metrics, the
 * subgraphs named by a supergraph, and Apollo's own telemetry switch. Re-exported by ./gateway.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Settings } from '../server/settings';

/** Sizes of the caches in front of planning: parsed and validated documents, and query plans. */
export interface PlanCacheSizes {
  /** Apollo Server's document store (parsed, validated operations), approximate MiB. */
  documentStoreMiB: number;
  /** ApolloGateway's query-plan store (`experimental_approximateQueryPlanStoreMiB`). */
  queryPlanStoreMiB: number;
}

export function planCacheSizesOf(s: Settings): PlanCacheSizes {
  return { documentStoreMiB: s.documentCacheMiB, queryPlanStoreMiB: s.queryPlanCacheMiB };
}

/** SUBGRAPH_<NAME>_URL overrides, several replicas comma-separated, as the gateway takes them. */
export function subgraphUrlsOf(s: Settings): Record<string, string> {
  return Object.fromEntries(Object.entries(s.subgraphUrls).map(([name, urls]) => [name, urls.join(',')]));
}

export interface ApqSettings {
  /** Bytes of client-registered queries kept (MADOGUCHI_APQ_CACHE_MIB). */
  bytes: number;
  /** `open` or `safelist` (MADOGUCHI_APQ_REGISTRATION; production's default is `safelist`). */
  registration: Settings['apqRegistration'];
}

export function apqSettingsOf(s: Settings): ApqSettings {
  return { bytes: s.apqCacheMiB * 1024 * 1024, registration: s.apqRegistration };
}

/**
 * /metrics tells the runtime's version, the subgraphs' names, circuit states and per-operation
 * counts: with a token set, only `Authorization: Bearer <token>` reads it; in production without
 * one it is closed (a scraper on the same host or network gets the token).
 */
export interface MetricsAccess {
  token?: string;
  /** Readable without a token (development without MADOGUCHI_METRICS_TOKEN). */
  open: boolean;
}

export function metricsAccessOf(s: Settings): MetricsAccess {
  return { token: s.metricsToken, open: !s.metricsToken && s.mode !== 'production' };
}

export function metricsRefusal(
  access: MetricsAccess,
  authorization: string | undefined,
): { status: number; message: string } | null {
  if (access.open) return null;
  if (!access.token)
    return { status: 403, message: 'metrics are closed in production until MADOGUCHI_METRICS_TOKEN is set\n' };
  const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(access.token);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  return { status: 401, message: 'metrics need Authorization: Bearer <MADOGUCHI_METRICS_TOKEN>\n' };
}

/** Subgraph names and URLs as the supergraph and the overrides give them. */
export function subgraphEndpoints(
  supergraphSdl: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g))
    endpoints[m[1]] = overrides[m[1]] ?? m[2];
  return endpoints;
}

/**
 * @apollo/gateway 2.14 otherwise reports usage metrics to Apollo and, to label them, probes the
 * cloud metadata addresses (169.254.169.254, metadata.google.internal, …) at start. Madoguchi
 * runs where consultation data lives and sends nothing out that nobody asked for; an operator
 * who wants Apollo's telemetry sets APOLLO_TELEMETRY_DISABLED=false.
 */
export function disableVendorTelemetry(settings: Pick<Settings, 'apolloTelemetryDisabled'>): void {
  // Written, not read: @apollo/gateway looks for it in the environment.
  process.env.APOLLO_TELEMETRY_DISABLED = String(settings.apolloTelemetryDisabled);
}
