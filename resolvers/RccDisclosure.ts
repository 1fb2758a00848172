import { isTypedErrorResult, typedErrorAsGraphQLError } from '../src/errors.js';
import type { RccDisclosureResolvers } from '../src/generated/resolvers-types.js';
import { entityCopy } from './entity-reference.js';
import { formatDecimalAmount } from './money.js';
import { expiresAt } from '../src/ordering/local-checks.js';

export const RccDisclosure: RccDisclosureResolvers = {
  __resolveReference: ({ partnerId, partnerOrderId, transactionId }, { loaders }) =>
    entityCopy(() => loaders.disclosureByKey.load({ partnerId, partnerOrderId, transactionId })),
  partnerId: ({ key }) => key.partnerId,
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
    const outcome = await loaders.acceptanceByOrderKey.load(key);
    if (!isTypedErrorResult(outcome)) return outcome.acceptance;
    // A nullable field has no union to carry a typed error: it becomes a field error with its code.
    throw typedErrorAsGraphQLError(outcome);
  },
};
