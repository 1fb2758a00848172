import type { OrderFlow } from '../ordering/order-flow.js';
import type { OrderJournal } from '../store/journal.js';
import type { LineCache } from '../store/line-cache.js';
import type { CallContext } from '../upstreams/call-context.js';
import type { DxpClient } from '../upstreams/dxp/types.js';
import { createDisclosureByKeyLoader, createOrderByRefLoader } from './journal-loaders.js';
import { createLineByKeyLoader } from './line-by-key.js';
import { createAcceptanceByOrderKeyLoader, createRccByRequestLoader } from './order-flow-reads.js';

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

/** The request's DataLoaders: created per request, never shared between users. */
export function createLoaders(domains: Domains, call: CallContext) {
  return {
    lineByKey: createLineByKeyLoader(domains, call),
    rccByRequest: createRccByRequestLoader(domains, call),
    acceptanceByOrderKey: createAcceptanceByOrderKeyLoader(domains, call),
    orderByRef: createOrderByRefLoader(domains),
    disclosureByKey: createDisclosureByKeyLoader(domains),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
