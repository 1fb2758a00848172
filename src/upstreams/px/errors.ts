import {
  TypedError,
  upstreamUnavailable,
  type OrderAlreadySubmittedErrorResult,
  type TypedErrorResult,
  type UpstreamUnavailableErrorResult,
} from '../../errors.js';
import { readErrorBody } from './mapping.js';

/**
 * Px's error table, in one place: Px's internal message code → the typed
 * error of the public API, worded by this subgraph. Px's own text is never
 * passed on (it has carried URLs with credentials, tokens and customer
 * details); a row's message is the seed's user message with the field named
 * and the transaction id the caller sent. The only value read from Px's text
 * is a support phone number, and only when it matches a strict pattern.
 *
 * The same rows build the errors the order flow answers without calling Px,
 * so a local check and Px say the same thing with the same `upstreamCode`.
 *
 * Px answers validation errors with 401 (2000, 2030, 2025), so the code, not
 * the status, decides: a 401 with a code is never a token problem.
 */

/** What the subgraph knows when it answers a row: never Px's own words. */
export interface PxErrorContext {
  transactionId: string | null;
  /** Matched in Px's text (4050, payment system down); null when none matched. */
  supportPhone?: string | null;
  /** 2215 seen locally: when the order flow expired. */
  expiredAt?: Date | null;
  /** 2130: where to read the earlier order. */
  orderRef?: OrderAlreadySubmittedErrorResult['orderRef'];
}

export interface PxErrorRow {
  /** The seed's reason for the code, for readers of the table and of test names. */
  reason: string;
  toResult(context: PxErrorContext): TypedErrorResult;
}

/** The seed's `...; TxID <id>` suffix, with the id the caller sent. */
function withTxId(text: string, transactionId: string | null): string {
  return transactionId ? `${text}; TxID ${transactionId}` : `${text}.`;
}

function common(context: PxErrorContext, code: string, text: string) {
  return {
    message: withTxId(text, context.transactionId),
    upstreamCode: code,
    transactionId: context.transactionId,
  };
}

function invalidFieldRow(code: string, reason: string, field: string, text: string): PxErrorRow {
  return {
    reason,
    toResult: (context) => ({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      ...common(context, code, text),
      field,
    }),
  };
}

const contactCenturyLink = (phone: string | null | undefined) =>
  phone ? `contact CenturyLink at ${phone}` : 'contact CenturyLink';

export const PX_ERROR_TABLE = {
  '2000': invalidFieldRow('2000', 'Sales code', 'salesCode', 'Missing or invalid salesCode'),
  '2030': invalidFieldRow('2030', 'Partner ID', 'order.partnerId', 'Missing or invalid partnerId'),
  '2025': invalidFieldRow(
    '2025',
    'addressDetailId',
    'addressDetailId',
    'Missing or invalid addressDetailId',
  ),
  '2070': invalidFieldRow(
    '2070',
    'Transaction Id',
    'order.transactionId',
    // Px also answers 2070 for a transaction id it has never seen: the usual
    // cause is a step taken before the disclosure was read, so say that.
    'Missing or invalid transactionId: Px knows a transaction id only once its disclosure was read with rccDisclosure, which comes before sendRcc, rccAcceptance and completeOrder',
  ),
  '2225': invalidFieldRow(
    '2225',
    'Partner Order ID is not provided',
    'order.partnerOrderId',
    'Missing partnerOrderId',
  ),
  '2131': {
    reason: 'Partner order id and transaction id combination changed',
    toResult: (context) => ({
      __typename: 'TransactionMismatchError',
      code: 'TRANSACTION_MISMATCH',
      ...common(
        context,
        '2131',
        'This transactionId belongs to another order flow: the partnerOrderId and transactionId pair must remain the same from rccDisclosure through completeOrder',
      ),
    }),
  },
  '4040': {
    reason: 'taxEstimate service not available',
    toResult: (context) => ({
      __typename: 'TaxEstimateUnavailableError',
      code: 'TAX_ESTIMATE_UNAVAILABLE',
      ...common(context, '4040', 'The CenturyLink tax estimate service is unavailable'),
    }),
  },
  '4050': {
    reason: 'No RCC is returned',
    toResult: (context) => ({
      __typename: 'RccUnavailableError',
      code: 'RCC_UNAVAILABLE',
      ...common(
        context,
        '4050',
        `Downstream applications failed and the order cannot be processed now; please ${contactCenturyLink(context.supportPhone)} to process it`,
      ),
      supportPhone: context.supportPhone ?? null,
    }),
  },
  '1210': {
    reason: 'RCC requested and accepted?',
    toResult: (context) => ({
      __typename: 'RccNotAcceptedError',
      code: 'RCC_NOT_ACCEPTED',
      ...common(
        context,
        '1210',
        'The RCC must be accepted to submit an order; please correct and resubmit',
      ),
    }),
  },
  '1130': {
    reason: 'Payment required but PaymentToken not provided',
    toResult: (context) => ({
      __typename: 'PaymentRequiredError',
      code: 'PAYMENT_REQUIRED',
      ...common(
        context,
        '1130',
        'Because payment is required, a paymentToken must be provided; please correct and resend',
      ),
    }),
  },
  '1099': {
    reason: 'Payment declined',
    toResult: (context) => ({
      __typename: 'PaymentDeclinedError',
      code: 'PAYMENT_DECLINED',
      ...common(
        context,
        '1099',
        'Invalid credit card information: the payment system declined the card; please correct and resend',
      ),
    }),
  },
  '1215': {
    reason: 'Can only select one gift card',
    toResult: (context) => ({
      __typename: 'TooManyGiftCardsError',
      code: 'TOO_MANY_GIFT_CARDS',
      ...common(
        context,
        '1215',
        'Only one gift card can be submitted; please correct and resubmit',
      ),
      maxGiftCards: MAX_GIFT_CARDS,
    }),
  },
  '2130': {
    reason: 'Already received and processed submitted order',
    toResult: (context): OrderAlreadySubmittedErrorResult => ({
      __typename: 'OrderAlreadySubmittedError',
      code: 'ORDER_ALREADY_SUBMITTED',
      ...common(
        context,
        '2130',
        'The order shows as already submitted and may not be submitted again',
      ),
      orderRef: context.orderRef ?? null,
    }),
  },
  '2215': {
    reason: 'Complete more than 120 minutes after prepare',
    toResult: (context) => ({
      __typename: 'OrderExpiredError',
      code: 'ORDER_EXPIRED',
      ...common(
        context,
        '2215',
        'A complete order cannot be executed more than 120 minutes after the order was prepared',
      ),
      // Px's answer does not say when the prepare was; only a local check knows.
      expiredAt: context.expiredAt ?? null,
    }),
  },
} as const satisfies Readonly<Record<string, PxErrorRow>>;

