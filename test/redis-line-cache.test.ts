import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { assert, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics, type Metrics } from '../src/observability/metrics.js';
import { createRedisLineCache } from '../src/store/redis-line-cache.js';
import type { MobileLineRecord } from '../src/upstreams/dxp/types.js';
import { createLogCapture } from './helpers/log-capture.js';
import { REDIS_AVAILABLE, startRedisServer, useRedisServer } from './helpers/redis-server.js';

let nextMsisdn = 16654550000;
/** A line no other test uses, so tests sharing one Redis never see each other's keys. */
function uniqueLine(): MobileLineRecord {
  nextMsisdn += 1;
  return {
    businessId: 'PR',
    msisdn: String(nextMsisdn),
    planType: 'POSTPAID',
    plan: { id: 'PR_B2C_ULT_Extra_MB_Line', name: 'Liberty U-Pick Mobile Plus', '@type': 'Plan' },
    addons: [
      {
        '@type': 'Addon',
        product: { id: 'PR_ADDON_5GB', name: '5 GB extra', '@type': 'Addon' },
        itemPrice: [
          {
            name: 'recurring',
            description: null,
            price: { dutyFreeAmount: { unit: 'USD', value: 15 } },
          },
        ],
      },
    ],
  };
}

const keyOf = (line: MobileLineRecord) => ({ businessId: line.businessId, msisdn: line.msisdn });

async function lookups(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.cacheLookups.get();
  return Object.fromEntries(
    values.map(({ labels, value }) => [`${String(labels.cache)}:${String(labels.result)}`, value]),
  );
}

