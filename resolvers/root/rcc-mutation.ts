import type { MutationResolvers } from '../../src/generated/resolvers-types.js';
import { unionResult } from '../union-member.js';

export const sendRcc: MutationResolvers['sendRcc'] = async (
  _parent,
  { input },
  { ordering, call },
) => {
  const { order, method, destination } = input;
  const outcome = await ordering.send({ ...order, deliveryMethod: method, destination }, call);
  return unionResult(
    outcome,
    [
      'InvalidFieldError',
      'TransactionMismatchError',
      'RccUnavailableError',
      'UpstreamUnavailableError',
    ],
    (sent) => sent,
  );
};
