import { describe, expect, it } from 'vitest';
import type { TypedErrorResult } from '../../src/errors.js';
import {
  PX_ERROR_TABLE,
  mapPxError,
  pxError,
  type PxErrorOutcome,
} from '../../src/upstreams/px/errors.js';

const REQUEST = { transactionId: 'TX-REQUEST' };

interface SeedRow {
  api: 'Get RCC' | 'Complete';
  reason: string;
  status: number;
  code: string | null;
  message: string;
  expected: {
    __typename: TypedErrorResult['__typename'];
    code: TypedErrorResult['code'];
    upstreamCode: string | null;
    transactionId: string;
    message: string;
    field?: string;
    supportPhone?: string | null;
  };
}

const invalid = (field: string, label: string) => ({
  __typename: 'InvalidFieldError' as const,
  code: 'INVALID_FIELD' as const,
  field,
  message: `Missing or Invalid ${label}`,
});

/** One row per line of the seed's Px error table, `<B>` and `<>` filled in as Px would. */
const SEED_ROWS: SeedRow[] = [
  {
    api: 'Get RCC',
    reason: 'Sales code',
    status: 401,
    code: '2000',
    message: 'Missing or Invalid <B>Sales Code</B>; TxID TX-1',
    expected: {
      ...invalid('salesCode', 'Sales Code'),
      upstreamCode: '2000',
      transactionId: 'TX-1',
    },
  },
  {
    api: 'Get RCC',
    reason: 'Partner ID',
    status: 401,
    code: '2030',
    message: 'Missing or Invalid <B>Partner ID</B>; TxID TX-2',
    expected: {
      ...invalid('order.partnerId', 'Partner ID'),
      upstreamCode: '2030',
      transactionId: 'TX-2',
    },
  },
  {
    api: 'Get RCC',
    reason: 'addressDetailId',
    status: 401,
    code: '2025',
    message: 'Missing or Invalid <B>addressDetailId</B>; TxID TX-3',
    expected: {
      ...invalid('addressDetailId', 'addressDetailId'),
      upstreamCode: '2025',
      transactionId: 'TX-3',
    },
  },
  {
    api: 'Get RCC',
    reason: 'Transaction Id',
    status: 410,
    code: '2070',
    // Px cannot quote an id it was not given: the request's stands in.
    message: 'Missing or Invalid <B>Transaction Id</B>; TxID ',
    expected: {
      ...invalid('order.transactionId', 'Transaction Id'),
      upstreamCode: '2070',
      transactionId: REQUEST.transactionId,
    },
  },
  {
    api: 'Get RCC',
    reason: 'Partner Order ID is not provided',
    status: 410,
    code: '2225',
    message: 'Missing Partner Order Id <>; TxID TX-5',
    expected: {
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'order.partnerOrderId',
      message: 'Missing Partner Order Id',
      upstreamCode: '2225',
      transactionId: 'TX-5',
    },
  },
  {
    api: 'Get RCC',
    reason: 'Partner Order ID and transaction combination must remain constant',
    status: 410,
    code: '2131',
    message:
      'Transaction Id <B>TX-6</B> and PartnerOrderId <PO-6> combination must remain constant through Submit; TxID TX-6',
    expected: {
      __typename: 'TransactionMismatchError',
      code: 'TRANSACTION_MISMATCH',
      message:
        'Transaction Id TX-6 and PartnerOrderId combination must remain constant through Submit',
      upstreamCode: '2131',
      transactionId: 'TX-6',
    },
  },
  {
    api: 'Get RCC',
    reason: 'taxEstimate service not available',
    status: 500,
    code: '4040',
    message: 'Centurylink taxEstimateService unavailable; TxID TX-7',
    expected: {
      __typename: 'TaxEstimateUnavailableError',
      code: 'TAX_ESTIMATE_UNAVAILABLE',
      message: 'Centurylink taxEstimateService unavailable',
      upstreamCode: '4040',
      transactionId: 'TX-7',
    },
  },
  {
    api: 'Get RCC',
    reason: 'No RCC is returned',
    status: 500,
    code: '4050',
    message:
      'Downstream applications failed, cannot process order at this time. Please contact Centurylink 1-800-555-0100 to process your order? TxID TX-8',
    expected: {
      __typename: 'RccUnavailableError',
      code: 'RCC_UNAVAILABLE',
      message:
        'Downstream applications failed, cannot process order at this time. Please contact Centurylink 1-800-555-0100 to process your order?',
      upstreamCode: '4050',
      transactionId: 'TX-8',
      supportPhone: '1-800-555-0100',
    },
  },
  {
    api: 'Complete',
    reason: 'RCC requested and accepted?',
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID TX-9',
    expected: {
      __typename: 'RccNotAcceptedError',
      code: 'RCC_NOT_ACCEPTED',
      message: 'RCC must be accepted to submit an order, please correct and resubmit',
      upstreamCode: '1210',
      transactionId: 'TX-9',
    },
  },
  {
    api: 'Complete',
    reason: 'Sales code',
    status: 401,
    code: '2000',
    message: 'Missing or Invalid <B>Sales Code</B>; TxID TX-10',
    expected: {
      ...invalid('salesCode', 'Sales Code'),
      upstreamCode: '2000',
      transactionId: 'TX-10',
    },
  },
  {
    api: 'Complete',
    reason: 'Partner ID',
    status: 401,
    code: '2030',
    message: 'Missing or Invalid <B>Partner ID</B>; TxID TX-11',
    expected: {
      ...invalid('order.partnerId', 'Partner ID'),
      upstreamCode: '2030',
      transactionId: 'TX-11',
    },
  },
  {
    api: 'Complete',
    reason: 'addressDetailId',
    status: 401,
    code: '2025',
    message: 'Missing or Invalid <B>addressDetailId</B>; TxID TX-12',
    expected: {
      ...invalid('addressDetailId', 'addressDetailId'),
      upstreamCode: '2025',
      transactionId: 'TX-12',
    },
  },
  {
    api: 'Complete',
    reason: 'Payment declined',
    status: 410,
    code: '1099',
    message:
      'Invalid credit card information. Authorization Failed Please correct and resend TxID TX-13',
    expected: {
      __typename: 'PaymentDeclinedError',
      code: 'PAYMENT_DECLINED',
      message: 'Invalid credit card information. Authorization Failed Please correct and resend',
      upstreamCode: '1099',
      transactionId: 'TX-13',
    },
  },
  {
    api: 'Complete',
    reason: 'Payment service down',
    status: 401,
    code: null,
    message:
      'Payment system is down please contact CenturyLink at <B>1-800-555-0200</B>; TxID TX-14',
    expected: {
      __typename: 'PaymentUnavailableError',
      code: 'PAYMENT_UNAVAILABLE',
      message: 'Payment system is down please contact CenturyLink at 1-800-555-0200',
      upstreamCode: null,
      transactionId: 'TX-14',
      supportPhone: '1-800-555-0200',
    },
  },
  {
    api: 'Complete',
    reason: 'Payment required but PaymentToken not provided',
    status: 410,
    code: '1130',
    message:
      'Because payment is required, token must be provided. Please correct and resend. TxID TX-15',
    expected: {
      __typename: 'PaymentRequiredError',
      code: 'PAYMENT_REQUIRED',
      message: 'Because payment is required, token must be provided. Please correct and resend.',
      upstreamCode: '1130',
      transactionId: 'TX-15',
    },
  },
  {
    api: 'Complete',
    reason: 'Partner Order ID is not provided',
    status: 410,
    code: '2225',
    message: 'Missing Partner Order Id <>; TxID TX-16',
    expected: {
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'order.partnerOrderId',
      message: 'Missing Partner Order Id',
      upstreamCode: '2225',
      transactionId: 'TX-16',
    },
  },
  {
    api: 'Complete',
    reason: 'Already received and processed submitted order',
    status: 410,
    code: '2130',
    message: 'Order shows already submitted and may not be submitted again; TxID TX-17',
    expected: {
      __typename: 'OrderAlreadySubmittedError',
      code: 'ORDER_ALREADY_SUBMITTED',
      message: 'Order shows already submitted and may not be submitted again',
      upstreamCode: '2130',
      transactionId: 'TX-17',
    },
  },
  {
    api: 'Complete',
    reason: 'Can only select one gift card',
    status: 410,
    code: '1215',
    message: 'Only one gift card can be submitted, please correct and resubmit; TxID TX-18',
    expected: {
      __typename: 'TooManyGiftCardsError',
      code: 'TOO_MANY_GIFT_CARDS',
      message: 'Only one gift card can be submitted, please correct and resubmit',
      upstreamCode: '1215',
      transactionId: 'TX-18',
    },
  },
  {
    api: 'Complete',
    reason: 'Complete more than 120 minutes after prepare',
    status: 410,
    code: '2215',
    message:
      'A complete order cannot be executed more than 120 minutes after the corresponding prepare Order TxID TX-19',
    expected: {
      __typename: 'OrderExpiredError',
      code: 'ORDER_EXPIRED',
      message:
        'A complete order cannot be executed more than 120 minutes after the corresponding prepare Order',
      upstreamCode: '2215',
      transactionId: 'TX-19',
    },
  },
  {
    api: 'Complete',
    reason: 'Partner Order ID and transaction combination must remain constant',
    status: 410,
    code: '2131',
    message:
      'Transaction Id <B>TX-20</B> and PartnerOrderId <PO-20> combination must remain constant through Submit; TxID TX-20',
    expected: {
      __typename: 'TransactionMismatchError',
      code: 'TRANSACTION_MISMATCH',
      message:
        'Transaction Id TX-20 and PartnerOrderId combination must remain constant through Submit',
      upstreamCode: '2131',
      transactionId: 'TX-20',
    },
  },
];

