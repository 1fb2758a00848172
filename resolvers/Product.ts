import type { ProductResolvers } from '../src/generated/resolvers-types.js';

export const Product: ProductResolvers = {
  // The seed marks dxp-ux's product name optional while the schema promises
  // one; the catalog id is the one name the product surely has.
  name: (product) => product.name ?? product.id,
};
