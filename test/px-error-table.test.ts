import { describe, expect, it } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { paymentUnavailable, pxError, type PxErrorCode } from '../src/upstreams/px/errors.js';
import { useTestStack, type Outcome } from './helpers/app.js';
import {
  complete,
  disclose,
  placeOrder,
  sendRccBySms,
  type OrderKey,
} from './helpers/order-flow.js';
import { newOrderKey } from './helpers/px-operations.js';

/**
 * One row per line of the seed's error table (Get RCC, then Complete), through
 * GraphQL against the Px sandbox. `replica` is a second subgraph in front of
 * the same Px with its own (empty) journal: what the first one could answer
 * locally, the second must learn from Px, so both paths are covered.
 */

function ourMessage(outcome: Outcome, transactionId: string | null): string {
  const context = {
    transactionId,
    supportPhone: (outcome['supportPhone'] as string | null | undefined) ?? null,
  };
  const code = outcome['upstreamCode'] as PxErrorCode | null;
  return (code === null ? paymentUnavailable(context) : pxError(code, context)).result.message;
}

interface Row {
  api: 'Get RCC' | 'Complete';
  reason: string;
  act: (key: OrderKey) => Promise<Outcome>;
  expected: Record<string, unknown>;
  /** Px calls on the route under test: 0 when the subgraph answers before calling. */
  pxCalls?: number;
}

