import {
  TypedError,
  upstreamUnavailable,
  type TypedErrorResult,
  type UpstreamUnavailableErrorResult,
} from '../../errors.js';
import { readErrorBody } from './mapping.js';

/**
 * Px's error table, in one place: Px's internal message code → the typed
 * error of the public API. It is data so a test can walk every row; only
 * `mapPxError` reads it.
 *
 * Px answers validation errors with 401 (2000, 2030, 2025), so the code, not
 * the status, decides: a 401 with a code is never a token problem.
 */

/** What a row gets from Px's answer, cleaned for an agent's eyes. */
export interface PxErrorDetails {
  upstreamCode: string;
  transactionId: string | null;
  /** Px's user message without the TxID suffix and markup; null when Px gave none. */
  message: string | null;
  supportPhone: string | null;
}

export interface PxErrorRow {
  /** The seed's reason for the code, for readers of the table and of test names. */
  reason: string;
  toResult(details: PxErrorDetails): TypedErrorResult;
}

const common = (details: PxErrorDetails, fallback: string) => ({
  message: details.message ?? fallback,
  upstreamCode: details.upstreamCode,
  transactionId: details.transactionId,
});

function invalidFieldRow(reason: string, field: string, fallback: string): PxErrorRow {
  return {
    reason,
    toResult: (details) => ({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      ...common(details, fallback),
      field,
    }),
  };
}

export const PX_ERROR_TABLE: Readonly<Record<string, PxErrorRow>> = {
  '2000': invalidFieldRow('Sales code', 'salesCode', 'Missing or invalid sales code.'),
  '2030': invalidFieldRow('Partner ID', 'order.partnerId', 'Missing or invalid partner id.'),
  '2025': invalidFieldRow('addressDetailId', 'addressDetailId', 'Missing or invalid address.'),
  '2070': invalidFieldRow(
    'Transaction Id',
    'order.transactionId',
    'Missing or invalid transaction id.',
  ),
  '2225': invalidFieldRow(
    'Partner Order ID is not provided',
    'order.partnerOrderId',
    'Missing partner order id.',
  ),
  '2131': {
    reason: 'Partner order id and transaction id combination changed',
    toResult: (details) => ({
      __typename: 'TransactionMismatchError',
      code: 'TRANSACTION_MISMATCH',
      ...common(
        details,
        'The transaction id and partner order id must stay the same through submit.',
      ),
    }),
  },
  '4040': {
    reason: 'taxEstimate service not available',
    toResult: (details) => ({
      __typename: 'TaxEstimateUnavailableError',
      code: 'TAX_ESTIMATE_UNAVAILABLE',
      ...common(details, 'The tax estimate service is unavailable.'),
    }),
  },
  '4050': {
    reason: 'No RCC is returned',
    toResult: (details) => ({
      __typename: 'RccUnavailableError',
      code: 'RCC_UNAVAILABLE',
      ...common(details, 'No RCC is available; the order cannot be processed now.'),
      supportPhone: details.supportPhone,
    }),
  },
  '1210': {
    reason: 'RCC requested and accepted?',
    toResult: (details) => ({
      __typename: 'RccNotAcceptedError',
      code: 'RCC_NOT_ACCEPTED',
      ...common(details, 'The RCC must be accepted to submit an order.'),
    }),
  },
  '1130': {
    reason: 'Payment required but PaymentToken not provided',
    toResult: (details) => ({
      __typename: 'PaymentRequiredError',
      code: 'PAYMENT_REQUIRED',
      ...common(details, 'Payment is required: a payment token must be provided.'),
    }),
  },
  '1099': {
    reason: 'Payment declined',
    toResult: (details) => ({
      __typename: 'PaymentDeclinedError',
      code: 'PAYMENT_DECLINED',
      ...common(details, 'The card was declined.'),
    }),
  },
  '1215': {
    reason: 'Can only select one gift card',
    toResult: (details) => ({
      __typename: 'TooManyGiftCardsError',
      code: 'TOO_MANY_GIFT_CARDS',
      ...common(details, 'Only one gift card can be submitted.'),
      maxGiftCards: 1,
    }),
  },
  '2130': {
    reason: 'Already received and processed submitted order',
    toResult: (details) => ({
      __typename: 'OrderAlreadySubmittedError',
      code: 'ORDER_ALREADY_SUBMITTED',
      ...common(details, 'The order was already submitted and may not be submitted again.'),
      // Px does not send the order back; the journal layer above fills it in.
      order: null,
    }),
  },
  '2215': {
    reason: 'Complete more than 120 minutes after prepare',
    toResult: (details) => ({
      __typename: 'OrderExpiredError',
      code: 'ORDER_EXPIRED',
      ...common(
        details,
        'The order cannot be completed more than 120 minutes after it was prepared.',
      ),
      // Px's answer does not say when the prepare was; a guess would mislead.
      expiredAt: null,
    }),
  },
};

