import { GraphQLError } from 'graphql';
import { TypedError } from '../src/errors.js';
import type { MobileLineResolvers } from '../src/generated/resolvers-types.js';

export const MobileLine: MobileLineResolvers = {
  async __resolveReference({ businessId, msisdn }, { loaders }) {
    try {
      return await loaders.lineByKey.load({ businessId, msisdn });
    } catch (error) {
      if (!(error instanceof TypedError)) throw error;
      // An entity has no result union to carry the error in: a line that does
      // not exist is null, as federation expects; anything else is an error
      // the client can tell apart by its code.
      if (error.result.__typename === 'LineNotFoundError') return null;
      const { __typename: _typename, message, ...details } = error.result;
      throw new GraphQLError(message, { extensions: { ...details } });
    }
  },
};
