import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { upstreamUnavailable } from '../../errors.js';
import {
  PxAnswerSchemas,
  pxAnswerShapes,
  type PxAcceptance,
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
 * is at hand, this file is the only one that changes (with Px's answer
 * shapes declared here, if they no longer match ours but for their times).
 * Builders turn our requests into Px bodies; readers validate Px's answers
 * and keep only what our shapes declare.
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

/** Px's answers: our shapes, with times at any RFC 3339 offset. */
const wire = pxAnswerShapes(Type.String({ format: 'date-time' }));

const validError = Compile(
  Type.Object({
    code: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()])),
    message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  }),
);

/**
 * Px may write any RFC 3339 offset; the API answers UTC. A time past what a
 * Date holds (a leap second, say) is Px failing like any other wrong shape.
 */
function utc(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw upstreamUnavailable('PX');
  return date.toISOString();
}

/**
 * A reader of one Px answer: Px's shape checked, everything Px adds beyond
 * it dropped (so nothing passes through unnoticed), times put in UTC, and a
 * last check against the shape as served: a time the DateTime scalar cannot
 * carry (year 9999 at a negative offset is year 10000 in UTC) is Px failing
 * too; without it, an order journaled with such a value would fail every
 * later read of it. Malformed JSON or the wrong shape is Px failing, not the
 * caller: the error says so without quoting Px's text, which could carry
 * anything.
 */
function answerReader<Wire extends TSchema, Served extends TSchema>(
  wireSchema: Wire,
  servedSchema: Served,
  inUtc: (body: Type.Static<Wire>) => Type.Static<Served>,
): (text: string) => Type.Static<Served> {
  const valid = Compile(wireSchema);
  const servable = Compile(servedSchema);
  return (text) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw upstreamUnavailable('PX');
    }
    if (!valid.Check(body)) throw upstreamUnavailable('PX');
    const answer = inUtc(valid.Clean(body) as Type.Static<Wire>);
    if (!servable.Check(answer)) throw upstreamUnavailable('PX');
    return answer;
  };
}

export const readRcc: (text: string) => PxRcc = answerReader(
  wire.rcc,
  PxAnswerSchemas.rcc,
  (body) => ({
    ...body,
    preparedAt: utc(body.preparedAt),
    rcc: { ...body.rcc, taxEstimate: body.rcc.taxEstimate ?? null },
  }),
);

export const readSendResult: (text: string) => PxSendResult = answerReader(
  wire.sendResult,
  PxAnswerSchemas.sendResult,
  (body) => ({ ...body, sentAt: utc(body.sentAt) }),
);

export const readAcceptance: (text: string) => PxAcceptance = answerReader(
  wire.acceptance,
  PxAnswerSchemas.acceptance,
  (body) => ({ ...body, acceptedAt: body.acceptedAt === null ? null : utc(body.acceptedAt) }),
);

export const readCompletedOrder: (text: string) => PxCompletedOrder = answerReader(
  wire.completedOrder,
  PxAnswerSchemas.completedOrder,
  (body) => ({ ...body, submittedAt: utc(body.submittedAt) }),
);

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
