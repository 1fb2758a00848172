import Type, { type TSchema } from 'typebox';
import {
  ChargeRecurrence,
  OrderStatus,
  RccAcceptanceMethod,
  RccDeliveryMethod,
} from '../../generated/resolvers-types.js';
import type { CallContext } from '../call-context.js';

const DecimalString = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
/** GraphQL's Int is 32-bit signed. */
const GRAPHQL_INT_MAX = 2 ** 31 - 1;

/**
 * Px's success answers, declared once, in this subgraph's words (the seed
 * names no Px fields, so today they are the same). Each value is one the
 * GraphQL types can carry: their enums, an Int in range. They differ only in
 * their times: Px may write any RFC 3339 offset, and the subgraph serves and
 * journals UTC, as the DateTime scalar serializes it. So the shapes take the
 * time as a parameter: `mapping.ts` checks Px's body against them with Px's
 * times, and checks the normalized answer against them with UTC times
 * (`PxAnswerSchemas`, below, whose static types the rest of the code uses).
 */
export function pxAnswerShapes<Time extends TSchema>(time: Time) {
  const charge = Type.Object({
    name: Type.String(),
    amount: DecimalString,
    currency: Type.String(),
    recurrence: Type.Enum(ChargeRecurrence),
  });
  const rcc = Type.Object({
    transactionId: Type.String(),
    partnerOrderId: Type.String(),
    preparedAt: time,
    rcc: Type.Object({
      sections: Type.Array(Type.Object({ title: Type.String(), text: Type.String() })),
      charges: Type.Array(charge),
      taxEstimate: Type.Optional(
        Type.Union([Type.Object({ amount: DecimalString, currency: Type.String() }), Type.Null()]),
      ),
    }),
  });
  const sendResult = Type.Object({
    transactionId: Type.String(),
    partnerOrderId: Type.String(),
    deliveryMethod: Type.Enum(RccDeliveryMethod),
    status: Type.String(),
    sentAt: time,
  });
  const acceptanceMethod = Type.Enum(RccAcceptanceMethod);
  const acceptance = Type.Object({
    transactionId: Type.String(),
    partnerOrderId: Type.String(),
    accepted: Type.Boolean(),
    acceptanceMethod: Type.Union([acceptanceMethod, Type.Null()]),
    acceptedAt: Type.Union([time, Type.Null()]),
  });
  const orderItem = Type.Object({
    productId: Type.String(),
    productName: Type.String(),
    quantity: Type.Integer({ minimum: 0, maximum: GRAPHQL_INT_MAX }),
    charges: Type.Array(charge),
  });
  const completedOrder = Type.Object({
    transactionId: Type.String(),
    partnerOrderId: Type.String(),
    orderNumber: Type.String(),
    status: Type.Enum(OrderStatus),
    submittedAt: time,
    items: Type.Array(orderItem),
  });
  return { charge, rcc, sendResult, acceptanceMethod, acceptance, orderItem, completedOrder };
}

/** As the DateTime scalar serializes it: `Date.prototype.toISOString()`. */
const UtcTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });

/** Px's answers as the subgraph serves and journals them. */
export const PxAnswerSchemas = pxAnswerShapes(UtcTime);

export type PxCharge = Type.Static<typeof PxAnswerSchemas.charge>;
export type PxRcc = Type.Static<typeof PxAnswerSchemas.rcc>;
export type PxSendResult = Type.Static<typeof PxAnswerSchemas.sendResult>;
export type PxAcceptance = Type.Static<typeof PxAnswerSchemas.acceptance>;
export type PxOrderItem = Type.Static<typeof PxAnswerSchemas.orderItem>;
export type PxCompletedOrder = Type.Static<typeof PxAnswerSchemas.completedOrder>;

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
  deliveryMethod: RccDeliveryMethod;
  destination: string;
}

export interface PxCompleteOrderRequest extends PxOrderKey {
  salesCode: string;
  addressDetailId: string;
  rccAccepted: boolean;
  acceptanceMethod: RccAcceptanceMethod;
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
