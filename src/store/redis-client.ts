import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** Every key this service writes starts with this, so it can share a Redis with others. */
export const REDIS_KEY_PREFIX = 'ordering-subgraph:';

/**
 * One ioredis connection for the cache and the journal, shared by every
 * request. Commands issued while Redis is unreachable wait in the offline
 * queue through two reconnection attempts, then fail: a short blip is
 * absorbed, an outage is answered quickly instead of holding requests.
 */
export function createRedisConnection(url: string, logger: Logger): Redis {
  const target = redisTarget(url);
  const redis = new Redis(url, {
    keyPrefix: REDIS_KEY_PREFIX,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });

  // ioredis emits an error per failed reconnection attempt; one line per
  // change of state says the same without flooding the log during an outage.
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  redis.on('ready', () => {
    if (state !== 'up')
      logger.info(
        { redis: target },
        state === 'down' ? 'redis connection restored' : 'redis connected',
      );
    state = 'up';
  });
  redis.on('error', (error: unknown) => {
    if (state !== 'down')
      logger.warn({ redis: target, err: redisErrorFields(error) }, 'redis unavailable');
    state = 'down';
  });
  return redis;
}

/** Ends a connection made by `createRedisConnection`, politely when Redis answers. Safe to call twice. */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * What of a Redis error is safe to log. ioredis attaches the failed command
 * to its errors, and a command's arguments carry keys with msisdns, or the
 * password of an AUTH.
 */
export function redisErrorFields(error: unknown): { name: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, code, message: error.message }
    : { name: error.name, message: error.message };
}

/** `rediss://user:secret@host:6380/2` → `rediss://host:6380/2`: where, never who. */
export function redisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '[unparseable REDIS_URL]';
  }
}
