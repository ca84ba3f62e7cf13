/**
 * The gateway: @apollo/gateway under @apollo/server, from the supergraph composed ahead of time.
 * Subgraph URLs come from the file or per-subgraph overrides; a failing subgraph yields an error
 * naming it while the other subgraphs' fields still come back.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { fetch as undiciFetch } from 'undici';
import { SUPERGRAPH_FILE } from './compose';
import { ANONYMOUS, identitySecret, signIdentity, type Viewer } from '../subgraphs/shared/identity';
import { authConfigFromEnv, createViewerResolver, type AuthConfig } from './auth';
import { consultationGuardPlugin } from './plugins/consultationGuard';
import { serveApollo, type RunningServer } from './http';

export interface GatewayContext {
  viewer: Viewer;
}

/**
 * A subgraph fetch that forwards the verified viewer in a freshly signed header and, when the
 * subgraph cannot answer, says which one in a coded error.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly secret: string,
  ) {
    super({ url, fetcher: undiciFetch });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = signIdentity((context as Partial<GatewayContext>).viewer ?? ANONYMOUS, this.secret);
    for (const [k, v] of Object.entries(headers)) request.http?.headers.set(k, v);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await super.process(options);
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      throw new GraphQLError(`subgraph "${this.name}" is unavailable: ${reason}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.name },
      });
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

export function createGatewayServer(options: GatewayOptions = {}): ApolloServer<GatewayContext> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const secret = options.identitySecret ?? identitySecret();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url ?? '', secret),
  });
  return new ApolloServer<GatewayContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled(), consultationGuardPlugin()],
    includeStacktraceInErrorResponses: false,
  });
}

export async function startGateway(options: GatewayOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const apollo = createGatewayServer(options);
  const resolveViewer = createViewerResolver(options.auth ?? authConfigFromEnv());
  await apollo.start();
  return serveApollo(apollo, {
    port: options.port ?? 4000,
    host: options.host,
    // Identity travels only in the Authorization header, never in cookies.
    context: async (req) => ({ viewer: await resolveViewer(req.headers.authorization) }),
  });
}
