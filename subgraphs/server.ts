/**
 * Builds and serves one subgraph from its module: the federation schema, the module's context
 * over a shared store, and the common HTTP front. A subgraph guards itself as the gateway does:
 * it believes only identity the gateway signed for it and for this very request, estimates the
 * cost of what it is asked (with real representation counts) and refuses too much, stops a request
 * whose objects or time run out, and never hands out an internal error's text.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError } from 'graphql';
import pino, { type Logger } from 'pino';
import { isShared, type Queryable } from '../store/store';
import { storeNonces } from '../store/nonces';
import { serveApollo, type RunningServer } from '../server/http';
import type { SubgraphModule } from './shared/module';
import type { Role } from '../server/identity';
import { controlCharactersPlugin } from '../server/controlCharacters';
import { createIdentityVerifier, identitySecret, type NonceStore } from '../server/identity';
import { costLimitOf, limitsOf, limitValidationRules, tokenLimitCheck, type Limits } from '../server/limits';
import { attachBudget, budgetOf, budgetResolvers, ExecutionBudget } from '../server/budget';
import { costEstimator, listSizesOf } from '../server/cost';
import { INTERNAL_MESSAGE, maskedError } from '../server/errors';
import { defaultSettings, type Settings } from '../server/settings';
import { createSubgraphRequestMetrics, healthRoutes } from '../server/processMetrics';

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

/**
 * The gateway's limits as a subgraph applies them (a request that reached it without the gateway
 * is refused already; these bound what a request signed by a gateway may ask): depth, aliases
 * and tokens with a margin for what the query planner adds (entity fetches, its own aliases), and
 * the caller's role's cost limit times a margin (representations are counted as sent).
 */
export const PLANNER_MARGIN = { depth: 3, aliasFactor: 2, tokenFactor: 2, costFactor: 5 };

function subgraphShapeLimits(gateway: Limits): Limits {
  return {
    ...gateway,
    maxDepth: gateway.maxDepth + PLANNER_MARGIN.depth,
    maxAliases: gateway.maxAliases * PLANNER_MARGIN.aliasFactor,
    maxTokens: gateway.maxTokens * PLANNER_MARGIN.tokenFactor,
  };
}

/** Refuses operations whose estimated cost is over the limit, and ends requests whose budget ran out with that one error. */
function guardPlugin(
  module: SubgraphModule,
  limits: SubgraphLimits,
  gateway: Limits,
  logger: Logger,
): ApolloServerPlugin<object> {
  const estimate = costEstimator({ listSizes: listSizesOf(module.typeDefs) });
  return {
    async requestDidStart() {
      const started = Date.now();
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const cost = estimate(schema, document, operation, request.variables);
          const role = (contextValue as { viewer?: { role?: Role } }).viewer?.role ?? 'anonymous';
          const limit = Math.min(limits.maxCost, costLimitOf(gateway, role) * PLANNER_MARGIN.costFactor);
          if (cost > limit) {
            throw new GraphQLError(`query cost ${cost} exceeds this subgraph's limit of ${limit}`, {
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
    /** The gateway's limits, applied here too (default: from the settings, as the gateway reads them). */
    gatewayLimits?: Limits;
    /** Take requests without the gateway's identity as anonymous (local development only). */
    allowUnsigned?: boolean;
    logger?: Logger;
    /** Every setting (server/settings.ts); default: the schema's defaults. */
    settings?: Settings;
    /**
     * Settles once the data the subgraph warms its caches from is in (the embedded first start's
     * directory sync): the server is built meanwhile, and warmed and served after it.
     */
    warmAfter?: Promise<unknown>;
  } = {},
): Promise<RunningServer> {
  const limits = { ...DEFAULT_SUBGRAPH_LIMITS, ...options.limits };
  const settings = options.settings ?? defaultSettings();
  const gatewayLimits = options.gatewayLimits ?? limitsOf(settings);
  const shape = subgraphShapeLimits(gatewayLimits);
  const tokenCheck = tokenLimitCheck(shape.maxTokens);
  const logger = options.logger ?? pino({ level: settings.logLevel });
  const apollo = new ApolloServer<object>({
    schema: buildSchemaOf(module),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No field declares cache hints and nothing reads a subgraph's Cache-Control (the gateway's
      // response cache decides for itself): Apollo's cache-control plugin would only cost a hook
      // on every field of every answer (a large statistics table has tens of thousands).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      controlCharactersPlugin(),
      guardPlugin(module, limits, gatewayLimits, logger),
      ...(module.plugins?.() ?? []),
    ],
    validationRules: limitValidationRules(shape),
    // Only the gateway calls, with whole documents: nothing for a caller to register.
    persistedQueries: false,
    // Introspection is the gateway's to answer (over the supergraph); a subgraph allows it only where everyone may.
    introspection: gatewayLimits.introspection === 'everyone',
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
  // A subgraph serves once warm: the first search must not pay for building the index. What needs
  // no data is done first, once the requests already under way have gone out.
  if (module.prepare) {
    await new Promise((r) => setImmediate(r));
    module.prepare();
  }
  await options.warmAfter;
  await module.warm?.(store);
  // Only identity signed by the gateway is believed; requests without one are refused. On a
  // shared store (PostgreSQL) the accepted nonces are kept in it, so a header one replica accepted
  // is refused by every other; otherwise in this process's memory.
  const nonces = options.nonces ?? (isShared(store) ? storeNonces(store) : undefined);
  const verify = createIdentityVerifier(options.identitySecret ?? identitySecret(settings), {
    subgraph: module.name,
    nonces,
    allowUnsigned: options.allowUnsigned ?? settings.subgraphAllowUnsigned,
  });
  const background = await module.background?.(store, { now: options.now, logger, settings });
  const observe = createSubgraphRequestMetrics(module.name);
  let running: RunningServer | undefined;
  running = await serveApollo(apollo, {
    onClose: async () => {
      await background?.stop();
    },
    port: options.port ?? 0,
    host: options.host,
    maxBodyBytes: gatewayLimits.maxBodyBytes,
    intercept: (request) => {
      if (request.query === undefined) return null;
      const refusal = tokenCheck(request.query);
      return refusal ? { kind: 'refuse', status: 400, ...refusal } : null;
    },
    // Every subgraph process answers /healthz, /readyz (the store answers, not draining) and /metrics.
    routes: healthRoutes({
      draining: () => running?.draining ?? false,
      checks: { store: () => store.query('select 1').then(() => undefined) },
    }),
    onResponse: ({ status, seconds }) => observe(status, seconds),
    // The HTTP timeout is a backstop a little after the budget's own deadline, which ends a
    // request with its coded error first.
    requestTimeoutMs: limits.timeoutMs + 1_000,
    context: async (req, { body, signal }) => {
      const viewer = await verify({
        method: req.method ?? 'GET',
        headers: { get: (name) => req.headers[name] as string | undefined },
        body,
      });
      const context = module.createContext(store, { now: options.now, viewer, settings }) as object;
      return attachBudget(
        context,
        new ExecutionBudget({ maxObjects: limits.maxObjects }, signal, Date.now() + limits.timeoutMs),
      );
    },
  });
  return running;
}
