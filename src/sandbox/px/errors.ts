/**
 * The rows of the seed's Px error table: HTTP status, internal message code
 * and user message, worded as the seed words them (its `<B>` is the field or
 * value named by the row, `<>` the transaction id). Where the seed's row has
 * no status (2225) the sandbox answers 410 like the other partner order id row.
 */

export type PxErrorKind =
  | 'invalidSalesCode'
  | 'invalidPartnerId'
  | 'invalidAddressDetailId'
  | 'invalidTransactionId'
  | 'missingPartnerOrderId'
  | 'pairChanged'
  | 'taxEstimateUnavailable'
  | 'rccUnavailable'
  | 'rccNotAccepted'
  | 'paymentDeclined'
  | 'paymentSystemDown'
  | 'paymentTokenRequired'
  | 'alreadySubmitted'
  | 'tooManyGiftCards'
  | 'expired';

type PhoneKind = 'rccUnavailable' | 'paymentSystemDown';

/** What the order flow reports; the two rows that quote a support phone carry it. */
export type PxFailure =
  { kind: Exclude<PxErrorKind, PhoneKind> } | { kind: PhoneKind; supportPhone: string };

export interface PxErrorContext {
  transactionId: string;
  partnerOrderId: string;
  supportPhone: string;
}

interface PxErrorRow {
  status: number;
  /** Null for the one row the seed gives no internal code (payment system down). */
  code: string | null;
  message: (context: PxErrorContext) => string;
}

const missingOrInvalid =
  (field: string) =>
  ({ transactionId }: PxErrorContext): string =>
    `Missing or Invalid ${field}; TxID ${transactionId}`;

export const PX_ERROR_ROWS: Readonly<Record<PxErrorKind, PxErrorRow>> = {
  invalidSalesCode: { status: 401, code: '2000', message: missingOrInvalid('Sales Code') },
  invalidPartnerId: { status: 401, code: '2030', message: missingOrInvalid('Partner ID') },
  invalidAddressDetailId: {
    status: 401,
    code: '2025',
    message: missingOrInvalid('addressDetailId'),
  },
  invalidTransactionId: { status: 410, code: '2070', message: missingOrInvalid('Transaction Id') },
  missingPartnerOrderId: {
    status: 410,
    code: '2225',
    // The seed's `<>` after "Id" is the partner order id, which is missing.
    message: ({ transactionId }) => `Missing Partner Order Id; TxID ${transactionId}`,
  },
  pairChanged: {
    status: 410,
    code: '2131',
    message: ({ transactionId, partnerOrderId }) =>
      `Transaction Id ${transactionId} and PartnerOrderId ${partnerOrderId} combination must remain constant through Submit; TxID ${transactionId}`,
  },
  taxEstimateUnavailable: {
    status: 500,
    code: '4040',
    message: ({ transactionId }) =>
      `Centurylink taxEstimateService unavailable; TxID ${transactionId}`,
  },
  rccUnavailable: {
    status: 500,
    code: '4050',
    message: ({ transactionId, supportPhone }) =>
      `Downstream applications failed, cannot process order at this time. Please contact Centurylink ${supportPhone} to process your order? TxID ${transactionId}`,
  },
  rccNotAccepted: {
    status: 401,
    code: '1210',
    message: ({ transactionId }) =>
      `RCC must be accepted to submit an order, please correct and resubmit; TxID ${transactionId}`,
  },
  paymentDeclined: {
    status: 410,
    code: '1099',
    message: ({ transactionId }) =>
      `Invalid credit card information. Authorization Failed Please correct and resend TxID ${transactionId}`,
  },
  paymentSystemDown: {
    status: 401,
    code: null,
    message: ({ transactionId, supportPhone }) =>
      `Payment system is down please contact CenturyLink at ${supportPhone}; TxID ${transactionId}`,
  },
  paymentTokenRequired: {
    status: 410,
    code: '1130',
    message: ({ transactionId }) =>
      `Because payment is required, token must be provided. Please correct and resend. TxID ${transactionId}`,
  },
  alreadySubmitted: {
    status: 410,
    code: '2130',
    message: ({ transactionId }) =>
      `Order shows already submitted and may not be submitted again; TxID ${transactionId}`,
  },
  tooManyGiftCards: {
    status: 410,
    code: '1215',
    message: ({ transactionId }) =>
      `Only one gift card can be submitted, please correct and resubmit; TxID ${transactionId}`,
  },
  expired: {
    status: 410,
    code: '2215',
    message: ({ transactionId }) =>
      `A complete order cannot be executed more than 120 minutes after the corresponding prepare Order TxID ${transactionId}`,
  },
};

export interface PxErrorBody {
  code?: string;
  message: string;
}

export interface PxErrorResponse {
  status: number;
  body: PxErrorBody;
}

export function renderPxError(
  failure: PxFailure,
  order: { transactionId: string; partnerOrderId: string },
): PxErrorResponse {
  const row = PX_ERROR_ROWS[failure.kind];
  const supportPhone = 'supportPhone' in failure ? failure.supportPhone : '';
  const message = row.message({ ...order, supportPhone });
  return {
    status: row.status,
    body: row.code === null ? { message } : { code: row.code, message },
  };
}

/**
 * How Px says the bearer token is bad: a 401 with no code and a message other
 * than the payment-down one. It is the only 401 a client answers with a refresh.
 */
export const INVALID_TOKEN: PxErrorResponse = {
  status: 401,
  body: { message: 'Invalid or expired access token' },
};

export const MALFORMED_REQUEST: PxErrorResponse = {
  status: 400,
  body: { code: '400', message: 'Malformed request' },
};
