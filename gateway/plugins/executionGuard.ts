/**
 * What a client finally reads: a request whose execution budget ran out (objects, bytes, time)
 * gets that one coded error and no partial data; every error without a public code is masked to
 * "internal error" with the request id, its details logged for operators (never variables or
 * results). Mutates nothing it was given: answers may be shared with the response cache.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { ExecutionBudget } from '../../server/budget';
import { INTERNAL_MESSAGE, maskedError } from '../../server/errors';

/**
 * Anonymous callers are not told which subgraph an error came from (`serviceName`): the layout
 * behind the gateway is for its operators and the roles that sign in.
 */
function withoutServiceName(error: GraphQLFormattedError, role: string | undefined): GraphQLFormattedError {
  if ((role ?? 'anonymous') !== 'anonymous' || !error.extensions?.serviceName) return error;
  const { serviceName: _name, ...extensions } = error.extensions;
  return { ...error, message: error.message.replace(/^subgraph "[^"]+"/, 'a part of the graph'), extensions };
}

export function executionGuardPlugin(
  logger?: Logger,
): ApolloServerPlugin<{ requestId?: string; budget?: ExecutionBudget; viewer?: { role: string } }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const requestId = contextValue.requestId;
          const exceeded = contextValue.budget?.exceeded;
          if (exceeded) {
            const code = String(exceeded.extensions.code);
            response.body.singleResult = {
              errors: [{ message: exceeded.message, extensions: { code, ...(requestId ? { requestId } : {}) } }],
            };
            response.http.status = code === 'REQUEST_TIMEOUT' ? 504 : 400;
            return;
          }
          const errors = response.body.singleResult.errors;
          if (!errors?.length) return;
          response.body.singleResult = {
            ...response.body.singleResult,
            errors: errors.map((e) => {
              const masked = withoutServiceName(maskedError(e, requestId), contextValue.viewer?.role);
              if (masked.message === INTERNAL_MESSAGE && e.message !== INTERNAL_MESSAGE) {
                logger?.warn(
                  {
                    requestId,
                    path: e.path,
                    code: e.extensions?.code,
                    service: e.extensions?.serviceName,
                    err: e.message.slice(0, 500),
                  },
                  'internal error masked',
                );
              }
              return masked;
            }),
          };
        },
      };
    },
  };
}
