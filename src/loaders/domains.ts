import type { OrderFlow } from '../ordering/order-flow.js';
import type { OrderJournal } from '../store/journal.js';
import type { LineCache } from '../store/line-cache.js';
import type { DxpClient } from '../upstreams/dxp/types.js';

/** What a request reads and writes through: dxp-ux behind the line cache, the order flow, the journal. */
export interface Domains {
  dxp: DxpClient;
  /** Cross-request cache of dxp-ux lines (their plan and add-ons). */
  lineCache: LineCache;
  /** What completeOrder submitted and what Px answered. */
  journal: OrderJournal;
  /** The Px order flow: disclosure, send, acceptance, completion. */
  ordering: OrderFlow;
}
