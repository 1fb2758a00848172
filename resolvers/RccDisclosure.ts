import { GraphQLError } from 'graphql';
import { isTypedError } from '../src/errors.js';
import type { RccDisclosureResolvers } from '../src/generated/resolvers-types.js';
import { entityCopy } from './entity-reference.js';
import { formatDecimalAmount } from '../src/money.js';
import { expiresAt } from '../src/orders/local-checks.js';

export const RccDisclosure: RccDisclosureResolvers = {
  __resolveReference: ({ partnerOrderId, transactionId }, { loaders }) =>
    entityCopy(() => loaders.disclosureByPair.load({ partnerOrderId, transactionId })),
  partnerOrderId: ({ key }) => key.partnerOrderId,
  transactionId: ({ key }) => key.transactionId,
  text: ({ rcc }) =>
    rcc.rcc.sections.map((section) => `${section.title}\n\n${section.text}`).join('\n\n'),
  sections: ({ rcc }) => rcc.rcc.sections,
  charges: ({ rcc }) => rcc.rcc.charges,
  taxEstimate: ({ rcc }) => {
    const tax = rcc.rcc.taxEstimate;
    return tax
      ? { amount: formatDecimalAmount(tax.amount, tax.currency), currency: tax.currency }
      : null;
  },
  preparedAt: ({ rcc }) => rcc.preparedAt,
  expiresAt: ({ rcc }) => expiresAt(rcc.preparedAt),
  async acceptance({ key }, _args, { loaders }) {
    try {
      const status = await loaders.acceptanceByOrderKey.load(key);
      if (!status.accepted || !status.acceptanceMethod || !status.acceptedAt) return null;
      return { method: status.acceptanceMethod, acceptedAt: status.acceptedAt };
    } catch (error) {
      // A nullable field has no union to carry a typed error: it becomes a field error with its code.
      if (!isTypedError(error)) throw error;
      const { __typename: _typename, message, ...details } = error.result;
      throw new GraphQLError(message, { extensions: { ...details } });
    }
  },
};
