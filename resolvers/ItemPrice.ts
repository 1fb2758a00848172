import type { ItemPriceResolvers } from '../src/generated/resolvers-types.js';
import { formatAmount } from './money.js';

export const ItemPrice: ItemPriceResolvers = {
  // dxp-ux may leave the price's name out (the seed marks it optional); its
  // description, else the amount itself, is what an agent can still read out.
  name: (price) => price.name ?? price.description ?? amountLabel(price.price.dutyFreeAmount),
  description: (price) => price.description ?? null,
  dutyFreeAmount: ({ price: { dutyFreeAmount } }) => ({
    amount: formatAmount(dutyFreeAmount.value, dutyFreeAmount.unit),
    currency: dutyFreeAmount.unit,
  }),
};

function amountLabel(amount: { unit: string; value: number }): string {
  return `${amount.unit} ${formatAmount(amount.value, amount.unit)}`;
}
