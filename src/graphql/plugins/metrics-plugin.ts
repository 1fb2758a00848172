import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../../resolvers/context.js';
import type { Metrics } from '../../observability/metrics.js';

/** Operation names come from clients: bound the label set so a client cannot grow it without end. */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  const seen = new Set<string>();
  const labelFor = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= MAX_OPERATION_LABELS) return 'other';
    seen.add(name);
    return name;
  };

  return {
    async requestDidStart() {
      const stopTimer = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ response, operationName }) {
          const operation = labelFor(operationName);
          const failed =
            response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length);
          stopTimer({ operation });
          metrics.graphqlRequests.inc({ operation, outcome: failed ? 'error' : 'ok' });
        },
      };
    },
  };
}
