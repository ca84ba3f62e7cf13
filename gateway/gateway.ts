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
import { serveApollo, type RunningServer } from './http';

/** A subgraph fetch that, when the subgraph cannot answer, says which one in a coded error. */
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(readonly name: string, url: string) {
    super({ url, fetcher: undiciFetch });
  }

  override async process(options: GraphQLDataSourceProcessOptions) {
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

export function createGatewayServer(options: GatewayOptions = {}): ApolloServer {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url ?? ''),
  });
  return new ApolloServer({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
}

export async function startGateway(options: GatewayOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const apollo = createGatewayServer(options);
  await apollo.start();
  return serveApollo(apollo, { port: options.port ?? 4000, host: options.host, context: async () => ({}) });
}
