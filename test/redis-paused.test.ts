import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startTestStack, untilReady, type TestStack } from './helpers/app.js';
import { dxpCallsDuring, queryLine } from './helpers/lines.js';
import { COMPLETE_ORDER, ORDER, completeInput, newOrderKey } from './helpers/px-operations.js';
import { REDIS_AVAILABLE, startRedisServer, type RedisServer } from './helpers/redis-server.js';
import { useSandboxes } from './helpers/sandbox-env.js';
import { startSubgraphProcess } from './helpers/subgraph-process.js';

const SEED = { businessId: 'PR', msisdn: '16654555678' };

/** What `work` answered and how long it took, in milliseconds. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const startedAt = performance.now();
  const result = await work();
  return { result, ms: performance.now() - startedAt };
}

/** How long the Redis connection may take to be up after the listening. */
const READY_WITHIN_MS = 10_000;

// Redis paused with SIGSTOP keeps its port and its connections, and answers nothing: the
// connection still looks up, so only a time limit on each command can tell.
describe.skipIf(!REDIS_AVAILABLE)('the subgraph while its Redis is paused', () => {
  let redis: RedisServer;
  let stack: TestStack;
  beforeAll(async () => {
    const started = await startRedisServer();
    assert(started, 'redis-server is on PATH but did not start');
    redis = started;
    stack = await startTestStack({ REDIS_URL: redis.url, ADDONS_CACHE_TTL_S: '60' });
    await untilReady(stack.app, READY_WITHIN_MS);
  });
  afterAll(async () => {
    redis.resume();
    await stack.close();
    await redis.stop();
  });

  it('reads lines from dxp-ux within the deadline, then from the cache again once Redis answers', async () => {
    const warm = await dxpCallsDuring(stack, () => queryLine(stack, SEED.businessId, SEED.msisdn));
    expect(warm.result.line.__typename).toBe('MobileLine');
    const cached = await dxpCallsDuring(stack, () =>
      queryLine(stack, SEED.businessId, SEED.msisdn),
    );
    expect(cached.calls).toBe(0);

    redis.pause();
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const { result, ms } = await timed(() =>
          dxpCallsDuring(stack, () => queryLine(stack, SEED.businessId, SEED.msisdn)),
        );
        expect(result.result.line).toEqual(warm.result.line);
        expect(result.calls).toBe(1);
        expect(ms).toBeLessThan(2_000);
      }
    } finally {
      redis.resume();
    }

    await expect
      .poll(
        async () =>
          (await dxpCallsDuring(stack, () => queryLine(stack, SEED.businessId, SEED.msisdn))).calls,
        { timeout: 10_000, interval: 200 },
      )
      .toBe(0);
  });

  // The order flow needs its journal: it answers an error, fast, and sends nothing to Px.
  it('answers order lookups and completeOrder with SERVICE_UNAVAILABLE within two seconds', async () => {
    redis.pause();
    try {
      const order = newOrderKey();
      const completionsBefore = stack.px.callCount(PX_ROUTES.completeOrder);
      const lookup = await timed(() =>
        graphql(stack.graphqlUrl, ORDER, {
          partnerId: order.partnerId,
          partnerOrderId: order.partnerOrderId,
        }),
      );
      expect(lookup.ms).toBeLessThan(2_500);
      expect(lookup.result.body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
      expect(lookup.result.body.data?.['order'] ?? null).toBeNull();

      const completing = await timed(() =>
        graphql(stack.graphqlUrl, COMPLETE_ORDER, completeInput(order)),
      );
      expect(completing.ms).toBeLessThan(2_500);
      expect(completing.result.body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
      expect(completing.result.body.data?.['completeOrder'] ?? null).toBeNull();
      expect(stack.px.callCount(PX_ROUTES.completeOrder)).toBe(completionsBefore);
    } finally {
      redis.resume();
    }
  });
});

describe.skipIf(!REDIS_AVAILABLE)('the subgraph process with its Redis paused', () => {
  const sandboxes = useSandboxes();
  it(
    'exits 0 promptly on SIGTERM, its request in flight answered',
    { timeout: 60_000 },
    async () => {
      const redis = await startRedisServer();
      assert(redis, 'redis-server is on PATH but did not start');
      try {
        const subgraph = await startSubgraphProcess({ ...sandboxes.env(), REDIS_URL: redis.url });
        await untilReady(subgraph, READY_WITHIN_MS);
        redis.pause();
        // A request in flight when the signal comes, waiting on the paused Redis.
        const inFlight = graphql(
          subgraph.graphqlUrl,
          `
            {
              mobileLine(businessId: "PR", msisdn: "17875550101") {
                __typename
              }
            }
          `,
        );
        // Long enough for the request to reach the server, well short of its Redis time limit.
        await sleep(250);
        const stopped = await timed(() => subgraph.stop());
        expect(stopped.result).toEqual({ code: 0, signal: null });
        expect(stopped.ms).toBeLessThan(5_000);
        expect((await inFlight).body.data?.['mobileLine']).toEqual({ __typename: 'MobileLine' });
      } finally {
        redis.resume();
        await redis.stop();
      }
    },
  );
});
