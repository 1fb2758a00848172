import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { upstreamUnavailable } from '../../errors.js';
import {
  PxAcceptanceSchema,
  PxCompletedOrderSchema,
  PxRccSchema,
  PxSendResultSchema,
  type PxAcceptance,
  type PxCharge,
  type PxCompleteOrderRequest,
  type PxCompletedOrder,
  type PxOrderKey,
  type PxRcc,
  type PxRetrieveRccRequest,
  type PxSendRccRequest,
  type PxSendResult,
} from './types.js';

/**
 * Every Px field name, in one module. The seed gives Px's flow, auth and
 * errors but not its field names, so today's names are ours; when Px's spec
 * is at hand, this file is the only one that changes. Builders turn our
 * requests into Px bodies; readers validate Px's answers against Px's shapes
 * (declared here, in Px's words) and copy them field by field into ours, so
 * nothing Px adds ever passes through unnoticed.
 */

/** A JSON body as sent to Px. */
export type PxRequestBody = Readonly<Record<string, string | boolean | readonly string[]>>;

function orderKeyFields(key: PxOrderKey): Record<string, string> {
  return {
    partnerId: key.partnerId,
    partnerOrderId: key.partnerOrderId,
    transactionId: key.transactionId,
  };
}

export function retrieveRccBody(request: PxRetrieveRccRequest): PxRequestBody {
  return {
    ...orderKeyFields(request),
    salesCode: request.salesCode,
    addressDetailId: request.addressDetailId,
  };
}

export function sendRccBody(request: PxSendRccRequest): PxRequestBody {
  return {
    ...orderKeyFields(request),
    deliveryMethod: request.deliveryMethod,
    destination: request.destination,
  };
}

export function rccAcceptanceBody(key: PxOrderKey): PxRequestBody {
  return orderKeyFields(key);
}

export function completeOrderBody(request: PxCompleteOrderRequest): PxRequestBody {
  return {
    ...orderKeyFields(request),
    salesCode: request.salesCode,
    addressDetailId: request.addressDetailId,
    rccAccepted: request.rccAccepted,
    acceptanceMethod: request.acceptanceMethod,
    // Absent, not null, when there is no token: Px decides from the order
    // whether one was needed (1130), and absent is how "not given" reads in JSON APIs.
    ...(request.paymentToken === null ? {} : { paymentToken: request.paymentToken }),
    giftCards: request.giftCards,
  };
}

const WireDecimal = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
const WireTime = Type.String({ format: 'date-time' });
const WireAcceptanceMethod = Type.Union([
  Type.Literal('VERBAL'),
  Type.Literal('EMAIL'),
  Type.Literal('SMS'),
]);

const WireCharge = Type.Object({
  name: Type.String(),
  amount: WireDecimal,
  currency: Type.String(),
  recurrence: Type.Union([Type.Literal('MONTHLY'), Type.Literal('ONE_TIME')]),
});

const WireRetrieveRcc = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  preparedAt: WireTime,
  rcc: Type.Object({
    sections: Type.Array(Type.Object({ title: Type.String(), text: Type.String() })),
    charges: Type.Array(WireCharge),
    taxEstimate: Type.Optional(
      Type.Union([Type.Object({ amount: WireDecimal, currency: Type.String() }), Type.Null()]),
    ),
  }),
});

const WireSendRcc = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  deliveryMethod: Type.Union([Type.Literal('SMS'), Type.Literal('EMAIL')]),
  status: Type.String(),
  sentAt: WireTime,
});

const WireAcceptance = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  accepted: Type.Boolean(),
  acceptanceMethod: Type.Union([WireAcceptanceMethod, Type.Null()]),
  acceptedAt: Type.Union([WireTime, Type.Null()]),
});

const WireCompleteOrder = Type.Object({
  transactionId: Type.String(),
  partnerOrderId: Type.String(),
  orderNumber: Type.String(),
  status: Type.Union([
    Type.Literal('ACKNOWLEDGED'),
    Type.Literal('IN_PROGRESS'),
    Type.Literal('COMPLETED'),
    Type.Literal('FAILED'),
  ]),
  submittedAt: WireTime,
  items: Type.Array(
    Type.Object({
      productId: Type.String(),
      productName: Type.String(),
      quantity: Type.Integer(),
      charges: Type.Array(WireCharge),
    }),
  ),
});

