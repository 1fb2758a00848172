/**
 * The Px sandbox's fixtures. They are public, like a payment provider's test
 * cards: the README lists them (from `PX_FIXTURES`) so anyone can drive every
 * branch of the order flow, and every error row of the Px table, on purpose.
 */

export type Recurrence = 'MONTHLY' | 'ONE_TIME';

export interface FixtureCharge {
  name: string;
  amount: string;
  currency: string;
  recurrence: Recurrence;
}

export interface FixtureItem {
  productId: string;
  productName: string;
  quantity: number;
  charges: FixtureCharge[];
}

/** What Px knows about a service address, once its RCC can be produced. */
export interface ServiceableAddress {
  kind: 'serviceable';
  sections: { title: string; text: string }[];
  taxEstimate: { amount: string; currency: string };
  items: FixtureItem[];
}

export type AddressFixture =
  | ServiceableAddress
  /** The tax estimate service fails for this address (4040). */
  | { kind: 'taxEstimateDown' }
  /** Px produces no RCC for this address (4050). */
  | { kind: 'noRcc' };

export type PaymentOutcome = 'approved' | 'declined' | 'unavailable';

export const PX_PARTNER_IDS: ReadonlySet<string> = new Set(['P-1001', 'P-1002']);

/** Sales codes and the support phone Px quotes in errors raised for orders sold under them. */
export const PX_SALES_CODES: ReadonlyMap<string, { supportPhone: string }> = new Map([
  ['SC100', { supportPhone: '1-800-555-0100' }],
  ['SC200', { supportPhone: '1-800-555-0200' }],
]);

const installation: FixtureItem = {
  productId: 'PRD-INSTALL-PRO',
  productName: 'Professional installation',
  quantity: 1,
  charges: [
    { name: 'Professional installation', amount: '99.00', currency: 'USD', recurrence: 'ONE_TIME' },
  ],
};

const modemLease: FixtureItem = {
  productId: 'PRD-MODEM-C4000',
  productName: 'Modem C4000 lease',
  quantity: 1,
  charges: [{ name: 'Modem lease', amount: '15.00', currency: 'USD', recurrence: 'MONTHLY' }],
};

export const PX_ADDRESSES: ReadonlyMap<string, AddressFixture> = new Map<string, AddressFixture>([
  [
    'ADDR-1',
    {
      kind: 'serviceable',
      sections: [
        {
          title: 'Monthly charges',
          text: 'Fiber Internet 940 Mbps is $65.00 per month and the modem lease is $15.00 per month, plus taxes and fees.',
        },
        {
          title: 'One-time charges',
          text: 'Professional installation is a one-time charge of $99.00, due when the order is placed.',
        },
        {
          title: 'Terms',
          text: 'Service is month to month. You may cancel at any time; the modem must be returned within 30 days of cancellation.',
        },
      ],
      taxEstimate: { amount: '12.48', currency: 'USD' },
      items: [
        {
          productId: 'PRD-FIBER-940',
          productName: 'Fiber Internet 940 Mbps',
          quantity: 1,
          charges: [
            {
              name: 'Fiber Internet 940 Mbps',
              amount: '65.00',
              currency: 'USD',
              recurrence: 'MONTHLY',
            },
          ],
        },
        modemLease,
        installation,
      ],
    },
  ],
  [
    'ADDR-2',
    {
      kind: 'serviceable',
      sections: [
        {
          title: 'Monthly charges',
          text: 'Internet 100 Mbps is $45.00 per month and the modem lease is $15.00 per month, plus taxes and fees.',
        },
        {
          title: 'Terms',
          text: 'Service is month to month with self installation and no up-front charge. You may cancel at any time.',
        },
      ],
      taxEstimate: { amount: '6.30', currency: 'USD' },
      items: [
        {
          productId: 'PRD-INTERNET-100',
          productName: 'Internet 100 Mbps',
          quantity: 1,
          charges: [
            { name: 'Internet 100 Mbps', amount: '45.00', currency: 'USD', recurrence: 'MONTHLY' },
          ],
        },
        modemLease,
      ],
    },
  ],
  ['ADDR-TAXDOWN', { kind: 'taxEstimateDown' }],
  ['ADDR-NORCC', { kind: 'noRcc' }],
]);

