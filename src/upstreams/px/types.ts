import Type from 'typebox';
import type { CallContext } from '../call-context.js';

/**
 * Px success bodies, in this subgraph's own words. Px's field names live in
 * `mapping.ts` alone; these are the shapes after that mapping, and what
 * `mapping.ts` checks every answer against once normalized: each value is one
 * the GraphQL types can carry (a DateTime in UTC, an Int in range), so an
 * answer that passes can be journaled and served later without failing.
 */
const DecimalString = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
/** As the DateTime scalar serializes it: `Date.prototype.toISOString()`. */
const IsoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });
/** GraphQL's Int is 32-bit signed. */
const GRAPHQL_INT_MAX = 2 ** 31 - 1;

export const PxChargeSchema = Type.Object({
  name: Type.String(),
  amount: DecimalString,
  currency: Type.String(),
  recurrence: Type.Union([Type.Literal('MONTHLY'), Type.Literal('ONE_TIME')]),
});

export const PxRccSchema = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  preparedAt: IsoTime,
  rcc: Type.Object({
    sections: Type.Array(Type.Object({ title: Type.String(), text: Type.String() })),
    charges: Type.Array(PxChargeSchema),
    taxEstimate: Type.Optional(
      Type.Union([Type.Object({ amount: DecimalString, currency: Type.String() }), Type.Null()]),
    ),
  }),
});

export const PxSendResultSchema = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  deliveryMethod: Type.Union([Type.Literal('SMS'), Type.Literal('EMAIL')]),
  status: Type.String(),
  sentAt: IsoTime,
});

export const PxAcceptanceMethodSchema = Type.Union([
  Type.Literal('VERBAL'),
  Type.Literal('EMAIL'),
  Type.Literal('SMS'),
]);

export const PxAcceptanceSchema = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  accepted: Type.Boolean(),
  acceptanceMethod: Type.Union([PxAcceptanceMethodSchema, Type.Null()]),
  acceptedAt: Type.Union([IsoTime, Type.Null()]),
});

export const PxOrderItemSchema = Type.Object({
  productId: Type.String(),
  productName: Type.String(),
  quantity: Type.Integer({ minimum: 0, maximum: GRAPHQL_INT_MAX }),
  charges: Type.Array(PxChargeSchema),
});

export const PxOrderStatusSchema = Type.Union([
  Type.Literal('ACKNOWLEDGED'),
  Type.Literal('IN_PROGRESS'),
  Type.Literal('COMPLETED'),
  Type.Literal('FAILED'),
]);

export const PxCompletedOrderSchema = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  orderNumber: Type.String(),
  status: PxOrderStatusSchema,
  submittedAt: IsoTime,
  items: Type.Array(PxOrderItemSchema),
});

export type PxCharge = Type.Static<typeof PxChargeSchema>;
export type PxRcc = Type.Static<typeof PxRccSchema>;
export type PxSendResult = Type.Static<typeof PxSendResultSchema>;
export type PxAcceptanceMethod = Type.Static<typeof PxAcceptanceMethodSchema>;
export type PxAcceptance = Type.Static<typeof PxAcceptanceSchema>;
export type PxOrderItem = Type.Static<typeof PxOrderItemSchema>;
export type PxCompletedOrder = Type.Static<typeof PxCompletedOrderSchema>;

/** The pair that identifies one order flow at Px, plus the partner selling it. */
export interface PxOrderKey {
  partnerId: string;
  partnerOrderId: string;
  transactionId: string;
}

export interface PxRetrieveRccRequest extends PxOrderKey {
  salesCode: string;
  addressDetailId: string;
}

export interface PxSendRccRequest extends PxOrderKey {
  deliveryMethod: 'SMS' | 'EMAIL';
  destination: string;
}

export interface PxCompleteOrderRequest extends PxOrderKey {
  salesCode: string;
  addressDetailId: string;
  rccAccepted: boolean;
  acceptanceMethod: PxAcceptanceMethod;
  paymentToken: string | null;
  giftCards: string[];
}

/**
 * Px as this subgraph uses it. Failures are `TypedError`s from Px's error
 * table; sendRcc and completeOrder are never retried blindly.
 */
export interface PxClient {
  retrieveRcc(request: PxRetrieveRccRequest, call: CallContext): Promise<PxRcc>;
  sendRcc(request: PxSendRccRequest, call: CallContext): Promise<PxSendResult>;
  getRccAcceptance(key: PxOrderKey, call: CallContext): Promise<PxAcceptance>;
  completeOrder(request: PxCompleteOrderRequest, call: CallContext): Promise<PxCompletedOrder>;
  close(): Promise<void>;
}
