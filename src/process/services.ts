import type { Config } from './config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LineCache } from '../store/line-cache.js';
import type { OrderFlow } from '../ordering/order-flow.js';
import type { OrderJournal } from '../store/journal.js';
import type { DxpClient } from '../upstreams/dxp/types.js';
import type { PxClient } from '../upstreams/px/types.js';

/** What lives for the whole process and every request shares. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  dxp: DxpClient;
  px: PxClient;
  /** Cross-request cache of dxp-ux lines (their plan and add-ons). */
  lineCache: LineCache;
  /** What completeOrder submitted and what Px answered. */
  journal: OrderJournal;
  /** The Px order flow: disclosure, send, acceptance, completion. */
  ordering: OrderFlow;
}
