/**
 * The gateway: @apollo/gateway under @apollo/server, from the supergraph composed ahead of time.
 * Subgraphs are fetched by a SubgraphClient each (keep-alive pool, timeout, deduplication of
 * identical in-flight queries, safe retries within a budget, circuit breaker); a failing subgraph
 * yields an error naming it while the other subgraphs' fields still come back. Requests are
 * bounded (body, depth, aliases, tokens, cost, time); parsed documents and query plans are kept
 * in sized caches; automatic persisted queries work over POST and GET, and MADOGUCHI_SAFELIST
 * admits only registered operations; public answers may be served from a response cache. With
 * REDIS_URL, persisted queries and cached answers are shared with the other gateway replicas.
 * Each request runs within a budget (objects, bytes, time) that stops it with a coded error; an
 * error without a public code reaches the client only as "internal error" and the request id.
 * /healthz, /readyz and /metrics serve operations (metrics labelled by registered operation names
 * only); identity is verified here and forwarded signed for each subgraph request; browsers of
 * listed origins may call (CORS); close() drains the requests in flight.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildASTSchema, parse } from 'graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import type { DocumentNode } from 'graphql';
import pino, { type Logger } from 'pino';
import { identitySecret, type Viewer } from '../server/identity';
import { authConfigFromSettings, createViewerResolver, type AuthConfig } from './auth';
import { consultationGuardPlugin } from './plugins/consultationGuard';
import { controlCharactersPlugin } from '../server/controlCharacters';
import { costLimitPlugin, limitValidationRules, limitsOf, tokenLimitCheck, type Limits } from '../server/limits';
import { signedInIntrospectionPlugin } from './plugins/introspection';
import { defaultSettings, type Settings } from '../server/settings';
import { executionGuardPlugin } from './plugins/executionGuard';
import { STATISTICS_WORK } from './plugins/statisticsWork';
import { listSizesOf } from '../server/cost';
import { ExecutionBudget } from '../server/budget';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import {
  serveApollo,
  type GraphQLHttpRequest,
  type Interception,
  type Route,
  type RunningServer,
} from '../server/http';
import { buildExplorerAssets, explorerRoutes } from './explorer';
import { buildAllPageAssets, pageRoutes } from './pages';
import { committeePackRoute } from './exports/committeePack';
import { FeedCache, feedBase, feedRoutes } from './feeds';
import { SubgraphClient, endpointUrls, subgraphClientOptionsOf, type SubgraphClientOptions } from './subgraph/client';
import { asKeyValueCache, boundedCache, stringBytes, type CacheRegistry } from './caches';
import { createOperationRegistry, sha256Hex, type OperationRegistry } from './persistedOperations';
import {
  privateFieldsOf,
  ResponseCache,
  responseCacheOptionsOf,
  responseCachePlugin,
  type CachedResult,
  type ResponseCacheOptions,
  type ResponseCacheStore,
} from './responseCache';
import { SUPERGRAPH_FILE } from './supergraph';
import { withStatsPassThrough } from './statsPassThrough';
import { operationNamesOf, persistedQueryHash, probeSubgraph, sendText } from './requests';
import {
  apqSettingsOf,
  disableVendorTelemetry,
  metricsAccessOf,
  metricsRefusal,
  planCacheSizesOf,
  subgraphEndpoints,
  type ApqSettings,
  type MetricsAccess,
  type PlanCacheSizes,
} from './gatewaySettings';
import { SharedCache, sharedCacheOptionsOf, type SharedCacheOptions } from './sharedCache';
import {
  JWKS_PATH,
  liveFieldsPlugin,
  firmScope,
  liveJwks,
  rolesByType,
  deferLiveSources,
  startLiveSources,
  type LiveOptions,
  type LiveRegistry,
} from './live';

export { SubgraphClient } from './subgraph/client';
export {
  apqSettingsOf,
  disableVendorTelemetry,
  metricsAccessOf,
  planCacheSizesOf,
  subgraphEndpoints,
  subgraphUrlsOf,
  type ApqSettings,
  type MetricsAccess,
  type PlanCacheSizes,
} from './gatewaySettings';

/** Subgraphs that write an audit row per read: the gateway sends each request of theirs on its own. */
const AUDITED_SUBGRAPHS = new Set(['growth', 'desk']);

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** What this request may still spend: objects, bytes, time. */
  budget?: ExecutionBudget;
}

