import { isTypedErrorResult, resultOrTypedError, typedErrorAsGraphQLError } from '../src/errors.js';
import type { MobileLineResolvers } from '../src/generated/resolvers-types.js';

export const MobileLine: MobileLineResolvers = {
  // The representation guard (src/entity-representations.ts) has checked the key like arguments.
  async __resolveReference({ businessId, msisdn }, { loaders }) {
    const key = { businessId, msisdn };
    const line = await resultOrTypedError(() => loaders.lineByKey.load(key));
    // @apollo/subgraph marks the object it is given with its __typename, in
    // place: a copy keeps the loader's and the cache's shared record as it was read.
    if (!isTypedErrorResult(line)) return { ...line };
    // An entity has no result union to carry the error in: a line that does
    // not exist is null, as federation expects; anything else is an error the
    // client can tell apart by its code (UPSTREAM_UNAVAILABLE, ...).
    if (line.__typename === 'LineNotFoundError') return null;
    throw typedErrorAsGraphQLError(line);
  },
};
