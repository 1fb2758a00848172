import type { AddonResolvers } from '../src/generated/resolvers-types.js';

export const Addon: AddonResolvers = {
  id: (addon) => addon.product.id,
  // The seed marks dxp-ux's product name optional while the schema promises
  // one; the catalog id is the one name the add-on surely has.
  name: (addon) => addon.product.name ?? addon.product.id,
  prices: (addon) => addon.itemPrice ?? [],
};
