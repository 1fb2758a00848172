import {
  isTypedError,
  isTypedErrorResult,
  resultOrTypedError,
  type TypedErrorResult,
} from '../../src/errors.js';
import type { RequestContext } from '../context.js';
import type { QueryResolvers, ResolversTypes } from '../../src/generated/resolvers-types.js';
import type { MobileLineRecord } from '../../src/upstreams/dxp/types.js';
import { unionResult } from '../union-member.js';

type MobileLineResult = Awaited<ResolversTypes['MobileLineResult']>;

export const mobileLine: QueryResolvers['mobileLine'] = async (
  _parent,
  { businessId, msisdn },
  { loaders, answer },
) =>
  lineResult(
    await resultOrTypedError(() => loaders.lineByKey.load({ businessId, msisdn })),
    answer,
  );

export const mobileLines: QueryResolvers['mobileLines'] = async (
  _parent,
  { businessId, msisdns },
  { loaders, answer },
) => {
  // How many lines an operation may ask for is checked before it runs (src/plugins/fan-out-limits.ts).
  const lines = await loaders.lineByKey.loadMany(msisdns.map((msisdn) => ({ businessId, msisdn })));
  return lines.map((line) => {
    if (isTypedError(line)) return lineResult(line.result, answer);
    // Not an expected outcome: a bug, which the server masks as a GraphQL error.
    if (line instanceof Error) throw line;
    return lineResult(line, answer);
  });
};

/**
 * A line or one of the errors MobileLineResult admits; any other typed error
 * is a bug. An error makes the whole answer one not to store.
 */
function lineResult(
  line: MobileLineRecord | TypedErrorResult,
  answer: RequestContext['answer'],
): MobileLineResult {
  if (isTypedErrorResult(line)) answer.storable = false;
  return unionResult(
    line,
    ['LineNotFoundError', 'InvalidFieldError', 'RateLimitedError', 'UpstreamUnavailableError'],
    (record) => ({ __typename: 'MobileLine' as const, ...record }),
  );
}
