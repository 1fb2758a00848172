import type { DestinationStream } from 'pino';
import { redisAnswers, type ReadinessCheck } from '../http/health.js';
import { createServer, type SubgraphServer } from '../http/server.js';
import type { Domains } from '../loaders/domains.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { startTracing } from '../observability/tracing.js';
import { createOrderFlow } from '../ordering/order-flow.js';
import type { OrderJournal } from '../store/journal.js';
import { openStores } from '../store/open-stores.js';
import { createDxpClient } from '../upstreams/dxp/client.js';
import { createUpstreamHttp } from '../upstreams/http.js';
import { createPxClient } from '../upstreams/px/client.js';
import { createUpstreamResilience } from '../upstreams/resilience.js';
import type { Config, UpstreamCredentials } from './config.js';

export interface RunningApp {
  /** Origin of the subgraph, e.g. http://127.0.0.1:4001. */
  url: string;
  server: SubgraphServer;
  logger: Logger;
  metrics: Metrics;
  journal: OrderJournal;
  close(): Promise<void>;
}

/**
 * Starts the subgraph, top to bottom: tracing, the upstreams' locations (the
 * embedded sandboxes for any left unconfigured), the stores, the upstream
 * clients, the order flow, then the HTTP server. What was opened is closed in
 * the reverse order, at shutdown or when a later step of the start fails (a
 * port in use must not leave sandboxes, pools or Redis open).
 */
export async function startApp(
  config: Config,
  options: { logDestination?: DestinationStream } = {},
): Promise<RunningApp> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const metrics = createMetrics();
  const opened: (() => Promise<void>)[] = [];
  const closeOpened = async () => {
    const failures: unknown[] = [];
    for (const close of opened.splice(0).reverse()) {
      await close().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  };

  try {
    // Before anything that checks whether it runs: the server, the upstream clients, Redis.
    if (config.tracing !== null) opened.push(await startTracing(config.tracing));

    const { dxp: dxpAt, px: pxAt } = await locateUpstreams(config, logger, opened);

    const stores = openStores(
      {
        redisUrl: config.redisUrl,
        redisTimeoutMs: config.redisTimeoutMs,
        lineTtlSeconds: config.addonsCacheTtlSeconds,
        journalRetentionMs: config.journalRetentionHours * 3_600_000,
      },
      logger,
      metrics,
    );
    opened.push(() => stores.close());
    const readinessChecks: ReadinessCheck[] =
      stores.redis === null ? [] : [redisAnswers('redis', stores.redis)];

    const resilience = {
      breakerFailureRate: config.breaker.failureRate,
      breakerWindowSeconds: config.breaker.windowSeconds,
      breakerMinCalls: config.breaker.minCalls,
      breakerHalfOpenSeconds: config.breaker.halfOpenSeconds,
      maxConcurrent: config.bulkhead.limit,
      maxQueued: config.bulkhead.queue,
    };
    // As many connections as the bulkhead lets calls through: waiting happens in its bounded queue.
    const pool = { connections: config.bulkhead.limit, maxBodyBytes: config.upstreamMaxBodyBytes };
    const dxpResilience = createUpstreamResilience('DXP', resilience, metrics);
    const pxResilience = createUpstreamResilience('PX', resilience, metrics);
    const dxp = createDxpClient({
      baseUrl: dxpAt.baseUrl,
      credentials: dxpAt.credentials,
      timeoutMs: config.dxp.timeoutMs,
      businessUnits: config.dxp.businessUnits,
      http: createUpstreamHttp('DXP', metrics, pool),
      resilience: dxpResilience,
      metrics,
    });
    opened.push(() => dxp.close());
    const px = createPxClient({
      baseUrl: pxAt.baseUrl,
      tokenUrl: pxAt.tokenUrl,
      credentials: pxAt.credentials,
      timeoutMs: config.px.timeoutMs,
      http: createUpstreamHttp('PX', metrics, pool),
      resilience: pxResilience,
      metrics,
    });
    opened.push(() => px.close());

    const ordering = createOrderFlow(
      { px, journal: stores.journal, logger },
      { pxTimeoutMs: config.px.timeoutMs },
    );
    const domains: Domains = {
      dxp,
      lineCache: stores.lineCache,
      journal: stores.journal,
      ordering,
    };

    const server = await createServer({
      config,
      logger,
      metrics,
      domains,
      readinessChecks,
      upstreamProbes: [
        { name: 'dxp', url: dxpAt.baseUrl, circuit: () => dxpResilience.circuit() },
        { name: 'px', url: pxAt.baseUrl, circuit: () => pxResilience.circuit() },
      ],
    });
    opened.push(() => server.close());
    const port = await server.listen(config.host, config.port);

    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      server,
      logger,
      metrics,
      journal: stores.journal,
      close: closeOpened,
    };
  } catch (error) {
    await closeOpened().catch(() => undefined);
    throw error;
  }
}

interface DxpLocation {
  baseUrl: string;
  credentials: UpstreamCredentials;
}

interface PxLocation extends DxpLocation {
  tokenUrl: string;
}

/**
 * Where dxp-ux and Px are: as configured, or an embedded sandbox for each one
 * left without a URL (development). The sandboxes are a product of their own,
 * loaded only here and only then.
 */
async function locateUpstreams(
  config: Config,
  logger: Logger,
  opened: (() => Promise<void>)[],
): Promise<{ dxp: DxpLocation; px: PxLocation }> {
  const dxp: DxpLocation | undefined =
    config.dxp.baseUrl !== null && config.dxp.credentials !== null
      ? { baseUrl: config.dxp.baseUrl, credentials: config.dxp.credentials }
      : undefined;
  const px: PxLocation | undefined =
    config.px.baseUrl !== null && config.px.tokenUrl !== null && config.px.credentials !== null
      ? {
          baseUrl: config.px.baseUrl,
          tokenUrl: config.px.tokenUrl,
          credentials: config.px.credentials,
        }
      : undefined;
  if (dxp && px) return { dxp, px };

  const { startEmbeddedSandboxes } = await import('../sandbox/embedded.js').catch(
    (error: unknown) => {
      // An install without dev dependencies (npm ci --omit=dev) has no Fastify to serve them.
      throw new Error(
        'the embedded sandboxes could not be loaded (they need the development dependencies); ' +
          'set DXP_BASE_URL and PX_BASE_URL to use real upstreams',
        { cause: error },
      );
    },
  );
  const sandboxes = await startEmbeddedSandboxes({ dxp: dxp === undefined, px: px === undefined });
  opened.push(() => sandboxes.close());
  if (sandboxes.dxp) {
    logger.info(
      { url: sandboxes.dxp.baseUrl },
      'DXP_BASE_URL not set: started the embedded dxp-ux sandbox',
    );
  }
  if (sandboxes.px) {
    logger.info(
      { url: sandboxes.px.baseUrl },
      'PX_BASE_URL not set: started the embedded Px sandbox',
    );
  }
  if (config.isProduction) {
    logger.warn('SANDBOX=true: production is answering from the embedded sandboxes (made-up data)');
  }
  const located = { dxp: dxp ?? sandboxes.dxp, px: px ?? sandboxes.px };
  if (!located.dxp || !located.px) throw new Error('an embedded sandbox did not start');
  return { dxp: located.dxp, px: located.px };
}
