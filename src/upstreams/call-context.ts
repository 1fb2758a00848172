import type { Logger } from '../logger.js';

/** What every upstream call carries from the GraphQL request that made it. */
export interface CallContext {
  correlationId: string;
  logger: Logger;
  /**
   * Aborted when the GraphQL request's deadline passes; Px calls and token
   * waits follow it. dxp-ux reads, the hot path, cap each attempt at the time
   * left instead: a signal costs every call a timer and a listener.
   */
  signal: AbortSignal;
  /** Epoch ms by which the whole GraphQL request must be answered. */
  deadline: number;
}
