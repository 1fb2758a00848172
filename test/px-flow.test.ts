import { describe, expect, it } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { answerOf, graphql, startTestStack, useTestStack, type Outcome } from './helpers/app.js';
import { complete, disclose, lookUpOrder, sendRccBySms } from './helpers/order-flow.js';
import {
  COMPLETE_ORDER,
  RCC_ACCEPTANCE,
  completeInput,
  newOrderKey,
} from './helpers/px-operations.js';

describe('the Px ordering flow through GraphQL', () => {
  const stack = useTestStack();

  it('goes from disclosure to SMS send, acceptance, completion and the order lookup', async () => {
    const order = newOrderKey();
    const disclosure = await disclose(stack, order, { addressDetailId: 'ADDR-1' });
    expect(disclosure.__typename).toBe('RccDisclosure');
    expect(disclosure['text']).toContain('Monthly charges');
    expect(disclosure['text']).toContain(
      'Professional installation is a one-time charge of $99.00',
    );
    expect(
      Date.parse(disclosure['expiresAt'] as string) -
        Date.parse(disclosure['preparedAt'] as string),
    ).toBe(120 * 60 * 1000);
    expect(disclosure['charges']).toContainEqual({
      name: 'Professional installation',
      recurrence: 'ONE_TIME',
      amount: { amount: '99.00', currency: 'USD' },
    });
    expect(disclosure['acceptance']).toBeNull();

    const sent = await sendRccBySms(stack, order, '17875550123');
    expect(sent).toMatchObject({ __typename: 'RccSent', method: 'SMS', destination: '***0123' });

    const acceptance = await answerOf(stack, RCC_ACCEPTANCE, { order });
    expect(acceptance).toMatchObject({ __typename: 'RccAcceptanceStatus', accepted: true });
    expect(acceptance['acceptance']).toMatchObject({ method: 'SMS' });

    const completed = await complete(stack, order, {
      addressDetailId: 'ADDR-1',
      acceptanceMethod: 'SMS',
      paymentToken: 'tok_visa',
    });
    expect(completed).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    const placed = completed['order'] as Record<string, unknown>;
    expect(placed).toMatchObject({
      partnerOrderId: order.partnerOrderId,
      transactionId: order.transactionId,
      status: 'ACKNOWLEDGED',
      rccAcceptance: { method: 'SMS' },
      disclosure: { partnerOrderId: order.partnerOrderId, transactionId: order.transactionId },
    });
    expect(placed['orderNumber']).toMatch(/^PX\d{8}$/);

    const looked = (await lookUpOrder(stack, order))!;
    expect(looked).toMatchObject({
      orderNumber: placed['orderNumber'],
      rccAcceptance: { method: 'SMS' },
    });
    expect(looked['disclosure']).toMatchObject({ text: disclosure['text'] });
  });

  it('records a verbal acceptance at the time of completeOrder', async () => {
    const order = newOrderKey();
    await disclose(stack, order);
    const before = Date.now();
    const completed = await complete(stack, order);
    const acceptedAt = Date.parse(
      ((completed['order'] as Record<string, unknown>)['rccAcceptance'] as { acceptedAt: string })
        .acceptedAt,
    );
    expect(acceptedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(acceptedAt).toBeLessThanOrEqual(Date.now());
  });

  it('answers a retry of a completed order from the journal, without a second Px submission', async () => {
    const order = newOrderKey();
    await disclose(stack, order);
    const submissions = stack.px.callCount(PX_ROUTES.completeOrder);
    const first = await complete(stack, order);
    const again = await complete(stack, order);
    expect(first['replayed']).toBe(false);
    expect(again['replayed']).toBe(true);
    expect(again['order']).toEqual(first['order']);
    expect(stack.px.callCount(PX_ROUTES.completeOrder) - submissions).toBe(1);
  });

  it('submits ten concurrent duplicates once and answers all of them with the same order', async () => {
    const order = newOrderKey();
    await disclose(stack, order);
    const submissions = stack.px.callCount(PX_ROUTES.completeOrder);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => complete(stack, order)));
    expect(stack.px.callCount(PX_ROUTES.completeOrder) - submissions).toBe(1);
    expect(outcomes.every((outcome) => outcome.__typename === 'OrderCompleted')).toBe(true);
    expect(outcomes.filter((outcome) => outcome['replayed'] === false)).toHaveLength(1);
    const numbers = new Set(
      outcomes.map((outcome) => (outcome['order'] as { orderNumber: string }).orderNumber),
    );
    expect(numbers.size).toBe(1);
  });

  it('calls Px again after a typed error, so the agent can fix the input', async () => {
    const order = newOrderKey();
    await disclose(stack, order, { addressDetailId: 'ADDR-1' });
    const declined = await complete(stack, order, {
      addressDetailId: 'ADDR-1',
      paymentToken: 'tok_declined',
    });
    expect(declined.__typename).toBe('PaymentDeclinedError');
    const fixed = await complete(stack, order, {
      addressDetailId: 'ADDR-1',
      paymentToken: 'tok_visa',
    });
    expect(fixed).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
  });

  it('answers a completion that timed out as UpstreamUnavailableError after exactly one Px call', async () => {
    const slow = await startTestStack({ PX_TIMEOUT_MS: '300' });
    try {
      const order = newOrderKey();
      await disclose(slow, order);
      slow.px.injectFault(PX_ROUTES.completeOrder, { kind: 'hang' });
      const answer = await graphql<{ completeOrder: Outcome }>(
        slow.graphqlUrl,
        COMPLETE_ORDER,
        completeInput(order),
      );
      expect(answer.body.data?.completeOrder).toMatchObject({
        __typename: 'UpstreamUnavailableError',
        code: 'UPSTREAM_UNAVAILABLE',
        upstream: 'PX',
      });
      expect(slow.px.callCount(PX_ROUTES.completeOrder)).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('answers a retry after an unknown outcome with OrderAlreadySubmittedError when Px had taken it', async () => {
    const order = newOrderKey();
    await disclose(stack, order);
    // Px takes the order, but its answer never arrives.
    stack.px.injectFault(PX_ROUTES.completeOrder, { kind: 'lose-answer' });
    const lost = await complete(stack, order);
    expect(lost).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'PX' });

    const submitted = stack.px.submittedOrders();
    const retry = await complete(stack, order);
    expect(retry).toMatchObject({
      __typename: 'OrderAlreadySubmittedError',
      code: 'ORDER_ALREADY_SUBMITTED',
      upstreamCode: '2130',
      errorTransactionId: order.transactionId,
    });
    expect(stack.px.submittedOrders()).toBe(submitted);
  });
});
