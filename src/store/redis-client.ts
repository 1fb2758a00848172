import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { traceRedisCommands } from '../observability/redis-spans.js';
import { tracingEnabled } from '../observability/tracing.js';

/** Every key this service writes starts with this, so it can share a Redis with others. */
export const REDIS_KEY_PREFIX = 'ordering-subgraph:';

export interface RedisConnectionOptions {
  /** REDIS_TIMEOUT_MS: the longest one command may take, answered or failed. */
  commandTimeoutMs: number;
}

/**
 * One ioredis connection for the cache and the journal, shared by every
 * request. No command waits longer than `commandTimeoutMs`, whatever state
 * Redis is in: down (refused, unreachable) or up but not answering (paused,
 * swapping, overloaded), which a connection status alone never shows.
 */
export function createRedisConnection(
  url: string,
  logger: Logger,
  { commandTimeoutMs }: RedisConnectionOptions,
): Redis {
  const target = redisTarget(url);
  const redis = new Redis(url, {
    keyPrefix: REDIS_KEY_PREFIX,
    lazyConnect: false,
    commandTimeout: commandTimeoutMs,
    // A connection that has answered nothing for twice a command's time is
    // taken for dead and made again: a stalled Redis must not keep collecting
    // commands that will all time out, and while it reconnects the connection
    // is not ready, so the line cache skips it without waiting at all.
    socketTimeout: commandTimeoutMs * 2,
    // Until the first connection, commands wait for it (each at most its
    // timeout), so a request at start-up is not refused for a connection
    // still being made. After that a lost connection fails them at once
    // (below), and the commands it had not answered are not sent again: a
    // claim or a record must not land after its request has answered. A
    // failed connection attempt fails whatever waits (no retry per command).
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  if (tracingEnabled()) traceRedisCommands(redis);

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
