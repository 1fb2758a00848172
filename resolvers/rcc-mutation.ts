import { resultOrTypedError } from '../src/errors.js';
import type { MutationResolvers } from '../src/generated/resolvers-types.js';
import { checkDestination, maskDestination } from '../src/orders/destination.js';
import { checkOrderKey, checkPairUnchanged } from '../src/orders/local-checks.js';
import { isTypedErrorResult, unionMember } from './union-member.js';

export const sendRcc: MutationResolvers['sendRcc'] = async (
  _parent,
  { input },
  { services, call },
) => {
  const { order, method, destination } = input;
  const outcome = await resultOrTypedError(async () => {
    checkOrderKey(order);
    checkDestination(method, destination, order.transactionId);
    await checkPairUnchanged(services.journal, order);
    return services.px.sendRcc({ ...order, deliveryMethod: method, destination }, call);
  });
  if (!isTypedErrorResult(outcome)) {
    return {
      __typename: 'RccSent',
      partnerOrderId: outcome.partnerOrderId,
      transactionId: outcome.transactionId,
      method: outcome.deliveryMethod,
      destination: maskDestination(method, destination),
      sentAt: outcome.sentAt,
    };
  }
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'RccUnavailableError',
    'UpstreamUnavailableError',
  ]);
};