function pxBody(code: string | null, message: string): string {
  return JSON.stringify(code === null ? { message } : { code, message });
}

function typedResult(outcome: PxErrorOutcome): TypedErrorResult {
  if (outcome.kind !== 'typed') throw new Error(`expected a typed error, got ${outcome.kind}`);
  return outcome.error.result;
}

describe('mapPxError: the seed error table', () => {
  it.each(SEED_ROWS)('$api, $reason ($status, $code) → $expected.__typename', (row) => {
    const result = typedResult(mapPxError(row.status, pxBody(row.code, row.message), REQUEST));
    // Px's words and the TxID in its text are not what the client reads.
    const {
      supportPhone,
      field,
      message: _pxWords,
      transactionId: _pxTxId,
      ...common
    } = row.expected;
    expect(result).toMatchObject({ ...common, transactionId: REQUEST.transactionId });
    if (field !== undefined) expect(result).toHaveProperty('field', field);
    if (supportPhone !== undefined) expect(result).toHaveProperty('supportPhone', supportPhone);
    expect(result.message).toMatch(/^[A-Z][^<>]+; TxID TX-REQUEST$/);
    expect(result.message).not.toBe(row.message);
    if (row.code !== null && supportPhone === undefined) {
      const unchanged = typedResult(mapPxError(row.status, pxBody(row.code, 'other'), REQUEST));
      expect(unchanged.message).toBe(result.message);
    }
  });

  it('covers every code of the table, and the table holds no code the seed lacks', () => {
    const seedCodes = new Set(SEED_ROWS.flatMap((row) => (row.code === null ? [] : [row.code])));
    expect(new Set(Object.keys(PX_ERROR_TABLE))).toEqual(seedCodes);
  });

  it('answers the extra fields rows promise', () => {
    const tooMany = typedResult(mapPxError(410, pxBody('1215', 'x; TxID T'), REQUEST));
    expect(tooMany).toMatchObject({ maxGiftCards: 1 });
    const submitted = typedResult(mapPxError(410, pxBody('2130', 'x; TxID T'), REQUEST));
    expect(submitted).toMatchObject({ orderRef: null });
    const expired = typedResult(mapPxError(410, pxBody('2215', 'x; TxID T'), REQUEST));
    expect(expired).toMatchObject({ expiredAt: null });
  });

  it('takes the code as a number as well as a string', () => {
    const body = JSON.stringify({ code: 2030, message: 'Missing or Invalid Partner ID; TxID T1' });
    expect(typedResult(mapPxError(401, body, REQUEST))).toMatchObject({
      __typename: 'InvalidFieldError',
      upstreamCode: '2030',
      field: 'order.partnerId',
    });
  });

  it('answers its own message when Px gives none', () => {
    const result = typedResult(mapPxError(410, JSON.stringify({ code: '1099' }), REQUEST));
    expect(result).toMatchObject({
      __typename: 'PaymentDeclinedError',
      message:
        'Invalid credit card information: the payment system declined the card; please correct and resend; TxID TX-REQUEST',
      transactionId: REQUEST.transactionId,
    });
  });

  it('answers the same error as a local check standing in for the row', () => {
    const fromPx = typedResult(mapPxError(410, pxBody('1215', 'x; TxID Y'), REQUEST));
    expect(pxError('1215', { transactionId: REQUEST.transactionId }).result).toEqual(fromPx);
  });

  it('leaves transactionId null when neither Px nor the request has one', () => {
    const result = typedResult(
      mapPxError(410, pxBody('2070', 'Missing or Invalid Transaction Id; TxID '), {
        transactionId: '',
      }),
    );
    expect(result.transactionId).toBeNull();
  });
});

