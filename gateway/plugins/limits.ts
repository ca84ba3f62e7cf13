/**
 * Bounds on what one request may ask for: depth, aliases and cost as validation rules
 * (graphql-armor's single-rule packages), and the token count checked before Apollo parses.
 * Every refusal is a 400 with a code, counted in the metrics.
 */
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { intFromEnv } from '../env';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  introspection: boolean;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  return {
    maxDepth: intFromEnv(env, 'MADOGUCHI_MAX_DEPTH', 12),
    maxAliases: intFromEnv(env, 'MADOGUCHI_MAX_ALIASES', 30),
    maxTokens: intFromEnv(env, 'MADOGUCHI_MAX_TOKENS', 3000),
    maxCost: intFromEnv(env, 'MADOGUCHI_MAX_COST', 20000),
    maxBodyBytes: intFromEnv(env, 'MADOGUCHI_MAX_BODY_BYTES', 1024 * 1024),
    requestTimeoutMs: intFromEnv(env, 'MADOGUCHI_REQUEST_TIMEOUT_MS', 30_000),
    introspection: (env.MADOGUCHI_INTROSPECTION ?? (env.NODE_ENV === 'production' ? 'false' : 'true')) === 'true',
  };
}

// The rules throw by default, which Apollo turns into a 500; reported instead, a refusal is an
// ordinary validation error: HTTP 400, code GRAPHQL_VALIDATION_FAILED.
const report = {
  propagateOnRejection: false,
  onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')))],
};

export function limitValidationRules(limits: Limits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...report }),
  ] as unknown as ValidationRule[];
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
      if (e instanceof GraphQLError && /token/i.test(e.message)) return { message: `query has more than ${maxTokens} tokens`, code: 'QUERY_TOO_LARGE' };
      // Syntax errors are left to Apollo's own parse, which reports them with its code.
    }
    return null;
  };
}