/** The one row the seed gives no internal code: a 401 whose message says this. */
const PAYMENT_SYSTEM_DOWN = /^\s*Payment system is down/i;

function paymentUnavailable(details: Omit<PxErrorDetails, 'upstreamCode'>): TypedErrorResult {
  return {
    __typename: 'PaymentUnavailableError',
    code: 'PAYMENT_UNAVAILABLE',
    message: details.message ?? 'The payment system is down.',
    upstreamCode: null,
    transactionId: details.transactionId,
    supportPhone: details.supportPhone,
  };
}

/**
 * Statuses after which the same request, sent again, may well succeed. A 429
 * is Px refusing at its door, so a read waits out its Retry-After like a 503,
 * and a write's error tells the agent how long to wait.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export type PxErrorOutcome =
  | { kind: 'typed'; error: TypedError }
  | { kind: 'refresh-token' }
  | {
      kind: 'unavailable';
      error: TypedError<UpstreamUnavailableErrorResult>;
      retryable: boolean;
      /** What Px asked for (Retry-After), in ms, when the answer is retryable. */
      retryAfterMs: number | null;
    };

/**
 * What a non-2xx answer from Px means. `retryAfterMs` is the answer's
 * Retry-After, already parsed by the caller, which has the headers.
 */
export function mapPxError(
  status: number,
  bodyText: string,
  request: { transactionId: string },
  retryAfterMs: number | null = null,
): PxErrorOutcome {
  const body = readErrorBody(bodyText);
  const rawMessage = body?.message ?? null;
  const transactionId = transactionIdIn(rawMessage) ?? (request.transactionId || null);
  const message = agentMessage(rawMessage);
  const supportPhone = message === null ? null : phoneIn(message);

  if (body?.code) {
    const row = Object.hasOwn(PX_ERROR_TABLE, body.code) ? PX_ERROR_TABLE[body.code] : undefined;
    if (row) {
      const result = row.toResult({
        upstreamCode: body.code,
        transactionId,
        message,
        supportPhone,
      });
      return { kind: 'typed', error: new TypedError(result) };
    }
  } else if (status === 401) {
    if (rawMessage !== null && PAYMENT_SYSTEM_DOWN.test(rawMessage)) {
      const result = paymentUnavailable({ transactionId, message, supportPhone });
      return { kind: 'typed', error: new TypedError(result) };
    }
    return { kind: 'refresh-token' };
  }

  const retryable = !body?.code && RETRYABLE_STATUSES.has(status);
  const waitMs = retryable ? retryAfterMs : null;
  return {
    kind: 'unavailable',
    error: upstreamUnavailable('PX', {
      upstreamCode: String(status),
      transactionId,
      retryAfterSeconds: waitMs === null ? null : Math.ceil(waitMs / 1000),
    }),
    retryable,
    retryAfterMs: waitMs,
  };
}

const TXID = /\bTxID\b\s*[:#]?\s*([A-Za-z0-9][\w.:-]*)/i;
const TXID_SUFFIX = /[;\s]*\bTxID\b[\s\S]*$/i;
const MARKUP = /<[^>]*>/g;
const CONTROL = /\p{Cc}/gu;
const MAX_MESSAGE_LENGTH = 300;

function transactionIdIn(message: string | null): string | null {
  if (message === null) return null;
  return TXID.exec(message)?.[1] ?? null;
}

/**
 * Px's user message is written for the agent, so it is kept, minus what is
 * not for them: the `TxID` suffix (the id has its own field) and markup.
 */
function agentMessage(raw: string | null): string | null {
  if (raw === null) return null;
  const text = raw
    .replace(TXID_SUFFIX, '')
    .replace(MARKUP, ' ')
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return null;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

const PHONE = /(?:\+?1[-.\s])?\(?\d{3}\)?[-.\s]\d{3}[-.\s]\d{4}/;

function phoneIn(message: string): string | null {
  return PHONE.exec(message)?.[0] ?? null;
}
