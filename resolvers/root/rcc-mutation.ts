import type { MutationResolvers } from '../../src/generated/resolvers-types.js';
import { isTypedErrorResult, unionMember } from '../union-member.js';

export const sendRcc: MutationResolvers['sendRcc'] = async (
  _parent,
  { input },
  { ordering, call },
) => {
  const { order, method, destination } = input;
  const outcome = await ordering.send({ ...order, deliveryMethod: method, destination }, call);
  if (!isTypedErrorResult(outcome)) return outcome;
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'RccUnavailableError',
    'UpstreamUnavailableError',
  ]);
};
