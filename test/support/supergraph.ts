/**
 * The supergraph composed in-process (LocalGraphQLDataSource, no ports) over one store, for
 * integration tests: each subgraph request gets its own context, as over HTTP.
 */
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { Queryable } from '../../store/store';
import type { Viewer } from '../../domain/viewer';
import { SUBGRAPHS } from '../../subgraphs';
import { buildSchemaOf } from '../../subgraphs/server';
import { composeSupergraph } from '../../app/compose';

export interface InProcessSupergraph {
  run(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data?: Record<string, unknown> | null;
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }>;
  stop(): Promise<void>;
}

/** Every subgraph request runs as `viewer` (anonymous when omitted), as if the gateway had signed it. */
export async function startInProcessSupergraph(
  storeOf: (subgraph: string) => Queryable,
  now: () => Date,
  viewer?: Viewer,
): Promise<InProcessSupergraph> {
  const { supergraphSdl } = composeSupergraph();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const module = SUBGRAPHS.find((s) => s.name === name)!;
      const local = new LocalGraphQLDataSource(buildSchemaOf(module));
      const process = local.process.bind(local);
      local.process = (options) =>
        process({ ...options, context: module.createContext(storeOf(name), { now, viewer }) as never });
      return local;
    },
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  return {
    async run(query, variables) {
      const res = await server.executeOperation({ query, variables });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
      return res.body.singleResult as never;
    },
    stop: () => server.stop(),
  };
}
