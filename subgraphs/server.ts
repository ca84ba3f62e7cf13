/**
 * Builds and serves one subgraph from its module: the federation schema, the module's context
 * over a shared store, and the common HTTP front. A subgraph guards itself as the gateway does:
 * it believes only identity the gateway signed for it and for this very request, estimates the
 * cost of what it is asked (with real representation counts) and refuses too much, stops a request
 * whose objects or time run out, and never hands out an internal error's text.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError } from 'graphql';
import pino, { type Logger } from 'pino';
import { isShared, type Queryable } from '../store/store';
import { storeNonces } from '../store/nonces';
import { serveApollo, type RunningServer } from '../server/http';
import type { SubgraphModule } from './shared/module';
import { createIdentityVerifier, identitySecret, type NonceStore } from '../server/identity';
import { attachBudget, budgetOf, budgetResolvers, ExecutionBudget } from '../server/budget';
import { estimateCost, listSizesOf } from '../server/cost';
import { INTERNAL_MESSAGE, maskedError } from '../server/errors';

export function buildSchemaOf(module: SubgraphModule) {
  return budgetResolvers(
    buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers as GraphQLResolverMap<unknown> }]),
  );
}

/** What one request to a subgraph may cost and take. */
export interface SubgraphLimits {
  /** Estimated cost (as the gateway counts it) of one request. */
  maxCost: number;
  /** Objects one request may produce. */
  maxObjects: number;
  /** Time one request may run. */
  timeoutMs: number;
}

// The time matches the gateway's per-attempt timeout (MADOGUCHI_SUBGRAPH_TIMEOUT_MS): past it nobody waits for the answer.
export const DEFAULT_SUBGRAPH_LIMITS: SubgraphLimits = { maxCost: 500_000, maxObjects: 250_000, timeoutMs: 10_000 };

/** Refuses operations whose estimated cost is over the limit, and ends requests whose budget ran out with that one error. */
function guardPlugin(module: SubgraphModule, limits: SubgraphLimits, logger: Logger): ApolloServerPlugin<object> {
  const listSizes = listSizesOf(module.typeDefs);
  return {
    async requestDidStart() {
      const started = Date.now();
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = estimateCost(schema, document, operation, request.variables, { listSizes });
          if (cost > limits.maxCost) {
            throw new GraphQLError(`query cost ${cost} exceeds this subgraph's limit of ${limits.maxCost}`, {
              extensions: { code: 'COST_LIMIT_EXCEEDED', http: { status: 400 } },
            });
          }
        },
        async willSendResponse({ contextValue, response }) {
          const exceeded = budgetOf(contextValue)?.exceeded;
          if (!exceeded || response.body.kind !== 'single') return;
          const budget = budgetOf(contextValue)!;
          logger.warn(
            {
              subgraph: module.name,
              code: exceeded.extensions.code,
              objects: budget.objects,
              ms: Date.now() - started,
            },
            'request stopped by its budget',
          );
          response.body.singleResult = {
            errors: [{ message: exceeded.message, extensions: { code: exceeded.extensions.code } }],
          };
          // 400, not 5xx: a request too large for its budget is the caller's doing, and must not
          // count against the subgraph's health at the gateway (retries, circuit breaker).
          response.http.status = 400;
        },
      };
    },
  };
}

export async function startSubgraph(
  module: SubgraphModule,
  store: Queryable,
  options: {
    port?: number;
    host?: string;
    now?: () => Date;
    identitySecret?: string;
    nonces?: NonceStore;
    limits?: Partial<SubgraphLimits>;
    logger?: Logger;
  } = {},
): Promise<RunningServer> {
  const limits = { ...DEFAULT_SUBGRAPH_LIMITS, ...options.limits };
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const apollo = new ApolloServer<object>({
    schema: buildSchemaOf(module),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      guardPlugin(module, limits, logger),
    ],
    // Subgraphs sit behind the gateway; their errors must not carry stack traces or internal text out of it.
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      const masked = maskedError(formatted);
      if (masked.message === INTERNAL_MESSAGE && formatted.message !== INTERNAL_MESSAGE) {
        logger.error(
          {
            subgraph: module.name,
            path: formatted.path,
            err: String((error as Error)?.message ?? error).slice(0, 500),
          },
          'subgraph error',
        );
      }
      return masked;
    },
    // The process serving the subgraph owns signal handling (serve.ts, or the embedded start,
    // where the gateway drains first while the subgraphs keep answering it).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // A subgraph serves once warm: the first search must not pay for building the index.
  await module.warm?.(store);
  // Only identity signed by the gateway is believed; requests without one are anonymous. On a
  // shared store (PostgreSQL) the accepted nonces are kept in it, so a header one replica accepted
  // is refused by every other; otherwise in this process's memory.
  const nonces = options.nonces ?? (isShared(store) ? storeNonces(store) : undefined);
  const verify = createIdentityVerifier(options.identitySecret ?? identitySecret(), { subgraph: module.name, nonces });
  const background = await module.background?.(store, { now: options.now, logger });
  return serveApollo(apollo, {
    onClose: async () => {
      await background?.stop();
    },
    port: options.port ?? 0,
    host: options.host,
    // The HTTP timeout is a backstop a little after the budget's own deadline, which ends a
    // request with its coded error first.
    requestTimeoutMs: limits.timeoutMs + 1_000,
    context: async (req, { body, signal }) => {
      const viewer = await verify({
        method: req.method ?? 'GET',
        headers: { get: (name) => req.headers[name] as string | undefined },
        body,
      });
      const context = module.createContext(store, { now: options.now, viewer }) as object;
      return attachBudget(
        context,
        new ExecutionBudget({ maxObjects: limits.maxObjects }, signal, Date.now() + limits.timeoutMs),
      );
    },
  });
}
