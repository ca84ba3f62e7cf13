/**
 * What a client finally reads: a request whose execution budget ran out (objects, bytes, time)
 * gets that one coded error and no partial data; every error without a public code is masked to
 * "internal error" with the request id, its details logged for operators (never variables or
 * results). Mutates nothing it was given: answers may be shared with the response cache.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { ExecutionBudget } from '../../server/budget';
import { INTERNAL_MESSAGE, maskedError } from '../../server/errors';

export function executionGuardPlugin(
  logger?: Logger,
): ApolloServerPlugin<{ requestId?: string; budget?: ExecutionBudget }> {
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
              const masked = maskedError(e, requestId);
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
