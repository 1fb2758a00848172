import type { ApolloServerPlugin } from '@apollo/server';
import { markOperationFailed, nameOperationSpan } from './tracing.js';

/** Names the request's server span after its operation, and marks it failed when the answer has errors. */
export function operationSpanPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation !== undefined) nameOperationSpan(operation.operation, operationName);
        },
        async didEncounterErrors({ errors }) {
          markOperationFailed(errors.length);
        },
      };
    },
  };
}
