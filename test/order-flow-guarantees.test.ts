import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import {
  startTestStackForTest,
  useTestStack,
  type Outcome,
  type TestStack,
} from './helpers/app.js';
import {
  complete,
  disclose,
  lookUpOrder,
  placeOrder,
  sendRccBySms,
  type OrderKey,
} from './helpers/order-flow.js';
import { newOrderKey } from './helpers/px-operations.js';
import { REDIS_AVAILABLE, useRedisServer } from './helpers/redis-server.js';
import { startRecordingProxy, type RecordingProxy } from './helpers/recording-proxy.js';

/**
 * What a partner trusts the order flow with, through GraphQL against the Px
 * sandbox: partners kept apart, replays that mean it, answers that can always
 * be served, and Px's words kept out of answers.
 */
describe('the order flow over HTTP: partners, replays, servable answers', () => {
  const stack = useTestStack({ JOURNAL_RETENTION_H: '0.0005' });

  it('lets two partners complete independent orders under one partnerOrderId, each reading only its own', async () => {
    const first = newOrderKey();
    const second = { ...newOrderKey(), partnerId: 'P-1002', partnerOrderId: first.partnerOrderId };
    const [placedFirst, placedSecond] = [
      await placeOrder(stack, first),
      await placeOrder(stack, second),
    ];
    expect(placedFirst).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    expect(placedSecond).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    const numberOf = (answer: Record<string, unknown>) =>
      (answer['order'] as { orderNumber: string }).orderNumber;
    expect(numberOf(placedFirst)).not.toBe(numberOf(placedSecond));

    expect(await lookUpOrder(stack, first)).toMatchObject({
      partnerId: 'P-1001',
      orderNumber: numberOf(placedFirst),
    });
    expect(await lookUpOrder(stack, second)).toMatchObject({
      partnerId: 'P-1002',
      orderNumber: numberOf(placedSecond),
    });
    // P-1002 sending P-1001's whole key gets no order of P-1001's.
    const intruder = await complete(stack, { ...first, partnerId: 'P-1002' });
    expect(intruder).toMatchObject({ __typename: 'TransactionMismatchError' });
    expect(JSON.stringify(intruder)).not.toContain(numberOf(placedFirst));
  });

  it('answers a retry that asks for something else with OrderAlreadySubmittedError, without calling Px', async () => {
    const key = newOrderKey();
    const placed = await placeOrder(stack, key);
    const before = stack.px.callCount(PX_ROUTES.completeOrder);
    const differing = await complete(stack, key, { salesCode: 'SC200' });
    expect(differing).toMatchObject({
      __typename: 'OrderAlreadySubmittedError',
      upstreamCode: '2130',
      earlierOrder: { orderNumber: (placed['order'] as { orderNumber: string }).orderNumber },
    });
    const identical = await complete(stack, key);
    expect(identical).toMatchObject({ __typename: 'OrderCompleted', replayed: true });
    expect(stack.px.callCount(PX_ROUTES.completeOrder) - before).toBe(0);
  });

  it('answers and journals a Px time with an offset in UTC, so every later read serves it', async () => {
    const key = newOrderKey();
    await disclose(stack, key);
    stack.px.injectFault(PX_ROUTES.completeOrder, {
      kind: 'status',
      status: 200,
      body: pxOrder(key, { submittedAt: '2026-01-01T10:00:00+05:00' }),
    });
    const placed = await complete(stack, key);
    expect(placed).toMatchObject({
      __typename: 'OrderCompleted',
      order: { submittedAt: '2026-01-01T05:00:00.000Z' },
    });
    expect(await complete(stack, key)).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: true,
    });
    expect(await lookUpOrder(stack, key)).toMatchObject({ orderNumber: 'PX-OFFSET' });
  });

  it('answers a Px success the API cannot carry as UpstreamUnavailableError and journals nothing', async () => {
    const key = newOrderKey();
    await disclose(stack, key);
    const huge = pxOrder(key, {});
    huge.items[0]!.quantity = 1e12;
    stack.px.injectFault(PX_ROUTES.completeOrder, { kind: 'status', status: 200, body: huge });
    expect(await complete(stack, key)).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'PX',
    });
    expect(await lookUpOrder(stack, key)).toBeNull();
    // Nothing was journaled as done: the next call goes to Px, which takes the order.
    expect(await complete(stack, key)).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: false,
    });
  });

  it("never passes Px's message text on, whatever it holds", async () => {
    const key = newOrderKey();
    await disclose(stack, key);
    const secrets = [
      'https://idp.internal.example/oauth?client_secret=hunter2-secret',
      'Bearer eyJhbGciOiJSUzI1NiJ9.leak.sig',
      '17875550199',
      'maria.lopez@example.com',
    ];
    stack.px.injectFault(PX_ROUTES.completeOrder, {
      kind: 'status',
      status: 410,
      body: { code: '1099', message: `Declined: ${secrets.join(' ')}; TxID ${key.transactionId}` },
    });
    const declined = await complete(stack, key);
    expect(declined).toMatchObject({
      __typename: 'PaymentDeclinedError',
      message: `Invalid credit card information: the payment system declined the card; please correct and resend; TxID ${key.transactionId}`,
    });
    for (const secret of secrets) expect(JSON.stringify(declined)).not.toContain(secret);
  });

  it('says plainly that the disclosure comes first when completing a transaction Px never saw', async () => {
    const answer = await complete(stack, newOrderKey());
    expect(answer).toMatchObject({
      __typename: 'InvalidFieldError',
      field: 'order.transactionId',
      upstreamCode: '2070',
    });
    expect(answer['message']).toContain('read with rccDisclosure');
  });

  it('forgets an order after JOURNAL_RETENTION_H', async () => {
    const key = newOrderKey();
    await placeOrder(stack, key);
    expect(await lookUpOrder(stack, key)).not.toBeNull();
    await sleep(2_000); // 0.0005 h is 1.8 s
    expect(await lookUpOrder(stack, key)).toBeNull();
  });
});

