import { createLoaders, type Loaders } from '../loaders/index.js';
import type { Logger } from '../observability/logger.js';
import type { Services } from '../process/services.js';
import type { CallContext } from '../upstreams/call-context.js';

/** Per-request context: its own loaders (never shared across requests), clients, correlation id, logger. */
export interface RequestContext {
  correlationId: string;
  logger: Logger;
  /** Passed to every upstream call the request makes. */
  call: CallContext;
  loaders: Loaders;
  services: Services;
  /**
   * False once the answer holds an expected failure (a line dxp-ux could not
   * serve, say): the cache policy then answers no-store, so a router never
   * keeps "unavailable" for the lifetime of a line.
   */
  answer: { storable: boolean };
}

export function createRequestContext(
  services: Services,
  request: { correlationId: string; logger: Logger; startedAt?: number },
): RequestContext {
  const call: CallContext = {
    correlationId: request.correlationId,
    logger: request.logger,
    deadline: (request.startedAt ?? Date.now()) + services.config.requestDeadlineMs,
  };
  return {
    correlationId: request.correlationId,
    logger: request.logger,
    call,
    loaders: createLoaders(services, call),
    services,
    answer: { storable: true },
  };
}
