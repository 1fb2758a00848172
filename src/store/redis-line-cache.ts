import type { Redis } from 'ioredis';
import { maskMsisdn, type Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LineKey, MobileLineRecord } from '../upstreams/dxp/types.js';
import { NO_LINE_CACHE, type LineCache } from './line-cache.js';
import { redisErrorFields } from './redis-client.js';

export interface RedisLineCacheOptions {
  /** 0 turns the cache off. */
  ttlSeconds: number;
  metrics: Metrics;
  logger: Logger;
}

const lineKey = (key: LineKey) =>
  `line:${encodeURIComponent(key.businessId)}:${encodeURIComponent(key.msisdn)}`;

/**
 * The line cache shared by every replica through one Redis. A cache must
 * never fail a request: when Redis cannot answer, a read is a miss and a
 * write is dropped, and dxp-ux stays the authority. A Redis that is up but
 * not answering costs a read at most the connection's command timeout
 * (REDIS_TIMEOUT_MS); while the connection is down or being made again, the
 * cache is not asked at all, since the answer would be a miss anyway.
 * The connection belongs to the caller: `close()` leaves it open.
 */
export function createRedisLineCache(redis: Redis, options: RedisLineCacheOptions): LineCache {
  if (options.ttlSeconds === 0) return NO_LINE_CACHE;

  const { ttlSeconds, logger } = options;
  const lookups = options.metrics.cacheLookups;
  const logFields = (key: LineKey, error: unknown) => ({
    cache: 'lines',
    line: `${key.businessId}:${maskMsisdn(key.msisdn)}`,
    err: redisErrorFields(error),
  });

  async function read(key: LineKey): Promise<MobileLineRecord | undefined> {
    if (redis.status !== 'ready') return undefined;
    try {
      const value = await redis.get(lineKey(key));
      // Lines are written only by `set` below, as JSON of MobileLineRecord.
      return value === null ? undefined : (JSON.parse(value) as MobileLineRecord);
    } catch (error) {
      logger.warn(logFields(key, error), 'line cache read failed; treated as a miss');
      return undefined;
    }
  }

  return {
    async get(key) {
      const value = await read(key);
      lookups.inc({ cache: 'lines', result: value === undefined ? 'miss' : 'hit' });
      return value;
    },
    async set(key, value) {
      if (redis.status !== 'ready') return;
      try {
        await redis.set(lineKey(key), JSON.stringify(value), 'EX', ttlSeconds);
      } catch (error) {
        logger.warn(logFields(key, error), 'line cache write failed; line not cached');
      }
    },
    close: () => Promise.resolve(),
  };
}
