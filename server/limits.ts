/**
 * Bounds on what one request may ask for: depth and aliases as validation rules (graphql-armor's
 * single-rule packages), the token count checked before Apollo parses, and the estimated cost
 * counting list sizes (./cost.ts) checked per role once the operation and its
 * variables are known, before any planning. Then, at execution, the budget of objects, bytes and
 * time (./budget.ts). Every refusal is a 4xx with a code, counted in the metrics.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { Role } from './identity';
import { costEstimator, type CostOptions, type ListSizes } from './cost';
import type { Settings } from './settings';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  /** Bytes of a query's text, comments and whitespace included (what a persisted query keeps). */
  maxQueryBytes: number;
  /** Estimated cost allowed to anonymous callers; other roles get a multiple (ROLE_COST_FACTOR). */
  maxCost: number;
  /** Objects one request may produce at execution (the gateway's count, and each subgraph's). */
  maxObjects: number;
  /** Bytes of subgraph answers one request may gather, and bytes of the answer sent. */
  maxResponseBytes: number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  /** Who may introspect: everyone, signed-in callers (any role but anonymous), or nobody. */
  introspection: Settings['introspection'];
}

/**
 * How many times the anonymous cost limit each role may spend: staff page through their records
 * with their referrals, coordinators read across agencies; analysts' statistics are one list.
 */
export const ROLE_COST_FACTOR: Record<Role, number> = { anonymous: 1, analyst: 1, staff: 2, coordinator: 5 };

export function costLimitOf(limits: Pick<Limits, 'maxCost'>, role: Role): number {
  return limits.maxCost * ROLE_COST_FACTOR[role];
}

export function limitsOf(s: Settings): Limits {
  return {
    maxDepth: s.maxDepth,
    maxAliases: s.maxAliases,
    maxTokens: s.maxTokens,
    maxQueryBytes: s.maxQueryBytes,
    maxCost: s.maxCost,
    maxObjects: s.maxObjects,
    maxResponseBytes: s.maxResponseBytes,
    maxBodyBytes: s.maxBodyBytes,
    requestTimeoutMs: s.requestTimeoutMs,
    introspection: s.introspection,
  };
}

// The rules throw by default, which Apollo turns into a 500; reported instead, a refusal is an
// ordinary validation error: HTTP 400, code GRAPHQL_VALIDATION_FAILED.
const report = {
  propagateOnRejection: false,
  onReject: [
    (ctx: ValidationContext | null, error: GraphQLError) =>
      ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
  ],
};

export function limitValidationRules(limits: Limits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
  ] as unknown as ValidationRule[];
}

/**
 * Refuses an operation whose estimated cost is over its caller's limit, before it is planned:
 * HTTP 400, COST_LIMIT_EXCEEDED with the cost and the limit. Variables count with their values
 * (`first: $n` costs what $n asks for).
 */
export function costLimitPlugin(
  listSizes: ListSizes,
  limits: Pick<Limits, 'maxCost'>,
  onRefuse: () => void = () => {},
  fieldWork?: CostOptions['fieldWork'],
): ApolloServerPlugin<{ viewer: { role: Role } }> {
  const estimate = costEstimator({ listSizes, fieldWork });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const cost = estimate(schema, document, operation, request.variables);
          const role = contextValue.viewer?.role ?? 'anonymous';
          const limit = costLimitOf(limits, role);
          if (cost <= limit) return;
          onRefuse();
          throw new GraphQLError(
            `query cost ${Number.isFinite(cost) ? cost : 'beyond count'} exceeds the limit of ${limit} for ${role} callers: ask for smaller pages or fewer nested lists`,
            {
              extensions: {
                code: 'COST_LIMIT_EXCEEDED',
                cost: Number.isFinite(cost) ? cost : null,
                limit,
                http: { status: 400 },
              },
            },
          );
        },
      };
    },
  };
}

/**
 * Refuses documents with too many tokens before Apollo parses them (graphql-armor's counting
 * parser), for the HTTP layer's preflight: null when the request may proceed.
 */
export function tokenLimitCheck(maxTokens: number): (query: string) => { message: string; code: string } | null {
  return (query) => {
    try {
      new MaxTokensParserWLexer(query, { n: maxTokens }).parseDocument();
    } catch (e) {
      if (e instanceof GraphQLError && /token/i.test(e.message))
        return { message: `query has more than ${maxTokens} tokens`, code: 'QUERY_TOO_LARGE' };
      // Syntax errors are left to Apollo's own parse, which reports them with its code.
    }
    return null;
  };
}
