/**
 * Builds and serves one subgraph from its module: the federation schema, the module's context
 * over a shared store, and the common HTTP front.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Queryable } from '../store/store';
import { serveApollo, type RunningServer } from './shared/http';
import type { SubgraphModule } from './shared/module';
import { createIdentityVerifier, identitySecret } from './shared/identity';

export function buildSchemaOf(module: SubgraphModule) {
  return buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers as GraphQLResolverMap<unknown> }]);
}

export async function startSubgraph(
  module: SubgraphModule,
  store: Queryable,
  options: { port?: number; host?: string; now?: () => Date; identitySecret?: string } = {},
): Promise<RunningServer> {
  const apollo = new ApolloServer({
    schema: buildSchemaOf(module),
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled()],
    // Subgraphs sit behind the gateway; their errors must not carry stack traces out of it.
    includeStacktraceInErrorResponses: false,
    // The process serving the subgraph owns signal handling (serve.ts, or the embedded start,
    // where the gateway drains first while the subgraphs keep answering it).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // A subgraph serves once warm: the first search must not pay for building the index.
  await module.warm?.(store);
  // Only identity signed by the gateway is believed; requests without one are anonymous.
  const verify = createIdentityVerifier(options.identitySecret ?? identitySecret());
  return serveApollo(apollo, {
    port: options.port ?? 0,
    host: options.host,
    context: async (req) => {
      const viewer = verify({ get: (name) => req.headers[name] as string | undefined });
      return module.createContext(store, { now: options.now, viewer }) as object;
    },
  });
}
