import { resultOrTypedError } from '../src/errors.js';
import type { QueryResolvers } from '../src/generated/resolvers-types.js';
import { checkOrderKey, checkPairUnchanged, checkRequired } from '../src/orders/local-checks.js';
import { isTypedErrorResult, unionMember } from './union-member.js';

export const rccDisclosure: QueryResolvers['rccDisclosure'] = async (
  _parent,
  { input },
  { loaders, services },
) => {
  const outcome = await resultOrTypedError(async () => {
    const { order, salesCode, addressDetailId } = input;
    checkOrderKey(order);
    checkRequired('salesCode', salesCode, 'Missing or invalid sales code.', order.transactionId);
    checkRequired(
      'addressDetailId',
      addressDetailId,
      'Missing or invalid address detail id.',
      order.transactionId,
    );
    await checkPairUnchanged(services.journal, order);
    return loaders.rccByRequest.load({ ...order, salesCode, addressDetailId });
  });
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
  { loaders, services },
) => {
  const outcome = await resultOrTypedError(async () => {
    checkOrderKey(order);
    await checkPairUnchanged(services.journal, order);
    return loaders.acceptanceByOrderKey.load(order);
  });
  if (!isTypedErrorResult(outcome)) return { __typename: 'RccAcceptanceStatus', ...outcome };
  return unionMember(outcome, [
    'InvalidFieldError',
    'TransactionMismatchError',
    'UpstreamUnavailableError',
  ]);
};