export interface GatewayOptions {
  /** Every setting (server/settings.ts); the options below override single ones. Default: the schema's defaults. */
  settings?: Settings;
  supergraphSdl?: string;
  /** Per-subgraph URL overrides, e.g. from SUBGRAPH_PROGRAMS_URL; several replicas comma-separated. */
  subgraphUrls?: Record<string, string>;
  auth?: AuthConfig;
  identitySecret?: string;
  limits?: Partial<Limits>;
  logger?: Logger;
  /**
   * Extra readiness checks (the embedded store, for instance): a rejection fails readiness; a
   * string starting with "degraded" is shown but leaves the gateway ready.
   */
  readinessChecks?: Record<string, () => Promise<void | string>>;
  /** Subgraph fetching: dedup, retries, circuit breaker, timeouts (MADOGUCHI_SUBGRAPH_* by default). */
  subgraphClient?: Partial<SubgraphClientOptions>;
  responseCache?: Partial<ResponseCacheOptions> & {
    /** Where answers are kept (default: this process's memory, bounded by the options). */
    store?: ResponseCacheStore;
  };
  /** Browser origins allowed to call the gateway (MADOGUCHI_CORS_ORIGINS). */
  cors?: { origins: string[] };
  /** Redis shared by gateway replicas for APQ and the response cache (REDIS_URL by default); null: none. */
  sharedCache?: SharedCacheOptions | null;
  /** Only registered operations run (MADOGUCHI_SAFELIST=true). */
  safelist?: boolean;
  /** Where registered operations and manifests are read (default gateway/operations/). */
  operationsDir?: string;
  planCache?: Partial<PlanCacheSizes>;
  /** Automatic persisted queries: bytes kept, and who may register (MADOGUCHI_APQ_*). */
  apq?: Partial<ApqSettings>;
  /** Who may read /metrics (MADOGUCHI_METRICS_TOKEN; in production only a holder of the token). */
  metrics?: MetricsAccess;
  /** How long close() waits for requests in flight (MADOGUCHI_SHUTDOWN_TIMEOUT_MS, default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Agencies' own services composed beside the built-in subgraphs (./live). Given as a promise
   * (the embedded start's, resolved once its back end runs), the gateway is built meanwhile on the
   * built-in supergraph, listens, and composes the live sources; it resolves once they are in.
   */
  live?: LiveOptions | Promise<LiveOptions | undefined>;
  /** consultationStats answers passed through without Apollo's result shaping (./statsPassThrough.ts); default on. */
  statsPassThrough?: boolean;
}

export interface GatewayServer {
  apollo: ApolloServer<GatewayContext>;
  /** The subgraph clients by name, once the gateway has loaded (after apollo.start()). */
  clients: Map<string, SubgraphClient>;
  registry: OperationRegistry;
  responseCache: ResponseCacheStore | null;
  /** The Redis connection behind the shared caches, when REDIS_URL is set. */
  sharedCache: SharedCache | null;
  /** This process's caches that callers fill, by name, for /metrics. */
  caches: CacheRegistry;
}

