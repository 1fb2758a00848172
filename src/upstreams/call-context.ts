import type { Logger } from '../observability/logger.js';

/** What every upstream call carries from the GraphQL request that made it. */
export interface CallContext {
  correlationId: string;
  logger: Logger;
  /**
   * Epoch ms by which the whole GraphQL request must be answered. Every
   * attempt's timeout is capped at the time then left, an attempt with none
   * left is not sent, and retry backoff never waits past it. A deadline
   * rather than an abort signal: a signal costs every call a timer and
   * listeners, and the request has nothing else that cancels it.
   */
  deadline: number;
}
