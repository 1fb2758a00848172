import type { QueryResolvers } from '../src/generated/resolvers-types.js';
import { isTypedErrorResult } from '../src/errors.js';
import { unionMember } from './union-member.js';

export const rccDisclosure: QueryResolvers['rccDisclosure'] = async (
  _parent,
  { input },
  { loaders },
) => {
  const { order, salesCode, addressDetailId } = input;
  const outcome = await loaders.rccByRequest.load({ ...order, salesCode, addressDetailId });
  if (!isTypedErrorResult(outcome)) return { __typename: 'RccDisclosure', ...outcome };
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'TaxEstimateUnavailableError',
    'RccUnavailableError',
    'UpstreamUnavailableError',
  ]);
};

export const rccAcceptance: QueryResolvers['rccAcceptance'] = async (
  _parent,
  { order },
  { loaders },
) => {
  const outcome = await loaders.acceptanceByOrderKey.load(order);
  if (!isTypedErrorResult(outcome)) return { __typename: 'RccAcceptanceStatus', ...outcome };
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'UpstreamUnavailableError',
  ]);
};