export function createGatewayServer(
  options: GatewayOptions = {},
  metrics?: GatewayMetrics,
  /** The live sources, started: the supergraph then comes from it and follows its changes. */
  live?: LiveRegistry | null,
): GatewayServer {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const settings = options.settings ?? defaultSettings();
  const secret = options.identitySecret ?? identitySecret(settings);
  const limits = { ...limitsOf(settings), ...options.limits };
  const clientOptions = { ...subgraphClientOptionsOf(settings), ...options.subgraphClient };
  const sizes = { ...planCacheSizesOf(settings), ...options.planCache };
  const cacheOptions = { ...responseCacheOptionsOf(settings), ...options.responseCache };
  const clients = new Map<string, SubgraphClient>();
  disableVendorTelemetry(settings);
  const gateway = new ApolloGateway({
    supergraphSdl: live ? live.manager : supergraphSdl,
    buildService: ({ name, url }) => {
      const liveSource = live?.dataSource(name);
      if (liveSource) return liveSource;
      // Reads of firms' growth files are audited per request: identical ones are never merged.
      const own = AUDITED_SUBGRAPHS.has(name) ? { ...clientOptions, dedup: false } : clientOptions;
      const client = new SubgraphClient(name, options.subgraphUrls?.[name] ?? url ?? '', secret, own, metrics);
      clients.set(name, client);
      return client;
    },
    experimental_approximateQueryPlanStoreMiB: sizes.queryPlanStoreMiB,
  });
  const apq = { ...apqSettingsOf(settings), ...options.apq };
  const registry = createOperationRegistry({
    allowIntrospection: limits.introspection !== 'nobody',
    dir: options.operationsDir,
    apqBytes: apq.bytes,
    apqRegistration: apq.registration,
  });
  const sharedOptions = options.sharedCache === undefined ? sharedCacheOptionsOf(settings) : options.sharedCache;
  const sharedCache = sharedOptions
    ? new SharedCache(sharedOptions, options.logger ?? pino({ level: settings.logLevel }), (up) =>
        metrics?.sharedCacheUp.set(up ? 1 : 0),
      )
    : null;
  // Answers are shared only between gateways of the same supergraph that deem the same subgraphs
  // private (what one stores, another serves without deciding again).
  const responseCache: ResponseCacheStore | null = !cacheOptions.enabled
    ? null
    : (options.responseCache?.store ??
      (sharedCache
        ? sharedCache.responses<CachedResult>(
            sha256Hex(`${supergraphSdl}\u0000${[...cacheOptions.privateSubgraphs].sort().join(',')}`).slice(0, 16),
            cacheOptions.ttlMs,
          )
        : new ResponseCache(cacheOptions)));
  const documents = boundedCache<DocumentNode>({
    maxBytes: sizes.documentStoreMiB * 1024 * 1024,
    // As Apollo's own default store estimates a document, by its JSON size, plus the source
    // text every node's location keeps alive (comments and all), which the JSON leaves out.
    sizeOf: (doc) => JSON.stringify(doc).length + stringBytes(doc.loc?.source.body ?? ''),
  });
  const caches: CacheRegistry = new Map<string, { calculatedSize: number; size: number }>([
    ['documents', documents],
    ['apq', registry.apqStore],
  ]);
  if (responseCache instanceof ResponseCache) caches.set('responses', responseCache.entries);
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    ApolloServerPluginLandingPageDisabled(),
    executionGuardPlugin(options.logger),
    controlCharactersPlugin(),
    consultationGuardPlugin(),
    ...(limits.introspection === 'signed-in' ? [signedInIntrospectionPlugin()] : []),
    costLimitPlugin(
      listSizesOf(parse(supergraphSdl)),
      limits,
      () => metrics?.refusals.inc({ reason: 'cost' }),
      STATISTICS_WORK,
    ),
  ];
  if (live) {
    const builtin = buildASTSchema(parse(supergraphSdl));
    plugins.push(liveFieldsPlugin(live, { roles: rolesByType(builtin), scope: firmScope(builtin) }));
  }
  // Last: it answers from the cache only once every check above has passed.
  if (responseCache) {
    const privateFields = privateFieldsOf(supergraphSdl, cacheOptions.privateSubgraphs);
    // Live answers are the agencies' per request: never kept.
    live?.onComposed(() => live.owners.forEach((_, field) => privateFields.add(field)));
    plugins.push(responseCachePlugin(responseCache, privateFields, (result) => metrics?.responseCache.inc({ result })));
  }
  const apollo = new ApolloServer<GatewayContext>({
    gateway: options.statsPassThrough === false ? gateway : withStatsPassThrough(gateway, clients, metrics),
    plugins,
    validationRules: limitValidationRules(limits),
    introspection: limits.introspection !== 'nobody',
    documentStore: asKeyValueCache(documents),
    persistedQueries: { cache: sharedCache ? sharedCache.persistedQueries(registry.apqCache) : registry.apqCache },
    // Identity travels only in the Authorization header, never in cookies: there is no ambient
    // credential for a cross-site GET to abuse, so plain GET queries are allowed.
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    // close() drains requests in flight first; Apollo's own signal handler would stop at once.
    stopOnTerminationSignals: false,
  });
  return { apollo, clients, registry, responseCache, sharedCache, caches };
}

