import { GraphQLError } from 'graphql';
import { resultOrTypedError } from '../src/errors.js';
import type { MobileLineResolvers } from '../src/generated/resolvers-types.js';
import { BusinessId, Msisdn } from '../src/scalars.js';
import type { LineKey } from '../src/upstreams/dxp/types.js';

export const MobileLine: MobileLineResolvers = {
  async __resolveReference(reference, { loaders }) {
    const key = lineKeyOf(reference);
    const line = await resultOrTypedError(() => loaders.lineByKey.load(key));
    // @apollo/subgraph marks the object it is given with its __typename, in
    // place: a copy keeps the loader's and the cache's shared record unmarked,
    // or the next read of the line would take it for a typed error.
    if (!('__typename' in line)) return { ...line };
    // An entity has no result union to carry the error in: a line that does
    // not exist is null, as federation expects; anything else is an error the
    // client can tell apart by its code (UPSTREAM_UNAVAILABLE, ...).
    if (line.__typename === 'LineNotFoundError') return null;
    const { __typename: _typename, message, ...details } = line;
    throw new GraphQLError(message, { extensions: details });
  },
};

/**
 * Representations arrive as `_Any`, so no scalar has checked their key
 * fields: the same checks as the arguments', before a malformed key costs a
 * dxp-ux call.
 */
function lineKeyOf(reference: { businessId: unknown; msisdn: unknown }): LineKey {
  try {
    return {
      businessId: BusinessId.parseValue(reference.businessId),
      msisdn: Msisdn.parseValue(reference.msisdn),
    };
  } catch (error) {
    const reason = error instanceof GraphQLError ? error.message : 'malformed key';
    throw new GraphQLError(`MobileLine representation: ${reason}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
}
