import type {
  PxAcceptanceMethod,
  PxCompletedOrder,
  PxOrderKey,
  PxRcc,
} from '../upstreams/px/types.js';

/** A disclosure as Px gave it, with the partner it was retrieved for. */
export interface DisclosureRecord {
  key: PxOrderKey;
  rcc: PxRcc;
  retrievedAt: string;
}

/** What completeOrder submitted and what Px answered: the journal's unit. */
export interface OrderRecord {
  key: PxOrderKey;
  order: PxCompletedOrder;
  acceptance: { method: PxAcceptanceMethod; acceptedAt: string };
}