export interface RunningGateway extends RunningServer {
  metrics: GatewayMetrics;
  /** The live sources, when any are declared. */
  live: LiveRegistry | null;
  clients: Map<string, SubgraphClient>;
  /** Drops every cached answer and rendered feed (after a sync changed data). */
  invalidateResponseCache(): void;
  responseCacheEnabled: boolean;
}

export async function startGateway(
  options: GatewayOptions & {
    port?: number;
    host?: string;
    /** In worker mode, /metrics answers for every worker of the cluster. */
    clusterMetrics?: () => Promise<string>;
    /** Built and started, the gateway listens once this resolves; it stops if it rejects. */
    beforeListen?: Promise<unknown>;
  } = {},
): Promise<RunningGateway> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const metrics = createGatewayMetrics({ defaultMetrics: true });
  const settings = options.settings ?? defaultSettings();
  const logger = options.logger ?? pino({ level: settings.logLevel });
  const limits = { ...limitsOf(settings), ...options.limits };
  const safelist = options.safelist ?? settings.safelist;
  const secret = options.identitySecret ?? identitySecret(settings);
  const liveContext = {
    supergraphSdl,
    endpoints: subgraphEndpoints(supergraphSdl),
    identitySecret: secret,
    logger,
    metrics,
    clientOptions: { ...subgraphClientOptionsOf(settings), ...options.subgraphClient },
  };
  const deferred = options.live instanceof Promise ? deferLiveSources(options.live, liveContext) : undefined;
  // Settled once listening waits for it: never an unhandled rejection meanwhile.
  deferred?.started.catch(() => {});
  let live = deferred
    ? deferred.registry
    : options.live
      ? await startLiveSources(options.live as LiveOptions, liveContext)
      : null;
  const { apollo, clients, registry, responseCache, sharedCache, caches } = createGatewayServer(
    { ...options, supergraphSdl, limits, logger, identitySecret: secret },
    metrics,
    live,
  );
  const resolveViewer = createViewerResolver(options.auth ?? authConfigFromSettings(settings));
  const endpoints = subgraphEndpoints(supergraphSdl, options.subgraphUrls);
  const metricsAccess = options.metrics ?? metricsAccessOf(settings);
  await apollo.start();
  let running: RunningServer | undefined;
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', handle: (_, res) => sendText(res, 200, 'application/json', '{"status":"ok"}') },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (req, res) => {
        if (running?.draining) return sendText(res, 503, 'application/json', JSON.stringify({ status: 'draining' }));
        const checks: Record<string, string> = { supergraph: 'ok' };
        const replicas: Record<string, string> = {};
        // A subgraph is ready while any of its replicas answers; each replica is shown too.
        const probeReplicas = async (name: string, urls: string): Promise<void> => {
          const list = endpointUrls(urls);
          const results = await Promise.all(
            list.map((u) =>
              probeSubgraph(name, u, secret).then(
                () => 'ok',
                (e: Error) => `failed: ${e.message}`,
              ),
            ),
          );
          if (list.length > 1) list.forEach((u, i) => (replicas[`${name} ${u}`] = results[i]));
          const up = results.filter((r) => r === 'ok').length;
          if (up === 0)
            throw new Error(
              results[0].replace(/^failed: /, '') + (list.length > 1 ? ` (all ${list.length} replicas)` : ''),
            );
        };
        const probes: Array<[string, () => Promise<void | string>]> = [
          ...Object.entries(endpoints).map(([name, url]): [string, () => Promise<void>] => [
            `subgraph:${name}`,
            () => probeReplicas(name, url),
          ]),
          ...Object.entries(options.readinessChecks ?? {}),
          ...Object.entries(live?.readinessChecks() ?? {}),
        ];
        await Promise.all(
          probes.map(async ([name, probe]) => {
            checks[name] = await probe().then(
              (detail) => (typeof detail === 'string' && detail.startsWith('degraded') ? detail : 'ok'),
              (e: Error) => `failed: ${e.message}`,
            );
          }),
        );
        // A check reporting "degraded …" is shown but leaves the gateway ready (a source being retried).
        const ready = Object.values(checks).every((v) => v === 'ok' || v.startsWith('degraded'));
        // The checks name subgraphs, replica addresses and sources' errors: shown only to whoever may
        // read /metrics. An orchestrator's probe needs the status code alone.
        const detailed = metricsRefusal(metricsAccess, req.headers.authorization) === null;
        const body = {
          status: ready ? 'ready' : 'not ready',
          ...(detailed ? { checks, ...(Object.keys(replicas).length ? { replicas } : {}) } : {}),
        };
        sendText(res, ready ? 200 : 503, 'application/json', JSON.stringify(body));
      },
    },
    // The public key agencies' services verify the identity they are sent with (./live/identity).
    {
      method: 'GET',
      path: JWKS_PATH,
      handle: (_, res) => sendText(res, 200, 'application/jwk-set+json', JSON.stringify(liveJwks(secret))),
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (req, res) => {
        const refusal = metricsRefusal(metricsAccess, req.headers.authorization);
        if (refusal) return sendText(res, refusal.status, 'text/plain; charset=utf-8', refusal.message);
        sendText(
          res,
          200,
          metrics.registry.contentType,
          options.clusterMetrics ? await options.clusterMetrics() : await metrics.registry.metrics(),
        );
      },
    },
  ];
  // The one-stop page and the analyst dashboard need no introspection: they send persisted documents.
  routes.push(...pageRoutes());
  buildAllPageAssets().catch((e: Error) => logger.warn({ err: e.message }, 'page bundles failed'));
  routes.push(committeePackRoute({ apollo, resolveViewer, logger }));
  if (settings.mode === 'production' && !settings.publicUrl)
    logger.warn(
      'MADOGUCHI_PUBLIC_URL is unset: feed and calendar links point at the listen address, which readers behind a proxy cannot reach',
    );
  const feedCache = new FeedCache(settings.feedCacheMB * 1024 * 1024);
  caches.set('feeds', feedCache.entries);
  routes.push(
    ...feedRoutes({ apollo, logger, cache: feedCache, base: () => feedBase(settings.publicUrl, running?.url) }),
  );
  if (limits.introspection !== 'nobody') {
    // The explorer needs introspection; it is served where introspection is allowed (to signed-in
    // callers only, the page sends the token from its headers pane).
    routes.push(...explorerRoutes());
    buildExplorerAssets().catch((e: Error) => logger.warn({ err: e.message }, 'explorer bundle failed'));
  }

  // Checks that depend only on the document's text are remembered by its hash.
  const tokenCheck = tokenLimitCheck(limits.maxTokens);
  const tokenDecisions = boundedCache<{ refusal: { message: string; code: string } | null }>({
    maxBytes: 2 * 1024 * 1024,
    sizeOf: (d) => (d.refusal ? stringBytes(d.refusal.message) : 16),
  });
  caches.set('token-decisions', tokenDecisions);
  metrics.watchCaches(caches);
  // Metrics are labelled by operation name only for registered operations: a client choosing
  // names cannot grow the series without bound.
  const registeredNames = operationNamesOf(registry.operations.map((o) => o.text));

  const intercept = async (request: GraphQLHttpRequest): Promise<Interception | null> => {
    let { query } = request;
    // A persisted document named by its id (GraphQL over HTTP): Apollo is handed its text.
    let substitute: Interception | null = null;
    if (request.documentId !== undefined) {
      if (query !== undefined)
        return {
          kind: 'refuse',
          status: 400,
          message: 'send either query or documentId, not both',
          code: 'BAD_REQUEST',
        };
      const text = typeof request.documentId === 'string' ? registry.documentText(request.documentId) : undefined;
      if (text === undefined) {
        return {
          kind: 'refuse',
          status: 400,
          message: 'documentId names no persisted document of this gateway (sha256:<hex> of a registered operation)',
          code: 'PERSISTED_QUERY_NOT_FOUND',
        };
      }
      query = text;
      substitute = { kind: 'substitute', query: text };
    }
    const apqHash = persistedQueryHash(request.extensions);
    const hash = query !== undefined ? sha256Hex(query) : apqHash;
    // The text's size, comments and whitespace included: what a registered query would keep.
    if (query !== undefined && Buffer.byteLength(query) > limits.maxQueryBytes) {
      metrics.refusals.inc({ reason: 'query-size' });
      return {
        kind: 'refuse',
        status: 413,
        message: `query text exceeds ${limits.maxQueryBytes} bytes (comments and whitespace count)`,
        code: 'QUERY_TOO_LARGE',
      };
    }
    if (query !== undefined && hash) {
      let refusal = tokenDecisions.get(hash)?.refusal;
      if (refusal === undefined) {
        refusal = tokenCheck(query);
        tokenDecisions.set(hash, { refusal });
      }
      if (refusal) {
        metrics.refusals.inc({ reason: 'tokens' });
        return { kind: 'refuse', status: 400, ...refusal };
      }
    }
    if (
      safelist &&
      hash &&
      !registry.allows({
        query,
        hash,
        operationName: typeof request.operationName === 'string' ? request.operationName : null,
      })
    ) {
      metrics.refusals.inc({ reason: 'safelist' });
      return {
        kind: 'refuse',
        status: 400,
        message: 'this operation is not registered: the gateway runs only persisted operations (gateway/operations/)',
        code: 'PERSISTED_QUERY_NOT_ALLOWED',
      };
    }
    // The response cache is consulted later, once Apollo has validated the request (responseCache.ts).
    return substitute;
  };

  // Listening waits for what the caller still prepares (the embedded start's store and subgraphs).
  if (options.beforeListen !== undefined) {
    try {
      await options.beforeListen;
    } catch (e) {
      await apollo.stop();
      for (const c of clients.values()) await c.close();
      await live?.close();
      sharedCache?.close();
      throw e;
    }
  }
  running = await serveApollo(apollo, {
    port: options.port ?? 4000,
    host: options.host,
    maxBodyBytes: limits.maxBodyBytes,
    requestTimeoutMs: limits.requestTimeoutMs,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? settings.shutdownTimeoutMs,
    maxResponseBytes: limits.maxResponseBytes,
    corsOrigins: options.cors?.origins ?? [],
    routes,
    intercept,
    context: async (req, { requestId, signal, deadline }) => ({
      viewer: await resolveViewer(req.headers.authorization),
      requestId,
      budget: new ExecutionBudget(
        { maxObjects: limits.maxObjects, maxBytes: limits.maxResponseBytes },
        signal,
        deadline,
      ),
    }),
    onResponse: ({ requestId, operationName, status, seconds }) => {
      const operation =
        operationName === null ? 'anonymous' : registeredNames.has(operationName) ? operationName : 'other';
      metrics.requests.inc({ operation, status: String(status) });
      metrics.requestSeconds.observe({ operation }, seconds);
      // Only the request's shape is logged: never variables, results or identities.
      if (settings.accessLog)
        logger.info({ requestId, operation, status, ms: Math.round(seconds * 1000) }, 'graphql request');
    },
    onClose: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
      await live?.close();
      sharedCache?.close();
    },
  });
  const server = running;
  // Live sources given late are composed meanwhile: until they join, the built-in supergraph
  // answers (the directory and every built-in field); the start resolves once they are in.
  if (deferred) {
    try {
      if (!(await deferred.started)) live = null;
    } catch (e) {
      await server.close();
      throw e;
    }
  }
  return {
    url: server.url,
    port: server.port,
    server: server.server,
    get draining() {
      return server.draining;
    },
    get inFlight() {
      return server.inFlight;
    },
    close: (deadlineMs?: number) => server.close(deadlineMs),
    metrics,
    live,
    clients,
    responseCacheEnabled: responseCache !== null,
    invalidateResponseCache: () => {
      // Feeds are built from the graph's answers: once the answers are dropped (a shared store's
      // takes a round trip), a feed built meanwhile from an old answer is dropped again.
      feedCache.dataChanged();
      void Promise.resolve(responseCache?.invalidate()).finally(() => feedCache.dataChanged());
    },
  };
}
