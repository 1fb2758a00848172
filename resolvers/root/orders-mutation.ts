import type { MutationResolvers } from '../../src/generated/resolvers-types.js';
import { unionResult } from '../union-member.js';

export const completeOrder: MutationResolvers['completeOrder'] = async (
  _parent,
  { input },
  { ordering, call },
) => {
  const outcome = await ordering.complete(
    {
      ...input.order,
      salesCode: input.salesCode,
      addressDetailId: input.addressDetailId,
      rccAccepted: input.rccAccepted,
      acceptanceMethod: input.acceptanceMethod,
      paymentToken: input.paymentToken ?? null,
      giftCards: input.giftCardIds ?? [],
    },
    call,
  );
  return unionResult(
    outcome,
    [
      'InvalidFieldError',
      'TransactionMismatchError',
      'RccNotAcceptedError',
      'PaymentRequiredError',
      'PaymentDeclinedError',
      'PaymentUnavailableError',
      'TooManyGiftCardsError',
      'OrderAlreadySubmittedError',
      'OrderExpiredError',
      'UpstreamUnavailableError',
    ],
    (completed) => completed,
  );
};