describe('mapPxError: 401 without a code', () => {
  it('asks for a new token when the message is not the payment-down one', () => {
    const body = JSON.stringify({ message: 'Invalid or expired access token' });
    expect(mapPxError(401, body, REQUEST)).toEqual({ kind: 'refresh-token' });
  });

  it('asks for a new token when a gateway answers a non-JSON 401', () => {
    expect(mapPxError(401, '<html>Unauthorized</html>', REQUEST)).toEqual({
      kind: 'refresh-token',
    });
  });

  it('never refreshes for the payment-down row, even without a phone in it', () => {
    const result = typedResult(
      mapPxError(401, JSON.stringify({ message: 'Payment system is down; TxID TX-P' }), REQUEST),
    );
    expect(result).toMatchObject({
      __typename: 'PaymentUnavailableError',
      supportPhone: null,
      transactionId: REQUEST.transactionId,
      message: 'The payment system is down; please contact CenturyLink; TxID TX-REQUEST',
    });
  });
});

describe('mapPxError: answers Px does not document', () => {
  function unavailable(outcome: PxErrorOutcome) {
    if (outcome.kind !== 'unavailable')
      throw new Error(`expected unavailable, got ${outcome.kind}`);
    return outcome;
  }

  it('answers an unknown code as UpstreamUnavailableError with the status, not retried', () => {
    const outcome = unavailable(
      mapPxError(410, pxBody('9999', 'Something new <B>here</B>; TxID TX-U'), REQUEST, 1000),
    );
    expect(outcome.retryable).toBe(false);
    expect(outcome.retryAfterMs).toBeNull();
    expect(outcome.error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'PX',
      upstreamCode: '410',
      transactionId: REQUEST.transactionId,
      retryAfterSeconds: null,
    });
    expect(outcome.error.result.message).not.toContain('Something new');
  });

  it('answers a 401 with an unknown code as unavailable, not as a token refresh', () => {
    const outcome = unavailable(mapPxError(401, pxBody('7777', 'Nope; TxID X'), REQUEST));
    expect(outcome.error.result.upstreamCode).toBe('401');
  });

  it.each([502, 503, 504])('retries a %i without a code, honouring Retry-After', (status) => {
    const outcome = unavailable(mapPxError(status, '{}', REQUEST, 1500));
    expect(outcome.retryable).toBe(true);
    expect(outcome.retryAfterMs).toBe(1500);
    expect(outcome.error.result).toMatchObject({
      upstreamCode: String(status),
      retryAfterSeconds: 2,
      transactionId: REQUEST.transactionId,
    });
  });

  it('does not retry a 500 without a code', () => {
    const outcome = unavailable(mapPxError(500, '{"message":"boom"}', REQUEST));
    expect(outcome.retryable).toBe(false);
    expect(outcome.error.result.upstreamCode).toBe('500');
  });

  it('answers a non-JSON body without repeating it', () => {
    const html = '<html><body><h1>502 Bad Gateway</h1><p>secret-internal-host</p></body></html>';
    const outcome = unavailable(mapPxError(502, html, REQUEST));
    expect(outcome.retryable).toBe(true);
    expect(JSON.stringify(outcome.error.result)).not.toMatch(/secret-internal-host|Bad Gateway/);
  });

  it('answers an error body of the wrong shape as unavailable', () => {
    const outcome = unavailable(mapPxError(410, '["2030"]', REQUEST));
    expect(outcome.error.result.upstreamCode).toBe('410');
  });
});

