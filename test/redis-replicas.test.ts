import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_PATH } from '../src/sandbox/dxp/server.js';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { answerOf, graphql, type Outcome } from './helpers/app.js';
import { complete, disclose, lookUpOrder } from './helpers/order-flow.js';
import { COMPLETE_ORDER, completeInput, newOrderKey } from './helpers/px-operations.js';
import { REDIS_AVAILABLE, useRedisServer } from './helpers/redis-server.js';
import { startSubgraphProcess, type SubgraphProcess } from './helpers/subgraph-process.js';
import { useSandboxes } from './helpers/sandbox-env.js';

const DUPLICATES = 10;
/** tcpmux's port: nothing serves it on a loopback, so connections are refused at once. */
const NOTHING_LISTENS = 1;
const LINE_ROUTE = `GET ${DXP_PRODUCT_ORDER_PATH}`;
const SEED_LINE = `query SeedLine {
  mobileLine(businessId: "PR", msisdn: "16654555678") {
    __typename
    ... on MobileLine { plan { id } }
  }
}`;

// The tests spawn the real entry point through tsx: slow on a busy machine.
describe.skipIf(!REDIS_AVAILABLE)(
  'two subgraph processes sharing one Redis',
  { timeout: 60_000 },
  () => {
    const redis = useRedisServer();
    const sandboxes = useSandboxes();
    const replicas: SubgraphProcess[] = [];
    const env = () => ({ ...sandboxes.env(), REDIS_URL: redis.url() });

    beforeAll(async () => {
      replicas.push(
        ...(await Promise.all([startSubgraphProcess(env()), startSubgraphProcess(env())])),
      );
    }, 60_000);
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }, 60_000);

    it('reports Redis in readiness on every replica', async () => {
      for (const replica of replicas) {
        // Ready once its Redis connection is up, which may follow the listening by a moment.
        const readiness = async () => {
          const response = await fetch(`${replica.url}/health/ready`);
          return { status: response.status, body: (await response.json()) as unknown };
        };
        await expect.poll(readiness, { timeout: 10_000 }).toMatchObject({
          status: 200,
          body: { ready: true, checks: { redis: 'ok' } },
        });
      }
    });

    it('shares the line cache: a line read through one replica is not read again through the other', async () => {
      const before = sandboxes.dxp.callCount(LINE_ROUTE);
      const [first, second] = replicas;
      expect((await answerOf(first!, SEED_LINE)).__typename).toBe('MobileLine');
      expect((await answerOf(second!, SEED_LINE)).__typename).toBe('MobileLine');
      expect(sandboxes.dxp.callCount(LINE_ROUTE) - before).toBe(1);
    });

    it('submits concurrent duplicate completeOrders spread over both replicas to Px once', async () => {
      const order = newOrderKey();
      await disclose(replicas[0]!, order);
      const callsBefore = sandboxes.px.callCount(PX_ROUTES.completeOrder);
      // Px is slow to answer, so every duplicate arrives while the first is in flight.
      sandboxes.px.injectFault(PX_ROUTES.completeOrder, { kind: 'delay', ms: 1_500 });

      const completed = await Promise.all(
        Array.from({ length: DUPLICATES }, (_, index) => complete(replicas[index % 2]!, order)),
      );

      expect(sandboxes.px.callCount(PX_ROUTES.completeOrder) - callsBefore).toBe(1);
      for (const outcome of completed) expect(outcome.__typename).toBe('OrderCompleted');
      expect(completed.filter((outcome) => outcome['replayed'] === false)).toHaveLength(1);
      expect(completed.filter((outcome) => outcome['replayed'] === true)).toHaveLength(
        DUPLICATES - 1,
      );
      const orderNumbers = new Set(
        completed.map((outcome) => (outcome['order'] as { orderNumber: string }).orderNumber),
      );
      expect(orderNumbers.size).toBe(1);

      // A replica restarted keeps nothing in memory: what it answers now comes from Redis.
      const [restarting] = replicas.splice(0, 1);
      expect(await restarting!.stop()).toEqual({ code: 0, signal: null });
      const restarted = await startSubgraphProcess(env());
      replicas.push(restarted);

      expect(await lookUpOrder(restarted, order)).toMatchObject({
        partnerOrderId: order.partnerOrderId,
        orderNumber: [...orderNumbers][0],
      });
      const retried = await complete(restarted, order);
      expect(retried).toMatchObject({
        __typename: 'OrderCompleted',
        replayed: true,
        order: { orderNumber: [...orderNumbers][0] },
      });
      expect(sandboxes.px.callCount(PX_ROUTES.completeOrder) - callsBefore).toBe(1);
    });

    it('journals a completeOrder in flight on a replica told to stop, for the other to answer', async () => {
      const order = newOrderKey();
      const [stopping, other] = replicas.splice(0, 2);
      await disclose(stopping!, order);
      const callsBefore = sandboxes.px.callCount(PX_ROUTES.completeOrder);
      sandboxes.px.injectFault(PX_ROUTES.completeOrder, { kind: 'delay', ms: 2_000 });

      const completing = complete(stopping!, order);
      await expect
        .poll(() => sandboxes.px.callCount(PX_ROUTES.completeOrder), { timeout: 10_000 })
        .toBe(callsBefore + 1);
      stopping!.signal('SIGTERM');
      const completed = await completing;
      expect(completed).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
      expect(await stopping!.exited).toEqual({ code: 0, signal: null });
      replicas.push(other!, await startSubgraphProcess(env()));

      const orderNumber = (completed['order'] as { orderNumber: string }).orderNumber;
      expect(await lookUpOrder(other!, order)).toMatchObject({
        partnerOrderId: order.partnerOrderId,
        orderNumber,
      });
      const retried = await complete(other!, order);
      expect(retried).toMatchObject({ replayed: true, order: { orderNumber } });
      expect(sandboxes.px.callCount(PX_ROUTES.completeOrder)).toBe(callsBefore + 1);
    });
  },
);

