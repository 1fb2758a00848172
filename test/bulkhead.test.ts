import { describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE } from '../src/sandbox/dxp/server.js';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { useTestStack } from './helpers/app.js';
import { queryLines } from './helpers/lines.js';
import { complete, disclose, type OrderKey } from './helpers/order-flow.js';
import { newOrderKey } from './helpers/px-operations.js';

/** Distinct msisdns the dxp-ux sandbox answers slowly (they end in 0999). */
const SLOW_LINES = ['17870010999', '17870020999', '17870030999', '17870040999', '17870050999'];

describe('the per-upstream bulkhead', () => {
  // Two calls in flight and one waiting; the slow line holds its slot long enough to see it.
  const stack = useTestStack(
    { BULKHEAD_LIMIT: '2', BULKHEAD_QUEUE: '1', ADDONS_CACHE_TTL_S: '0', DXP_TIMEOUT_MS: '5000' },
    { dxpSlowLineDelayMs: 400 },
  );

  it('refuses the calls beyond its slots and queue at once, unsent, and counts them', async () => {
    const before = stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
    const response = await queryLines(stack, 'PR', SLOW_LINES);

    expect(response.body.errors).toBeUndefined();
    const results = response.body.data?.mobileLines ?? [];
    const typenames = results.map((result) => result.__typename);
    expect(typenames.filter((name) => name === 'MobileLine')).toHaveLength(3);
    const refused = results.filter((result) => result.__typename === 'UpstreamUnavailableError');
    expect(refused).toHaveLength(2);
    for (const result of refused) expect(result).toMatchObject({ upstream: 'DXP' });
    // The refused ones never reached dxp-ux, and were not retried into it either.
    expect(stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE) - before).toBe(3);

    const metrics = await (await fetch(`${stack.app.url}/metrics`)).text();
    expect(metrics).toMatch(/upstream_bulkhead_rejections_total\{upstream="DXP"\} 2/);
    // A full bulkhead is load, not a failing upstream: the circuit stays closed.
    expect(metrics).toMatch(/circuit_breaker_open\{upstream="DXP"\} 0/);
  });

  it('refuses a completeOrder beyond its slots before it reaches Px, so trying again submits it once', async () => {
    const orders = [newOrderKey(), newOrderKey(), newOrderKey(), newOrderKey()];
    for (const order of orders) {
      expect((await disclose(stack, order)).__typename).toBe('RccDisclosure');
    }
    const before = stack.px.callCount(PX_ROUTES.completeOrder);
    // Every submission is held long enough for all four to meet the two slots and one queue place.
    stack.px.injectFault(PX_ROUTES.completeOrder, { kind: 'delay', ms: 400 }, orders.length);
    const completion = (order: OrderKey) =>
      complete(stack, order).then((outcome) => outcome.__typename);

    const outcomes = await Promise.all(orders.map(completion));
    expect(outcomes.filter((name) => name === 'OrderCompleted')).toHaveLength(3);
    expect(outcomes.filter((name) => name === 'UpstreamUnavailableError')).toHaveLength(1);
    expect(stack.px.callCount(PX_ROUTES.completeOrder) - before).toBe(3);

    // Never sent, so no 2130 on the retry: Px takes it now, once.
    const refused = orders[outcomes.indexOf('UpstreamUnavailableError')]!;
    expect(await completion(refused)).toBe('OrderCompleted');
    expect(stack.px.callCount(PX_ROUTES.completeOrder) - before).toBe(4);
  });
});
