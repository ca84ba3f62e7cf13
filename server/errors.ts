/**
 * Which errors a client may read as they are. Errors carrying one of these codes were written for
 * the caller (a refused argument, a missing token, a query over its limits); anything else — a SQL
 * error, a bug, a library's message naming internal hosts — is masked to "internal error" with its
 * code and the request id, and its details go to the log only.
 */
import type { GraphQLFormattedError } from 'graphql';

export const PUBLIC_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_LARGE',
  'COST_LIMIT_EXCEEDED',
  'LIMIT_EXCEEDED',
  'BUDGET_EXCEEDED',
  'REQUEST_TIMEOUT',
  'RESPONSE_TOO_LARGE',
  'RATE_LIMITED',
  'CONFLICT',
  'STORE_UNAVAILABLE',
  'SOURCE_UNAVAILABLE',
  'SUBGRAPH_UNAVAILABLE',
  // An agency's live service's own error about its field, its message prefixed with the agency
  // and cut to 500 characters by the gateway (gateway/subgraph/client.ts, untrusted).
  'SOURCE_ERROR',
]);

export const INTERNAL_MESSAGE = 'internal error';

/** The error as a client may see it: as it is when its code is public, else masked. */
export function maskedError(error: GraphQLFormattedError, requestId?: string): GraphQLFormattedError {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : undefined;
  const withId = requestId ? { requestId } : {};
  if (code && PUBLIC_ERROR_CODES.has(code)) {
    const { http: _http, ...extensions } = error.extensions ?? {};
    return { ...error, extensions: { ...extensions, ...withId } };
  }
  return {
    message: INTERNAL_MESSAGE,
    ...(error.path ? { path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...withId },
  };
}
