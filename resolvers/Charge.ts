import type { ChargeResolvers } from '../src/generated/resolvers-types.js';
import { formatDecimalAmount } from './money.js';

export const Charge: ChargeResolvers = {
  amount: (charge) => ({
    amount: formatDecimalAmount(charge.amount, charge.currency),
    currency: charge.currency,
  }),
};
