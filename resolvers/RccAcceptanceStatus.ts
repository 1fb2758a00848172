import type { RccAcceptanceStatusResolvers } from '../src/generated/resolvers-types.js';

export const RccAcceptanceStatus: RccAcceptanceStatusResolvers = {
  partnerId: ({ key }) => key.partnerId,
  partnerOrderId: ({ key }) => key.partnerOrderId,
  transactionId: ({ key }) => key.transactionId,
  accepted: ({ accepted }) => accepted,
  acceptance: ({ acceptance }) => acceptance,
};