/** Tokens not listed here are declined, as a real gateway declines a card it does not know. */
export const PX_PAYMENT_TOKENS: ReadonlyMap<string, PaymentOutcome> = new Map<
  string,
  PaymentOutcome
>([
  ['tok_visa', 'approved'],
  ['tok_declined', 'declined'],
  ['tok_unavailable', 'unavailable'],
]);

/** A transaction id with this prefix counts as prepared 121 minutes before its first retrieve. */
export const EXPIRED_TRANSACTION_PREFIX = 'EXPIRED-';
export const EXPIRED_PREPARED_MINUTES_AGO = 121;

/** A send to a destination containing this (any case) is never accepted by the customer. */
export const DECLINING_DESTINATION_MARKER = 'decline';

/** An order must be completed within this many minutes of its prepare (2215). */
export const COMPLETE_WINDOW_MINUTES = 120;

export interface FixtureDescription {
  field: string;
  value: string;
  effect: string;
}

/** One row per fixture, for the README table. */
export const PX_FIXTURES: readonly FixtureDescription[] = [
  { field: 'partnerId', value: 'P-1001, P-1002', effect: 'Valid partners.' },
  { field: 'partnerId', value: 'anything else', effect: '401, code 2030.' },
  {
    field: 'salesCode',
    value: 'SC100',
    effect: 'Valid; support phone 1-800-555-0100 in 4050 and payment-down messages.',
  },
  { field: 'salesCode', value: 'SC200', effect: 'Valid; support phone 1-800-555-0200.' },
  { field: 'salesCode', value: 'anything else', effect: '401, code 2000.' },
  {
    field: 'addressDetailId',
    value: 'ADDR-1',
    effect:
      'Fiber 940 and modem (MONTHLY) plus installation (ONE_TIME): a payment token is required on complete (1130 without one).',
  },
  {
    field: 'addressDetailId',
    value: 'ADDR-2',
    effect: 'Internet 100 and modem (MONTHLY), no up-front charge: no payment token needed.',
  },
  {
    field: 'addressDetailId',
    value: 'ADDR-TAXDOWN',
    effect: 'Retrieve answers 500, code 4040 (tax estimate service down).',
  },
  {
    field: 'addressDetailId',
    value: 'ADDR-NORCC',
    effect:
      "Retrieve answers 500, code 4050 (no RCC; message quotes the sales code's support phone).",
  },
  {
    field: 'addressDetailId',
    value: 'anything else',
    effect:
      '401, code 2025; on complete, also any address other than the one the RCC was retrieved for.',
  },
  { field: 'partnerOrderId', value: '"" (empty or absent)', effect: '410, code 2225.' },
  {
    field: 'transactionId',
    value: '"" (empty or absent)',
    effect:
      '410, code 2070; also on send, acceptance and complete for a transaction never retrieved (or retrieved by another partner).',
  },
  {
    field: 'transactionId',
    value: 'one already retrieved with another partnerOrderId',
    effect: '410, code 2131, on every route.',
  },
  {
    field: 'transactionId',
    value: 'EXPIRED-…',
    effect:
      'Counts as prepared 121 minutes before its first retrieve: complete answers 410, code 2215.',
  },
  { field: 'paymentToken', value: 'tok_visa', effect: 'Approved.' },
  { field: 'paymentToken', value: 'tok_declined', effect: '410, code 1099 (card declined).' },
  {
    field: 'paymentToken',
    value: 'tok_unavailable',
    effect:
      '401 with no code: "Payment system is down please contact CenturyLink at <phone>; TxID <id>".',
  },
  { field: 'paymentToken', value: 'any other token', effect: '410, code 1099.' },
  { field: 'giftCards', value: 'more than one', effect: '410, code 1215.' },
  {
    field: 'destination (send)',
    value: 'containing "decline"',
    effect:
      "The RCC is sent but never accepted (acceptance stays accepted: false). Any other destination: accepted at once by the send's method.",
  },
  {
    field: 'rccAccepted / acceptanceMethod',
    value: 'true / VERBAL',
    effect:
      'Accepted on the call (recorded as a VERBAL acceptance). EMAIL/SMS need that acceptance recorded by a send; false → 401, code 1210.',
  },
];
