import type { AddonResolvers } from '../src/generated/resolvers-types.js';

// `product` is dxp-ux's own product object, which Product resolves.
export const Addon: AddonResolvers = {
  prices: (addon) => addon.itemPrice ?? [],
};
