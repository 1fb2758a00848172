import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { OrderJournal } from './journal.js';
import { createMemoryLineCache, type LineCache } from './line-cache.js';
import { createMemoryJournal } from './memory-journal.js';
import { closeRedisConnection, createRedisConnection, redisTarget } from './redis-client.js';
import { createRedisJournal } from './redis-journal.js';
import { createRedisLineCache } from './redis-line-cache.js';

export interface StoreOptions {
  /** null: in memory, for one replica. */
  redisUrl: string | null;
  redisTimeoutMs: number;
  lineTtlSeconds: number;
  journalRetentionMs: number;
}

export interface Stores {
  journal: OrderJournal;
  lineCache: LineCache;
  /** The connection both share, when they live in Redis (readiness asks it). */
  redis: Redis | null;
  /** Closes the stores, then the connection they share. */
  close(): Promise<void>;
}

/**
 * The journal and the line cache: in memory for one replica, or in the Redis
 * every replica shares (one connection each), so a duplicate completeOrder on
 * another replica finds the claim and the order.
 */
export function openStores(options: StoreOptions, logger: Logger, metrics: Metrics): Stores {
  const ttlSeconds = options.lineTtlSeconds;
  const journalOptions = { retentionMs: options.journalRetentionMs };
  if (options.redisUrl === null) {
    const journal = createMemoryJournal(journalOptions);
    const lineCache = createMemoryLineCache({ ttlSeconds, metrics });
    return {
      journal,
      lineCache,
      redis: null,
      close: async () => {
        await Promise.allSettled([journal.close(), lineCache.close()]);
      },
    };
  }
  const redis = createRedisConnection(options.redisUrl, logger, {
    commandTimeoutMs: options.redisTimeoutMs,
  });
  logger.info(
    { redis: redisTarget(options.redisUrl) },
    'REDIS_URL set: the order journal and the line cache are shared through Redis',
  );
  const journal = createRedisJournal(redis, journalOptions);
  const lineCache = createRedisLineCache(redis, { ttlSeconds, metrics, logger });
  return {
    journal,
    lineCache,
    redis,
    close: async () => {
      await Promise.allSettled([journal.close(), lineCache.close()]);
      await closeRedisConnection(redis);
    },
  };
}