const WireError = Type.Object({
  code: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()])),
  message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

const validRetrieveRcc = Compile(WireRetrieveRcc);
const validSendRcc = Compile(WireSendRcc);
const validAcceptance = Compile(WireAcceptance);
const validCompleteOrder = Compile(WireCompleteOrder);
const validError = Compile(WireError);

type WireChargeBody = Type.Static<typeof WireCharge>;

const servable = {
  rcc: Compile(PxRccSchema),
  sendResult: Compile(PxSendResultSchema),
  acceptance: Compile(PxAcceptanceSchema),
  completedOrder: Compile(PxCompletedOrderSchema),
};

/**
 * The last check of an answer, after its times are put in UTC: a value the
 * GraphQL types cannot carry (an Int past 32 bits, say) is Px failing too.
 * Without it, an order journaled with such a value would fail every later
 * read of it.
 */
function servableAs<T>(value: T, schema: { Check(value: unknown): boolean }): T {
  if (!schema.Check(value)) throw upstreamUnavailable('PX');
  return value;
}

/** Px may write any RFC 3339 offset; the API answers UTC. */
function utc(time: string): string {
  return new Date(time).toISOString();
}

/**
 * Malformed JSON or the wrong shape is Px failing, not the caller: the error
 * says so without quoting Px's text, which could carry anything.
 */
function parse<T>(text: string, valid: { Check(value: unknown): value is T }): T {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw upstreamUnavailable('PX');
  }
  if (!valid.Check(body)) throw upstreamUnavailable('PX');
  return body;
}

function toCharge(charge: WireChargeBody): PxCharge {
  return {
    name: charge.name,
    amount: charge.amount,
    currency: charge.currency,
    recurrence: charge.recurrence,
  };
}

export function readRcc(text: string): PxRcc {
  const body = parse(text, validRetrieveRcc);
  const { taxEstimate } = body.rcc;
  return servableAs(
    {
      transactionId: body.transactionId,
      partnerOrderId: body.partnerOrderId,
      preparedAt: utc(body.preparedAt),
      rcc: {
        sections: body.rcc.sections.map((section) => ({
          title: section.title,
          text: section.text,
        })),
        charges: body.rcc.charges.map(toCharge),
        taxEstimate: taxEstimate
          ? { amount: taxEstimate.amount, currency: taxEstimate.currency }
          : null,
      },
    },
    servable.rcc,
  );
}

export function readSendResult(text: string): PxSendResult {
  const body = parse(text, validSendRcc);
  return servableAs(
    {
      transactionId: body.transactionId,
      partnerOrderId: body.partnerOrderId,
      deliveryMethod: body.deliveryMethod,
      status: body.status,
      sentAt: utc(body.sentAt),
    },
    servable.sendResult,
  );
}

export function readAcceptance(text: string): PxAcceptance {
  const body = parse(text, validAcceptance);
  return servableAs(
    {
      transactionId: body.transactionId,
      partnerOrderId: body.partnerOrderId,
      accepted: body.accepted,
      acceptanceMethod: body.acceptanceMethod,
      acceptedAt: body.acceptedAt === null ? null : utc(body.acceptedAt),
    },
    servable.acceptance,
  );
}

export function readCompletedOrder(text: string): PxCompletedOrder {
  const body = parse(text, validCompleteOrder);
  return servableAs(
    {
      transactionId: body.transactionId,
      partnerOrderId: body.partnerOrderId,
      orderNumber: body.orderNumber,
      status: body.status,
      submittedAt: utc(body.submittedAt),
      items: body.items.map((item) => ({
        productId: item.productId,
        productName: item.productName,
        quantity: item.quantity,
        charges: item.charges.map(toCharge),
      })),
    },
    servable.completedOrder,
  );
}

/** Px's error body: its internal message code and the user message, either of which may be missing. */
export interface PxErrorBody {
  code: string | null;
  message: string | null;
}

/** Null when the body is not JSON of Px's error shape (a proxy's HTML page, say). */
export function readErrorBody(text: string): PxErrorBody | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!validError.Check(body)) return null;
  const code = body.code === undefined || body.code === null ? '' : String(body.code).trim();
  return { code: code === '' ? null : code, message: body.message ?? null };
}
