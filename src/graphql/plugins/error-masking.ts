import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../../../resolvers/context.js';
import { ErrorCode } from '../../generated/resolvers-types.js';
import { TOO_MANY_LINES, TOO_MANY_REPRESENTATIONS } from './fan-out-limits.js';
import { FORBIDDEN, UNAUTHENTICATED } from './partner-binding.js';

/**
 * Codes of errors raised on purpose, whose messages are written for clients:
 * GraphQL's own request errors, and the ones this subgraph throws itself
 * (a typed error where no union can carry it keeps its ErrorCode).
 * Apollo Server passes every thrown message through as it is, so anything
 * else is masked: a resolver bug must not show a client its internals.
 */
const DELIBERATE_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  ...Object.values(ErrorCode),
  'SERVICE_UNAVAILABLE',
  TOO_MANY_LINES,
  TOO_MANY_REPRESENTATIONS,
  UNAUTHENTICATED,
  FORBIDDEN,
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** What a client reads instead of an unexpected error: enough for support to find the logs. */
export function maskedInternalMessage(correlationId: string): string {
  return `${INTERNAL_ERROR_MESSAGE} (correlation id ${correlationId})`;
}

export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && DELIBERATE_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: INTERNAL_ERROR_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Puts the correlation id on every error a client sees, so support can find
 * the request's log lines, and logs the unexpected ones (with their stack,
 * which stays in the logs).
 */
export function correlationErrorsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const code = error.extensions['code'];
            if (code === 'SERVICE_UNAVAILABLE') {
              // Not a bug, but operators need to see it: the cause, by name and message only.
              const { originalError: cause } = original as { originalError?: Error };
              contextValue.logger.warn(
                { cause: cause ? { name: cause.name, message: cause.message } : undefined },
                'a store of this replica is unavailable',
              );
              continue;
            }
            if (typeof code === 'string' && DELIBERATE_CODES.has(code)) continue;
            contextValue.logger.error(
              { err: original, path: error.path?.join('.') },
              'unexpected error while executing an operation',
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const correlationId = contextValue.correlationId;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            message:
              error.message === INTERNAL_ERROR_MESSAGE
                ? maskedInternalMessage(correlationId)
                : error.message,
            extensions: { ...error.extensions, correlationId },
          }));
        },
      };
    },
  };
}
