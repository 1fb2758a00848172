import type { OrderAlreadySubmittedErrorResolvers } from '../src/generated/resolvers-types.js';
import { loadOrNull } from '../src/loaders/not-found.js';

export const OrderAlreadySubmittedError: OrderAlreadySubmittedErrorResolvers = {
  order: ({ orderRef }, _args, { loaders }) =>
    orderRef ? loadOrNull(() => loaders.orderByRef.load(orderRef)) : null,
};
