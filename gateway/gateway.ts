/**
 * The gateway: @apollo/gateway under @apollo/server, from the supergraph composed ahead of time.
 * Subgraphs are fetched through a keep-alive undici pool each, with a timeout; a failing subgraph
 * yields an error naming it while the other subgraphs' fields still come back. Requests are
 * bounded (body, depth, aliases, tokens, cost, time); /healthz, /readyz and /metrics serve
 * operations; identity is verified here and forwarded signed.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import pino, { type Logger } from 'pino';
import { Agent, fetch as undiciFetch } from 'undici';
import { SUPERGRAPH_FILE } from './compose';
import { ANONYMOUS, identitySecret, signIdentity, type Viewer } from '../subgraphs/shared/identity';
import { authConfigFromEnv, createViewerResolver, type AuthConfig } from './auth';
import { consultationGuardPlugin } from './plugins/consultationGuard';
import { limitValidationRules, limitsFromEnv, tokenLimitCheck, type Limits } from './plugins/limits';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import { serveApollo, type Route, type RunningServer } from './http';
import { buildExplorerAssets, explorerRoutes } from './explorer';

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
}

/**
 * A subgraph fetch that forwards the verified viewer in a freshly signed header and the request
 * id, times itself for the metrics and, when the subgraph cannot answer, says which one.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly secret: string,
    private readonly metrics?: GatewayMetrics,
    timeoutMs = 10_000,
  ) {
    const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
    super({
      url,
      fetcher: ((input: string, init?: Parameters<typeof undiciFetch>[1]) =>
        undiciFetch(input, { ...init, dispatcher: agent, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) })) as unknown as typeof undiciFetch,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const ctx = context as Partial<GatewayContext>;
    const headers = signIdentity(ctx.viewer ?? ANONYMOUS, this.secret);
    for (const [k, v] of Object.entries(headers)) request.http?.headers.set(k, v);
    if (ctx.requestId) request.http?.headers.set('x-request-id', ctx.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const end = this.metrics?.subgraphSeconds.startTimer({ subgraph: this.name });
    try {
      return await super.process(options);
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code) {
        this.metrics?.subgraphErrors.inc({ subgraph: this.name, code: String(e.extensions.code) });
        throw e;
      }
      this.metrics?.subgraphErrors.inc({ subgraph: this.name, code: 'SUBGRAPH_UNAVAILABLE' });
      const reason = e instanceof Error ? e.message : String(e);
      throw new GraphQLError(`subgraph "${this.name}" is unavailable: ${reason}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.name },
      });
    } finally {
      end?.();
    }
  }

  // A subgraph refusing a request (400 for a bad argument) is the client's error, passed on with
  // its code; anything else is the subgraph failing. The raw response body is never forwarded.
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => null);
    const first = (body as { errors?: Array<{ message?: string; extensions?: { code?: string } }> } | null)?.errors?.[0];
    if (response.status < 500 && first?.message && first.extensions?.code) {
      return new GraphQLError(first.message, { extensions: { code: first.extensions.code, serviceName: this.name } });
    }
    return new GraphQLError(`subgraph "${this.name}" is unavailable: it answered HTTP ${response.status}`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.name },
    });
  }
}

export interface GatewayOptions {
  supergraphSdl?: string;
  /** Per-subgraph URL overrides, e.g. from SUBGRAPH_PROGRAMS_URL. */
  subgraphUrls?: Record<string, string>;
  auth?: AuthConfig;
  identitySecret?: string;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** Extra readiness checks (the embedded store, for instance). */
  readinessChecks?: Record<string, () => Promise<void>>;
}

/** Reads overrides from the environment: SUBGRAPH_<NAME>_URL. */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(k);
    if (m && v) urls[m[1].toLowerCase()] = v;
  }
  return urls;
}

/** Subgraph names and URLs as the supergraph and the overrides give them. */
export function subgraphEndpoints(supergraphSdl: string, overrides: Record<string, string> = {}): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) endpoints[m[1]] = overrides[m[1]] ?? m[2];
  return endpoints;
}

export function createGatewayServer(options: GatewayOptions = {}, metrics?: GatewayMetrics): ApolloServer<GatewayContext> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const secret = options.identitySecret ?? identitySecret();
  const limits = { ...limitsFromEnv(), ...options.limits };
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url ?? '', secret, metrics),
  });
  return new ApolloServer<GatewayContext>({
    gateway,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      consultationGuardPlugin(),
    ],
    validationRules: limitValidationRules(limits),
    introspection: limits.introspection,
    // Identity travels only in the Authorization header, never in cookies: there is no ambient
    // credential for a cross-site GET to abuse, so plain GET queries are allowed.
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
  });
}

function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function probeSubgraph(url: string): Promise<void> {
  const res = await undiciFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ __typename }"}',
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  await res.arrayBuffer();
}

export async function startGateway(options: GatewayOptions & { port?: number; host?: string } = {}): Promise<RunningServer & { metrics: GatewayMetrics }> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const metrics = createGatewayMetrics({ defaultMetrics: true });
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const limits = { ...limitsFromEnv(), ...options.limits };
  const apollo = createGatewayServer({ ...options, supergraphSdl, limits }, metrics);
  const resolveViewer = createViewerResolver(options.auth ?? authConfigFromEnv());
  const endpoints = subgraphEndpoints(supergraphSdl, options.subgraphUrls);
  await apollo.start();
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', handle: (_, res) => sendText(res, 200, 'application/json', '{"status":"ok"}') },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_, res) => {
        const checks: Record<string, string> = { supergraph: 'ok' };
        const probes: Array<[string, () => Promise<void>]> = [
          ...Object.entries(endpoints).map(([name, url]): [string, () => Promise<void>] => [`subgraph:${name}`, () => probeSubgraph(url)]),
          ...Object.entries(options.readinessChecks ?? {}),
        ];
        await Promise.all(
          probes.map(async ([name, probe]) => {
            checks[name] = await probe().then(
              () => 'ok',
              (e: Error) => `failed: ${e.message}`,
            );
          }),
        );
        const ready = Object.values(checks).every((v) => v === 'ok');
        sendText(res, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_, res) => sendText(res, 200, metrics.registry.contentType, await metrics.registry.metrics()),
    },
  ];
  if (limits.introspection) {
    // The explorer needs introspection; it is served where introspection is allowed.
    routes.push(...explorerRoutes());
    buildExplorerAssets().catch((e: Error) => logger.warn({ err: e.message }, 'explorer bundle failed'));
  }
  const running = await serveApollo(apollo, {
    port: options.port ?? 4000,
    host: options.host,
    maxBodyBytes: limits.maxBodyBytes,
    requestTimeoutMs: limits.requestTimeoutMs,
    routes,
    preflight: (query) => {
      const refusal = tokenLimitCheck(limits.maxTokens)(query);
      if (refusal) metrics.refusals.inc({ reason: 'tokens' });
      return refusal;
    },
    context: async (req, { requestId }) => ({ viewer: await resolveViewer(req.headers.authorization), requestId }),
    onResponse: ({ requestId, operationName, status, seconds }) => {
      const operation = operationName ?? 'anonymous';
      metrics.requests.inc({ operation, status: String(status) });
      metrics.requestSeconds.observe({ operation }, seconds);
      // Only the request's shape is logged: never variables, results or identities.
      logger.info({ requestId, operation, status, ms: Math.round(seconds * 1000) }, 'graphql request');
    },
  });
  return { ...running, metrics };
}