describe.skipIf(!REDIS_AVAILABLE)('redis line cache', () => {
  const server = useRedisServer();
  const connect = (url?: string, logs?: ReturnType<typeof createLogCapture>) =>
    server.connect({ ...(url ? { url } : {}), ...(logs ? { logs } : {}), level: 'info' });

  async function ready(redis: Redis): Promise<Redis> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  }

  it('answers what was set, and counts hits and misses under cache="lines"', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const cache = createRedisLineCache(await ready(connect()), {
      ttlSeconds: 60,
      metrics,
      logger: createLogger('silent'),
    });
    const line = uniqueLine();
    expect(await cache.get(keyOf(line))).toBeUndefined();
    await cache.set(keyOf(line), line);
    expect(await cache.get(keyOf(line))).toEqual(line);
    expect(await cache.get(keyOf(line))).toEqual(line);
    expect(await cache.get({ businessId: 'JM', msisdn: line.msisdn })).toBeUndefined();
    expect(await lookups(metrics)).toEqual({ 'lines:miss': 2, 'lines:hit': 2 });
  });

  it('shares lines between replicas, under line:{businessId}:{msisdn} with the ttl', async () => {
    const options = {
      ttlSeconds: 60,
      metrics: createMetrics({ collectDefaults: false }),
      logger: createLogger('silent'),
    };
    const writer = createRedisLineCache(await ready(connect()), options);
    const reader = createRedisLineCache(await ready(connect()), options);
    const line = uniqueLine();
    await writer.set(keyOf(line), line);
    expect(await reader.get(keyOf(line))).toEqual(line);

    const raw = server.adopt(new Redis(server.url()));
    const ttl = await raw.ttl(`ordering-subgraph:line:PR:${line.msisdn}`);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('forgets a line when its ttl runs out', async () => {
    const cache = createRedisLineCache(await ready(connect()), {
      ttlSeconds: 1,
      metrics: createMetrics({ collectDefaults: false }),
      logger: createLogger('silent'),
    });
    const line = uniqueLine();
    await cache.set(keyOf(line), line);
    expect(await cache.get(keyOf(line))).toEqual(line);
    await sleep(1_100);
    expect(await cache.get(keyOf(line))).toBeUndefined();
  });

  it('never stores, nor counts, with ttl 0', async () => {
    const redis = await ready(connect());
    const metrics = createMetrics({ collectDefaults: false });
    const cache = createRedisLineCache(redis, {
      ttlSeconds: 0,
      metrics,
      logger: createLogger('silent'),
    });
    const line = uniqueLine();
    await cache.set(keyOf(line), line);
    expect(await cache.get(keyOf(line))).toBeUndefined();
    expect(await redis.exists(`line:PR:${line.msisdn}`)).toBe(0);
    expect(await lookups(metrics)).toEqual({});
  });

  it('misses, and never throws, when Redis goes away; the outage is logged once, without the msisdn', async () => {
    const own = await startRedisServer();
    assert(own);
    const logs = createLogCapture();
    const metrics = createMetrics({ collectDefaults: false });
    const redis = await ready(connect(own.url, logs));
    const cache = createRedisLineCache(redis, {
      ttlSeconds: 60,
      metrics,
      logger: createLogger('info', logs.stream),
    });
    const line = uniqueLine();
    await cache.set(keyOf(line), line);
    expect(await cache.get(keyOf(line))).toEqual(line);

    await own.stop();
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(cache.get(keyOf(line))).resolves.toBeUndefined();
      await expect(cache.set(keyOf(line), line)).resolves.toBeUndefined();
      await sleep(300);
    }
    expect(await lookups(metrics)).toEqual({ 'lines:hit': 1, 'lines:miss': 3 });
    const outages = logs.records().filter((record) => record.msg === 'redis unavailable');
    expect(outages).toHaveLength(1);
    expect(logs.text()).not.toContain(line.msisdn);
  });

  it('misses within the command timeout while Redis is up but not answering, and hits again once it answers', async () => {
    const own = await startRedisServer();
    assert(own);
    try {
      const logs = createLogCapture();
      const redis = await ready(server.connect({ url: own.url, logs, commandTimeoutMs: 300 }));
      const cache = createRedisLineCache(redis, {
        ttlSeconds: 60,
        metrics: createMetrics({ collectDefaults: false }),
        logger: createLogger('info', logs.stream),
      });
      const line = uniqueLine();
      await cache.set(keyOf(line), line);

      own.pause();
      const timed = async () => {
        const startedAt = performance.now();
        const value = await cache.get(keyOf(line));
        return { value, ms: performance.now() - startedAt };
      };
      // Each read waits at most the command timeout; the ioredis status alone still says "ready".
      const first = await timed();
      expect(first.value).toBeUndefined();
      expect(first.ms).toBeLessThan(1_500);
      await expect(cache.set(keyOf(line), line)).resolves.toBeUndefined();
      // The stalled connection is dropped and made again: reads then skip Redis without waiting.
      await expect.poll(() => redis.status, { timeout: 5_000 }).not.toBe('ready');
      const skipped = await timed();
      expect(skipped.value).toBeUndefined();
      expect(skipped.ms).toBeLessThan(100);

      own.resume();
      await expect.poll(() => cache.get(keyOf(line)), { timeout: 10_000 }).toEqual(line);
      expect(logs.text()).not.toContain(line.msisdn);
    } finally {
      await own.stop();
    }
  });

  it('misses, logged, when a read fails while the connection is up', async () => {
    const logs = createLogCapture();
    const redis = await ready(connect());
    const cache = createRedisLineCache(redis, {
      ttlSeconds: 60,
      metrics: createMetrics({ collectDefaults: false }),
      logger: createLogger('info', logs.stream),
    });
    const line = uniqueLine();
    // A value of the wrong type makes GET fail with WRONGTYPE, a failure Redis itself answers.
    await redis.sadd(`line:PR:${line.msisdn}`, 'not a line');
    await expect(cache.get(keyOf(line))).resolves.toBeUndefined();
    const failures = logs
      .records()
      .filter((record) => record.msg === 'line cache read failed; treated as a miss');
    expect(failures).toHaveLength(1);
    expect(logs.text()).not.toContain(line.msisdn);
  });
});
