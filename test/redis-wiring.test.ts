import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/process/start.js';
import { loadConfig } from '../src/process/config.js';
import { REDIS_KEY_PREFIX } from '../src/store/redis-client.js';
import { graphql, startTestStack } from './helpers/app.js';
import { placeOrder } from './helpers/order-flow.js';
import { newOrderKey } from './helpers/px-operations.js';
import { createLogCapture } from './helpers/log-capture.js';
import { REDIS_AVAILABLE, useRedisServer } from './helpers/redis-server.js';

describe.skipIf(!REDIS_AVAILABLE)('the subgraph with REDIS_URL', () => {
  const redis = useRedisServer();
  /** A plain connection, without the service's key prefix, to look at what the service wrote. */
  const observer = () =>
    redis.adopt(new Redis(redis.url(), { lazyConnect: false, maxRetriesPerRequest: 1 }));
  const clientCount = async (connection: Redis) =>
    String(await connection.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.trim() !== '').length;

  it('backs the journal and the line cache with one connection, closed with the app', async () => {
    const look = observer();
    const before = await clientCount(look);
    const stack = await startTestStack({ REDIS_URL: redis.url() });
    try {
      // Ready once the Redis connection is up, which may follow the listening by a moment.
      await expect
        .poll(
          async () => (await (await fetch(`${stack.app.url}/health/ready`)).json()) as unknown,
          {
            timeout: 10_000,
          },
        )
        .toMatchObject({ ready: true, checks: { redis: 'ok' } });
      expect(await clientCount(look)).toBe(before + 1);

      const order = newOrderKey();
      expect(await placeOrder(stack, order)).toMatchObject({ __typename: 'OrderCompleted' });
      await graphql(
        stack.graphqlUrl,
        `
          {
            mobileLine(businessId: "PR", msisdn: "16654555678") {
              __typename
            }
          }
        `,
      );

      const orderKey = `${REDIS_KEY_PREFIX}order:${order.partnerId}:${order.partnerOrderId}`;
      expect(await look.exists(orderKey)).toBe(1);
      expect(await look.exists(`${REDIS_KEY_PREFIX}line:PR:16654555678`)).toBe(1);
    } finally {
      await stack.close();
    }
    // Redis drops a client that sent QUIT just after answering it.
    await expect.poll(() => clientCount(look), { timeout: 5_000 }).toBe(before);
  });

  it('leaves no Redis connection open when start-up fails', async () => {
    const look = observer();
    const before = await clientCount(look);
    const holder = await startTestStack();
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PORT: new URL(holder.app.url).port,
        REDIS_URL: redis.url(),
      });
      await expect(startApp(config, { logDestination: createLogCapture().stream })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await holder.close();
    }
    await expect.poll(() => clientCount(look), { timeout: 5_000 }).toBe(before);
  });
});