function pxOrder(key: OrderKey, overrides: { submittedAt?: string }) {
  return {
    transactionId: key.transactionId,
    partnerOrderId: key.partnerOrderId,
    orderNumber: 'PX-OFFSET',
    status: 'ACKNOWLEDGED',
    submittedAt: overrides.submittedAt ?? '2026-01-01T10:00:00Z',
    items: [{ productId: 'P-1', productName: 'Internet', quantity: 1, charges: [] }],
  };
}

/**
 * Duplicates of one completeOrder fired every 500 ms while the first one is
 * slow at every step (two acceptance reads that time out, then a slow Px
 * answer): Px must never have two completions in hand, and sees one in all.
 */
describe('duplicate completions across a slow submission', () => {
  const PX_TIMEOUT_MS = 1_000;
  const env = (proxy: RecordingProxy) => ({
    PX_BASE_URL: proxy.url,
    PX_TIMEOUT_MS: String(PX_TIMEOUT_MS),
  });

  /** A recording proxy in front of `owner`'s Px, closed when the test finishes (before `owner`). */
  async function proxyInFrontOfPx(owner: TestStack): Promise<RecordingProxy> {
    const proxy = await startRecordingProxy(owner.px.url);
    onTestFinished(() => proxy.close());
    return proxy;
  }

  async function fireDuplicates(replicas: TestStack[], proxy: RecordingProxy) {
    const [first] = replicas;
    const key = newOrderKey();
    await disclose(first!, key);
    await sendRccBySms(first!, key);
    first!.px.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'hang' }, 2);
    first!.px.injectFault(PX_ROUTES.completeOrder, { kind: 'delay', ms: PX_TIMEOUT_MS - 200 });
    const answers: Promise<Outcome>[] = [];
    for (let index = 0; index < 10; index++) {
      answers.push(complete(replicas[index % replicas.length]!, key, { acceptanceMethod: 'SMS' }));
      await sleep(500);
    }
    const settled = await Promise.all(answers);
    expect(settled.map((answer) => answer['__typename'])).toEqual(Array(10).fill('OrderCompleted'));
    expect(settled.filter((answer) => answer['replayed'] === false)).toHaveLength(1);
    const submissions = proxy.recorded.filter((request) => request.path === '/pxCompleteOrder');
    expect(submissions).toHaveLength(1);
    expect(proxy.maxInFlight('/pxCompleteOrder')).toBe(1);
  }

  it('on one process: one submission, never two in flight', async () => {
    // Closed in reverse: the stack, the proxy, then the first stack with the sandboxes it owns.
    const first = await startTestStackForTest();
    const proxy = await proxyInFrontOfPx(first);
    const stack = await startTestStackForTest(env(proxy), { shared: first });
    await fireDuplicates([stack], proxy);
  }, 30_000);

  describe.skipIf(!REDIS_AVAILABLE)('on two replicas sharing Redis', () => {
    const redis = useRedisServer();
    it('one submission, never two in flight', async () => {
      const owner = await startTestStackForTest();
      const proxy = await proxyInFrontOfPx(owner);
      const shared = { shared: owner };
      const withRedis = { ...env(proxy), REDIS_URL: redis.url() };
      const replicas = [
        await startTestStackForTest(withRedis, shared),
        await startTestStackForTest(withRedis, shared),
      ];
      await fireDuplicates(replicas, proxy);
    }, 30_000);
  });
});
