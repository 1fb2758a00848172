import DataLoader from 'dataloader';
import type { Domains } from './domains.js';
import type { DisclosureRecord, OrderRecord, OrderRef } from '../store/types.js';
import type { PxOrderKey } from '../upstreams/px/types.js';
import { NotFoundError } from './not-found.js';

/**
 * Orders from the journal, many in one read, each the partner's own. A record
 * the journal cannot serve reads as no order.
 */
export function createOrderByRefLoader(domains: Pick<Domains, 'journal'>) {
  return new DataLoader<OrderRef, OrderRecord, string>(
    async (refs) => {
      const orders = await domains.journal.orders(refs);
      return orders.map((order) => order ?? new NotFoundError('no such order'));
    },
    {
      name: 'orderByRef',
      cacheKeyFn: (ref) => JSON.stringify([ref.partnerId, ref.partnerOrderId]),
    },
  );
}

/** Disclosures this subgraph retrieved, by partner and pair. */
export function createDisclosureByKeyLoader(domains: Pick<Domains, 'journal'>) {
  return new DataLoader<PxOrderKey, DisclosureRecord, string>(
    (keys) =>
      Promise.all(
        keys.map(
          async (key) =>
            (await domains.journal.disclosure(key)) ??
            new NotFoundError('no disclosure for that key'),
        ),
      ),
    {
      name: 'disclosureByKey',
      cacheKeyFn: (key) => JSON.stringify([key.partnerId, key.partnerOrderId, key.transactionId]),
    },
  );
}
