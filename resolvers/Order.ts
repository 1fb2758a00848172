import type { OrderResolvers } from '../src/generated/resolvers-types.js';
import { loadOrNull } from '../src/loaders/not-found.js';
import { entityCopy } from './entity-reference.js';

export const Order: OrderResolvers = {
  __resolveReference: ({ partnerId, partnerOrderId }, { loaders }) =>
    entityCopy(() => loaders.orderByRef.load({ partnerId, partnerOrderId })),
  partnerId: ({ key }) => key.partnerId,
  partnerOrderId: ({ key }) => key.partnerOrderId,
  transactionId: ({ key }) => key.transactionId,
  orderNumber: ({ order }) => order.orderNumber,
  status: ({ order }) => order.status,
  submittedAt: ({ order }) => order.submittedAt,
  items: ({ order }) => order.items,
  rccAcceptance: ({ acceptance }) => acceptance,
  disclosure: ({ key }, _args, { loaders }) => loadOrNull(() => loaders.disclosureByKey.load(key)),
};
