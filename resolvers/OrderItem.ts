import type { OrderItemResolvers } from '../src/generated/resolvers-types.js';

export const OrderItem: OrderItemResolvers = {
  product: (item) => ({ id: item.productId, name: item.productName }),
};