export type PxErrorCode = keyof typeof PX_ERROR_TABLE;

/** Px 1215: at most this many gift cards per order. */
export const MAX_GIFT_CARDS = 1;

/** The typed error of a Px row: what Px answers, or what a local check answers in its place. */
export function pxError<Code extends PxErrorCode>(
  code: Code,
  context: PxErrorContext,
): TypedError<ReturnType<(typeof PX_ERROR_TABLE)[Code]['toResult']>> {
  const row: PxErrorRow = PX_ERROR_TABLE[code];
  return new TypedError(
    row.toResult(context) as ReturnType<(typeof PX_ERROR_TABLE)[Code]['toResult']>,
  );
}

function isPxErrorCode(code: string): code is PxErrorCode {
  return Object.hasOwn(PX_ERROR_TABLE, code);
}

/** The one row the seed gives no internal code: a 401 whose message says this. */
const PAYMENT_SYSTEM_DOWN = /^\s*Payment system is down/i;

export function paymentUnavailable(context: PxErrorContext): TypedError {
  return new TypedError({
    __typename: 'PaymentUnavailableError',
    code: 'PAYMENT_UNAVAILABLE',
    message: withTxId(
      `The payment system is down; please ${contactCenturyLink(context.supportPhone)}`,
      context.transactionId,
    ),
    upstreamCode: null,
    transactionId: context.transactionId,
    supportPhone: context.supportPhone ?? null,
  });
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
 * Retry-After, already parsed by the caller, which has the headers. The
 * transaction id is the one the caller sent: Px's text is not read for it.
 */
export function mapPxError(
  status: number,
  bodyText: string,
  request: { transactionId: string },
  retryAfterMs: number | null = null,
): PxErrorOutcome {
  const body = readErrorBody(bodyText);
  const context: PxErrorContext = {
    transactionId: request.transactionId || null,
    supportPhone: phoneIn(body?.message ?? null),
  };

  if (body?.code) {
    if (isPxErrorCode(body.code)) return { kind: 'typed', error: pxError(body.code, context) };
  } else if (status === 401) {
    if (body?.message && PAYMENT_SYSTEM_DOWN.test(body.message)) {
      return { kind: 'typed', error: paymentUnavailable(context) };
    }
    return { kind: 'refresh-token' };
  }

  const retryable = !body?.code && RETRYABLE_STATUSES.has(status);
  const waitMs = retryable ? retryAfterMs : null;
  return {
    kind: 'unavailable',
    error: upstreamUnavailable('PX', {
      upstreamCode: String(status),
      transactionId: context.transactionId,
      retryAfterSeconds: waitMs === null ? null : Math.ceil(waitMs / 1000),
    }),
    retryable,
    retryAfterMs: waitMs,
  };
}

/**
 * A North American support number as the seed writes it (1-800-555-0100,
 * (800) 555-0100, ...), standing alone: anything looser could lift other
 * digits of Px's text (an msisdn, a card number) into an answer.
 */
const PHONE = /(?<![\w-])(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])/;

function phoneIn(message: string | null): string | null {
  if (message === null) return null;
  return PHONE.exec(message)?.[0] ?? null;
}