describe("mapPxError: Px's text never reaches the client", () => {
  const SECRETS = [
    'https://auth.internal.ctl.example/token?client_secret=s3cr3t-value',
    'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
    '17875550123',
    'jane.doe@example.com',
  ];

  it('answers a 1099 whose message is full of secrets with none of them', () => {
    const message = `Declined, see ${SECRETS[0]} (${SECRETS[1]}) for ${SECRETS[2]} / ${SECRETS[3]}; TxID TX-K`;
    const result = typedResult(mapPxError(410, pxBody('1099', message), REQUEST));
    const answer = JSON.stringify(result);
    for (const secret of SECRETS) expect(answer).not.toContain(secret);
    expect(answer).not.toMatch(/s3cr3t|eyJ|5550123|jane/);
  });

  it('keeps nothing of the body but what the row knows', () => {
    const body = JSON.stringify({
      code: '1099',
      message: 'Card declined; TxID TX-K',
      debug: 'stack trace at com.ctl.px',
    });
    const result = typedResult(mapPxError(410, body, REQUEST));
    expect(JSON.stringify(result)).not.toMatch(/com\.ctl\.px|Card declined|TX-K/);
  });

  it.each([
    ['Please contact Centurylink 1-800-555-0100 to process your order', '1-800-555-0100'],
    ['Please call (800) 555-0100 now', '(800) 555-0100'],
    ['Please call 800.555.0100', '800.555.0100'],
    ['Line 17875550123 failed', null],
    ['Ref 41-800-555-01009', null],
    ['Card 4111-111-111-1111 declined', null],
  ])('takes a support phone only when it stands alone: %s', (message, phone) => {
    const result = typedResult(mapPxError(500, pxBody('4050', `${message}; TxID X`), REQUEST));
    expect(result).toMatchObject({ supportPhone: phone });
    if (phone) expect(result.message).toContain(`contact CenturyLink at ${phone}`);
  });
});
