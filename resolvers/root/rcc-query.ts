import type { QueryResolvers } from '../../src/generated/resolvers-types.js';
import { unionResult } from '../union-member.js';

export const rccDisclosure: QueryResolvers['rccDisclosure'] = async (
  _parent,
  { input },
  { loaders },
) => {
  const { order, salesCode, addressDetailId } = input;
  const outcome = await loaders.rccByRequest.load({ ...order, salesCode, addressDetailId });
  return unionResult(
    outcome,
    [
      'InvalidFieldError',
      'TransactionMismatchError',
      'TaxEstimateUnavailableError',
      'RccUnavailableError',
      'UpstreamUnavailableError',
    ],
    (disclosure) => ({ __typename: 'RccDisclosure' as const, ...disclosure }),
  );
};

export const rccAcceptance: QueryResolvers['rccAcceptance'] = async (
  _parent,
  { order },
  { loaders },
) => {
  const outcome = await loaders.acceptanceByOrderKey.load(order);
  return unionResult(
    outcome,
    ['InvalidFieldError', 'TransactionMismatchError', 'UpstreamUnavailableError'],
    (status) => ({ __typename: 'RccAcceptanceStatus' as const, ...status }),
  );
};