describe('the seed error table through GraphQL', () => {
  const primary = useTestStack();
  // Closed first: hooks after the tests run in reverse order.
  const replica = useTestStack({}, { shared: primary });

  const preparedThenComplete =
    (completion: Record<string, unknown>, disclosure: Record<string, unknown> = {}) =>
    (key: OrderKey) =>
      placeOrder(primary, key, { disclosure, completion });

  const rows: Row[] = [
    {
      api: 'Get RCC',
      reason: 'sales code (2000)',
      act: (key) => disclose(primary, key, { salesCode: 'SC999' }),
      expected: {
        __typename: 'InvalidFieldError',
        code: 'INVALID_FIELD',
        upstreamCode: '2000',
        field: 'salesCode',
      },
    },
    {
      api: 'Get RCC',
      reason: 'partner id (2030)',
      act: (key) => disclose(primary, { ...key, partnerId: 'P-9999' }),
      expected: { __typename: 'InvalidFieldError', upstreamCode: '2030', field: 'order.partnerId' },
    },
    {
      api: 'Get RCC',
      reason: 'addressDetailId (2025)',
      act: (key) => disclose(primary, key, { addressDetailId: 'ADDR-9' }),
      expected: { __typename: 'InvalidFieldError', upstreamCode: '2025', field: 'addressDetailId' },
    },
    {
      api: 'Get RCC',
      reason: 'transaction id (2070), empty: answered without calling Px',
      act: (key) => disclose(primary, { ...key, transactionId: '' }),
      expected: {
        __typename: 'InvalidFieldError',
        upstreamCode: '2070',
        field: 'order.transactionId',
      },
      pxCalls: 0,
    },
    {
      api: 'Get RCC',
      reason: 'transaction id (2070), unknown to Px',
      act: (key) => sendRccBySms(primary, key),
      expected: {
        __typename: 'InvalidFieldError',
        upstreamCode: '2070',
        field: 'order.transactionId',
      },
    },
    {
      api: 'Get RCC',
      reason: 'partner order id not provided (2225): answered without calling Px',
      act: (key) => disclose(primary, { ...key, partnerOrderId: '' }),
      expected: {
        __typename: 'InvalidFieldError',
        upstreamCode: '2225',
        field: 'order.partnerOrderId',
      },
      pxCalls: 0,
    },
    {
      api: 'Get RCC',
      reason: 'pair changed (2131), seen in the journal',
      act: async (key) => {
        await disclose(primary, key);
        return disclose(primary, { ...key, partnerOrderId: `${key.partnerOrderId}-B` });
      },
      expected: {
        __typename: 'TransactionMismatchError',
        code: 'TRANSACTION_MISMATCH',
        upstreamCode: '2131',
      },
      pxCalls: 1,
    },
    {
      api: 'Get RCC',
      reason: 'pair changed (2131), told by Px',
      act: async (key) => {
        await disclose(primary, key);
        return disclose(replica, { ...key, partnerOrderId: `${key.partnerOrderId}-B` });
      },
      expected: { __typename: 'TransactionMismatchError', upstreamCode: '2131' },
      pxCalls: 2,
    },
    {
      api: 'Get RCC',
      reason: 'tax estimate service down (4040)',
      act: (key) => disclose(primary, key, { addressDetailId: 'ADDR-TAXDOWN' }),
      expected: {
        __typename: 'TaxEstimateUnavailableError',
        code: 'TAX_ESTIMATE_UNAVAILABLE',
        upstreamCode: '4040',
      },
    },
    {
      api: 'Get RCC',
      reason: 'no RCC returned (4050)',
      act: (key) => disclose(primary, key, { addressDetailId: 'ADDR-NORCC' }),
      expected: {
        __typename: 'RccUnavailableError',
        code: 'RCC_UNAVAILABLE',
        upstreamCode: '4050',
        supportPhone: '1-800-555-0100',
      },
    },
    {
      api: 'Complete',
      reason: 'RCC not accepted (1210)',
      act: preparedThenComplete({ acceptanceMethod: 'SMS' }),
      expected: {
        __typename: 'RccNotAcceptedError',
        code: 'RCC_NOT_ACCEPTED',
        upstreamCode: '1210',
      },
    },
    {
      api: 'Complete',
      reason: 'sales code (2000)',
      act: preparedThenComplete({ salesCode: 'SC999' }),
      expected: { __typename: 'InvalidFieldError', upstreamCode: '2000', field: 'salesCode' },
    },
    {
      api: 'Complete',
      reason: 'partner id (2030)',
      act: async (key) => {
        await disclose(primary, key);
        // The replica has not seen the order flow: Px answers for the unknown partner.
        return complete(replica, { ...key, partnerId: 'P-9999' });
      },
      expected: { __typename: 'InvalidFieldError', upstreamCode: '2030', field: 'order.partnerId' },
    },
    {
      api: 'Complete',
      reason: "another partner's transaction (2131), seen in the journal",
      act: async (key) => {
        await disclose(primary, key);
        return complete(primary, { ...key, partnerId: 'P-1002' });
      },
      expected: { __typename: 'TransactionMismatchError', upstreamCode: '2131' },
      pxCalls: 0,
    },
    {
      api: 'Complete',
      reason: 'addressDetailId (2025)',
      act: preparedThenComplete({ addressDetailId: 'ADDR-9' }),
      expected: { __typename: 'InvalidFieldError', upstreamCode: '2025', field: 'addressDetailId' },
    },
    {
      api: 'Complete',
      reason: 'payment declined (1099)',
      act: preparedThenComplete(
        { addressDetailId: 'ADDR-1', paymentToken: 'tok_declined' },
        { addressDetailId: 'ADDR-1' },
      ),
      expected: {
        __typename: 'PaymentDeclinedError',
        code: 'PAYMENT_DECLINED',
        upstreamCode: '1099',
      },
    },
    {
      api: 'Complete',
      reason: 'payment service down (401, no code)',
      act: preparedThenComplete(
        { addressDetailId: 'ADDR-1', paymentToken: 'tok_unavailable' },
        { addressDetailId: 'ADDR-1' },
      ),
      expected: {
        __typename: 'PaymentUnavailableError',
        code: 'PAYMENT_UNAVAILABLE',
        upstreamCode: null,
        supportPhone: '1-800-555-0100',
      },
    },
    {
      api: 'Complete',
      reason: 'payment token required (1130)',
      act: preparedThenComplete({ addressDetailId: 'ADDR-1' }, { addressDetailId: 'ADDR-1' }),
      expected: {
        __typename: 'PaymentRequiredError',
        code: 'PAYMENT_REQUIRED',
        upstreamCode: '1130',
      },
    },
    {
      api: 'Complete',
      reason: 'partner order id not provided (2225): answered without calling Px',
      act: (key) => complete(primary, { ...key, partnerOrderId: '' }),
      expected: {
        __typename: 'InvalidFieldError',
        upstreamCode: '2225',
        field: 'order.partnerOrderId',
      },
      pxCalls: 0,
    },
    {
      api: 'Complete',
      reason: 'already submitted (2130), through a replica that did not journal it',
      act: async (key) => {
        await disclose(primary, key);
        await complete(primary, key);
        return complete(replica, key);
      },
      expected: {
        __typename: 'OrderAlreadySubmittedError',
        code: 'ORDER_ALREADY_SUBMITTED',
        upstreamCode: '2130',
      },
      pxCalls: 2,
    },
    {
      api: 'Complete',
      reason: 'more than one gift card (1215): answered without calling Px',
      act: preparedThenComplete({ giftCardIds: ['GC-1', 'GC-2'] }),
      expected: {
        __typename: 'TooManyGiftCardsError',
        code: 'TOO_MANY_GIFT_CARDS',
        maxGiftCards: 1,
      },
      pxCalls: 0,
    },
    {
      api: 'Complete',
      reason: 'over 120 minutes (2215), seen in the journal',
      act: async (key) => {
        const expiring = { ...key, transactionId: `EXPIRED-${key.transactionId}` };
        await disclose(primary, expiring);
        return complete(primary, expiring);
      },
      expected: { __typename: 'OrderExpiredError', code: 'ORDER_EXPIRED', upstreamCode: '2215' },
      pxCalls: 0,
    },
    {
      api: 'Complete',
      reason: 'over 120 minutes (2215), told by Px',
      act: async (key) => {
        const expiring = { ...key, transactionId: `EXPIRED-${key.transactionId}` };
        await disclose(primary, expiring);
        return complete(replica, expiring);
      },
      expected: { __typename: 'OrderExpiredError', upstreamCode: '2215' },
      pxCalls: 1,
    },
    {
      api: 'Complete',
      reason: 'pair changed (2131), told by Px',
      act: async (key) => {
        await disclose(primary, key);
        return complete(replica, { ...key, partnerOrderId: `${key.partnerOrderId}-B` });
      },
      expected: { __typename: 'TransactionMismatchError', upstreamCode: '2131' },
      pxCalls: 1,
    },
  ];

  it.each(rows)('$api: $reason', async ({ api, reason, act, expected, pxCalls }) => {
    const key = newOrderKey();
    const route = api === 'Get RCC' ? PX_ROUTES.retrieveRcc : PX_ROUTES.completeOrder;
    const before = primary.px.callCount(route);
    const outcome = await act(key);
    expect(outcome).toMatchObject(expected);
    const transactionId = reason.includes('empty')
      ? null
      : (outcome['errorTransactionId'] as string);
    if (transactionId !== null) expect(transactionId).toContain(key.transactionId);
    else expect(outcome['errorTransactionId']).toBeNull();
    // The subgraph's own words for the row, with the caller's TxID: never Px's text,
    // and the same whether Px answered or a local check stood in for it.
    expect(outcome['message']).toBe(ourMessage(outcome, transactionId));
    expect(outcome['message']).not.toMatch(/<B>|Centurylink|\?/);
    if (pxCalls !== undefined) expect(primary.px.callCount(route) - before).toBe(pxCalls);
  });
});
