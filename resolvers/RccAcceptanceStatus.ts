import type { RccAcceptanceStatusResolvers } from '../src/generated/resolvers-types.js';

export const RccAcceptanceStatus: RccAcceptanceStatusResolvers = {
  acceptance: (status) =>
    status.accepted && status.acceptanceMethod && status.acceptedAt
      ? { method: status.acceptanceMethod, acceptedAt: status.acceptedAt }
      : null,
};
