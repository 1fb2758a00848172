import type { QueryResolvers } from '../src/generated/resolvers-types.js';
import { loadOrNull } from '../src/loaders/not-found.js';

export const order: QueryResolvers['order'] = (_parent, { partnerOrderId }, { loaders }) =>
  loadOrNull(() => loaders.orderByPartnerOrderId.load(partnerOrderId));
