import type { QueryResolvers } from '../../src/generated/resolvers-types.js';
import { loadOrNull } from '../../src/loaders/not-found.js';

export const order: QueryResolvers['order'] = (
  _parent,
  { partnerId, partnerOrderId },
  { loaders },
) => loadOrNull(() => loaders.orderByRef.load({ partnerId, partnerOrderId }));
