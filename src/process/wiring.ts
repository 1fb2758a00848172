import type { Config, UpstreamCredentials } from './config.js';
import { redisAnswers, type ReadinessCheck, type UpstreamProbe } from '../http/health.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createOrderFlow } from '../ordering/order-flow.js';
import type { Services } from './services.js';
import type { OrderJournal } from '../store/journal.js';
import { createMemoryLineCache, type LineCache } from '../store/line-cache.js';
import { createMemoryJournal } from '../store/memory-journal.js';
import { closeRedisConnection, createRedisConnection, redisTarget } from '../store/redis-client.js';
import { createRedisJournal } from '../store/redis-journal.js';
import { createRedisLineCache } from '../store/redis-line-cache.js';
import { createDxpClient } from '../upstreams/dxp/client.js';
import { createUpstreamHttp } from '../upstreams/http.js';
import { createPxClient } from '../upstreams/px/client.js';
import { createUpstreamResilience } from '../upstreams/resilience.js';

/** Where the upstreams are, once the embedded sandboxes (if any) have started. */
export interface ResolvedUpstreams {
  dxp: { baseUrl: string; credentials: UpstreamCredentials };
  px: { baseUrl: string; tokenUrl: string; credentials: UpstreamCredentials };
}

export interface Wiring {
  services: Services;
  readinessChecks: ReadinessCheck[];
  upstreamProbes: UpstreamProbe[];
  close(): Promise<void>;
}

/** Builds the process-wide services: clients with their pools and breakers, cache, journal. */
export function createWiring(
  config: Config,
  upstreams: ResolvedUpstreams,
  logger: Logger,
  metrics: Metrics,
): Wiring {
  const resilience = {
    breakerFailureRate: config.breaker.failureRate,
    breakerWindowSeconds: config.breaker.windowSeconds,
    breakerMinCalls: config.breaker.minCalls,
    breakerHalfOpenSeconds: config.breaker.halfOpenSeconds,
    maxConcurrent: config.bulkhead.limit,
    maxQueued: config.bulkhead.queue,
  };
  const dxpResilience = createUpstreamResilience('DXP', resilience, metrics);
  const pxResilience = createUpstreamResilience('PX', resilience, metrics);
  // As many connections as the bulkhead lets calls through: waiting happens in its bounded queue.
  const pool = { connections: config.bulkhead.limit, maxBodyBytes: config.upstreamMaxBodyBytes };
  const dxpHttp = createUpstreamHttp('DXP', metrics, pool);
  const pxHttp = createUpstreamHttp('PX', metrics, pool);

  const stores = createStores(config, logger, metrics);
  const { journal } = stores;
  const px = createPxClient({
    baseUrl: upstreams.px.baseUrl,
    tokenUrl: upstreams.px.tokenUrl,
    credentials: upstreams.px.credentials,
    timeoutMs: config.px.timeoutMs,
    http: pxHttp,
    resilience: pxResilience,
    metrics,
  });
  const services: Services = {
    config,
    logger,
    metrics,
    dxp: createDxpClient({
      baseUrl: upstreams.dxp.baseUrl,
      credentials: upstreams.dxp.credentials,
      timeoutMs: config.dxp.timeoutMs,
      businessUnits: config.dxp.businessUnits,
      http: dxpHttp,
      resilience: dxpResilience,
      metrics,
    }),
    px,
    lineCache: stores.lineCache,
    journal,
    ordering: createOrderFlow({ px, journal, logger }, { pxTimeoutMs: config.px.timeoutMs }),
  };

  const upstreamProbes: UpstreamProbe[] = [
    { name: 'dxp', url: upstreams.dxp.baseUrl, circuit: () => dxpResilience.circuit() },
    { name: 'px', url: upstreams.px.baseUrl, circuit: () => pxResilience.circuit() },
  ];

  return {
    services,
    readinessChecks: stores.readinessChecks,
    upstreamProbes,
    async close() {
      await Promise.allSettled([
        services.dxp.close(),
        services.px.close(),
        services.lineCache.close(),
        services.journal.close(),
      ]);
      await stores.close();
    },
  };
}

interface Stores {
  journal: OrderJournal;
  lineCache: LineCache;
  readinessChecks: ReadinessCheck[];
  /** Closes what the stores share (the Redis connection), after the stores themselves. */
  close(): Promise<void>;
}

/**
 * The journal and the line cache: in memory for one replica, or in the Redis
 * every replica shares (one connection each), so a duplicate completeOrder on
 * another replica finds the claim and the order.
 */
function createStores(config: Config, logger: Logger, metrics: Metrics): Stores {
  const ttlSeconds = config.addonsCacheTtlSeconds;
  const journalOptions = { retentionMs: config.journalRetentionHours * 3_600_000 };
  if (config.redisUrl === null) {
    return {
      journal: createMemoryJournal(journalOptions),
      lineCache: createMemoryLineCache({ ttlSeconds, metrics }),
      readinessChecks: [],
      close: () => Promise.resolve(),
    };
  }
  const redis = createRedisConnection(config.redisUrl, logger, {
    commandTimeoutMs: config.redisTimeoutMs,
  });
  logger.info(
    { redis: redisTarget(config.redisUrl) },
    'REDIS_URL set: the order journal and the line cache are shared through Redis',
  );
  return {
    journal: createRedisJournal(redis, journalOptions),
    lineCache: createRedisLineCache(redis, { ttlSeconds, metrics, logger }),
    readinessChecks: [redisAnswers('redis', redis)],
    close: () => closeRedisConnection(redis),
  };
}
