import type { OrderResolvers } from '../src/generated/resolvers-types.js';
import { loadOrNull } from '../src/loaders/not-found.js';
import { entityCopy } from './entity-reference.js';

export const Order: OrderResolvers = {
  __resolveReference: ({ partnerOrderId }, { loaders }) =>
    entityCopy(() => loaders.orderByPartnerOrderId.load(partnerOrderId)),
  partnerOrderId: ({ key }) => key.partnerOrderId,
  transactionId: ({ key }) => key.transactionId,
  orderNumber: ({ order }) => order.orderNumber,
  status: ({ order }) => order.status,
  submittedAt: ({ order }) => order.submittedAt,
  items: ({ order }) => order.items,
  rccAcceptance: ({ acceptance }) => acceptance,
  disclosure: ({ key }, _args, { loaders }) =>
    loadOrNull(() =>
      loaders.disclosureByPair.load({
        partnerOrderId: key.partnerOrderId,
        transactionId: key.transactionId,
      }),
    ),
};
