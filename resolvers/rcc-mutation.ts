import type { MutationResolvers } from '../src/generated/resolvers-types.js';
import { isTypedErrorResult } from '../src/errors.js';
import { unionMember } from './union-member.js';

export const sendRcc: MutationResolvers['sendRcc'] = async (
  _parent,
  { input },
  { services, call },
) => {
  const { order, method, destination } = input;
  const outcome = await services.ordering.send(
    { ...order, deliveryMethod: method, destination },
    call,
  );
  if (!isTypedErrorResult(outcome)) return outcome;
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'RccUnavailableError',
    'UpstreamUnavailableError',
  ]);
};
