import DataLoader from 'dataloader';
import type { Services } from '../services.js';
import type { DisclosureRecord, OrderRecord } from '../store/types.js';
import { NotFoundError } from './not-found.js';

/** Orders from the journal, many ids in one read. */
export function createOrderByPartnerOrderIdLoader(services: Pick<Services, 'journal'>) {
  return new DataLoader<string, OrderRecord>(
    async (ids) => {
      const orders = await services.journal.orders(ids);
      return orders.map(
        (order, index) => order ?? new NotFoundError(`no order ${ids[index] ?? ''}`),
      );
    },
    { name: 'orderByPartnerOrderId' },
  );
}

export interface DisclosurePair {
  partnerOrderId: string;
  transactionId: string;
}

/** Disclosures this subgraph retrieved, by their pair. */
export function createDisclosureByPairLoader(services: Pick<Services, 'journal'>) {
  return new DataLoader<DisclosurePair, DisclosureRecord, string>(
    (pairs) =>
      Promise.all(
        pairs.map(
          async (pair) =>
            (await services.journal.disclosure(pair.partnerOrderId, pair.transactionId)) ??
            new NotFoundError('no disclosure for that pair'),
        ),
      ),
    {
      name: 'disclosureByPair',
      cacheKeyFn: (pair) => JSON.stringify([pair.partnerOrderId, pair.transactionId]),
    },
  );
}
