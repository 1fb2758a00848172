import type { Domains } from '../src/loaders/domains.js';
import { createLoaders, type Loaders } from '../src/loaders/index.js';
import type { Logger } from '../src/observability/logger.js';
import type { OrderFlow } from '../src/ordering/order-flow.js';
import type { CallContext } from '../src/upstreams/call-context.js';

/** Per-request context: its own loaders (never shared across requests), the order flow, correlation id, logger. */
export interface RequestContext {
  correlationId: string;
  logger: Logger;
  /** Passed to every upstream call the request makes. */
  call: CallContext;
  loaders: Loaders;
  /** The order flow's writes (sendRcc, completeOrder); its reads go through the loaders. */
  ordering: OrderFlow;
  /**
   * False once the answer holds an expected failure (a line dxp-ux could not
   * serve, say): the cache policy then answers no-store, so a router never
   * keeps "unavailable" for the lifetime of a line.
   */
  answer: { storable: boolean };
}

export function createRequestContext(
  domains: Domains,
  request: { correlationId: string; logger: Logger; deadline: number },
): RequestContext {
  const call: CallContext = {
    correlationId: request.correlationId,
    logger: request.logger,
    deadline: request.deadline,
  };
  return {
    correlationId: request.correlationId,
    logger: request.logger,
    call,
    loaders: createLoaders(domains, call),
    ordering: domains.ordering,
    answer: { storable: true },
  };
}