describe.skipIf(!REDIS_AVAILABLE)(
  'a subgraph process whose Redis is down',
  { timeout: 60_000 },
  () => {
    const sandboxes = useSandboxes();
    let replica: SubgraphProcess;
    const password = 'redis-pa55word-never-logged';

    beforeAll(async () => {
      replica = await startSubgraphProcess({
        ...sandboxes.env(),
        REDIS_URL: `redis://ordering:${password}@127.0.0.1:${NOTHING_LISTENS}/0`,
      });
    }, 60_000);
    afterAll(() => replica.stop(), 60_000);

    it('is not ready, names where Redis is but never its password', async () => {
      await replica.waitForLog((record) => record['msg'] === 'redis unavailable');
      const ready = await fetch(`${replica.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, checks: { redis: 'failing' } });
      expect(replica.output()).toContain('redis://127.0.0.1:');
      expect(replica.output()).not.toContain(password);
    });

    it('still answers lines from dxp-ux, and submits no order it could not claim', async () => {
      const line = await graphql<{ mobileLine: Outcome }>(replica.graphqlUrl, SEED_LINE);
      expect(line.body.data?.mobileLine.__typename).toBe('MobileLine');

      const callsBefore = sandboxes.px.callCount(PX_ROUTES.completeOrder);
      const order = newOrderKey();
      const completion = await graphql<{ completeOrder: Outcome | null }>(
        replica.graphqlUrl,
        COMPLETE_ORDER,
        completeInput(order),
      );
      expect(completion.body.data?.completeOrder ?? null).toBeNull();
      expect(completion.body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
      expect(sandboxes.px.callCount(PX_ROUTES.completeOrder)).toBe(callsBefore);
      expect(replica.output()).not.toContain(password);
    });
  },
);
