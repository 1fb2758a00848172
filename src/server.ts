import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { createRequestContext, type RequestContext } from './context.js';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';
import { readiness, upstreamsHealth, type ReadinessCheck, type UpstreamProbe } from './health.js';
import { compiledExecution } from './graphql/compiled-executor.js';
import { createCors } from './http/cors.js';
import { serveGraphQL } from './http/graphql-endpoint.js';
import { HttpError } from './http/http-error.js';
import { closeAfterAnswer } from './http/lingering-close.js';
import { sendJson, sendRefusal } from './http/respond.js';
import { ROUTER_SECRET_HEADER, createRouterSecretCheck } from './http/router-secret.js';
import type { Logger } from './logger.js';
import { operationSpanPlugin } from './observability/operation-span-plugin.js';
import { startServerSpan, tracingEnabled } from './observability/tracing.js';
import {
  correlationErrorsPlugin,
  formatError,
  maskedInternalMessage,
} from './plugins/error-masking.js';
import { cachePolicyPlugin } from './plugins/cache-policy.js';
import { landingPagePlugin } from './plugins/landing-page.js';
import { fanOutLimitsPlugin } from './plugins/fan-out-limits.js';
import { inlineTracePlugin } from './plugins/inline-trace.js';
import { hideTokenLimit, queryLimits } from './plugins/limits.js';
import { partnerBindingPlugin } from './plugins/partner-binding.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { buildSchema } from './schema.js';
import type { Services } from './services.js';

/** 100 kB: far above any real operation, far below what a flood needs. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * How long an idle keep-alive connection stays open. A client must close an
 * idle pooled connection before the server does, or it may send a request
 * down one the server is closing and see a reset. So this is longer than the
 * idle pools of what sits in front: Apollo Router (15 s; 5 s before 2.14),
 * Hive Gateway and undici (4 s, and they also honour the `Keep-Alive:
 * timeout=95` this sends), hyper's own default (90 s), and the 60 s of common
 * load balancers. An idle socket costs a few kB; a reset costs a request.
 */
const KEEP_ALIVE_TIMEOUT_MS = 95_000;
/**
 * Node checks the header and request timeouts on this period (30 s by
 * default), so a request could outlive its limit by up to that much.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface ServerOptions {
  services: Services;
  readinessChecks: ReadinessCheck[];
  upstreamProbes: UpstreamProbe[];
}

export interface SubgraphServer {
  /** Listens and answers the port (useful when asked for port 0). */
  listen(host: string, port: number): Promise<number>;
  /**
   * Stops taking requests, lets in-flight ones finish (their answers close
   * their connections, new requests on open connections get 503), then stops
   * Apollo Server.
   */
  close(): Promise<void>;
}

/**
 * The HTTP server: Apollo Server on /graphql through a thin `node:http`
 * integration (never startStandaloneServer: 50 MB bodies and `*` CORS), plus
 * /health, /health/ready, /health/upstreams and /metrics. Every request gets a correlation id
 * (echoed, logged, handed to the upstreams) and one log line when it ends.
 */
export async function createServer({
  services,
  readinessChecks,
  upstreamProbes,
}: ServerOptions): Promise<SubgraphServer> {
  const { config, logger, metrics } = services;
  const limits = queryLimits(config.limits);
  const schema = buildSchema();
  const apollo = new ApolloServer<RequestContext>({
    ...(config.executor === 'jit'
      ? { gateway: compiledExecution(schema, { compileAfter: config.jitCompileAfter }) }
      : { schema }),
    logger,
    introspection: !config.isProduction,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    includeStacktraceInErrorResponses: false,
    // Shutdown is src/main.ts's: it closes this server, which then stops Apollo.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    formatError: (formatted) => hideTokenLimit(formatError(formatted)),
    plugins: [
      landingPagePlugin(config.isProduction),
      // Per-field cache hints cost every resolver; cachePolicyPlugin decides per document.
      ApolloServerPluginCacheControlDisabled(),
      inlineTracePlugin(),
      cachePolicyPlugin({ ttlSeconds: config.addonsCacheTtlSeconds }),
      metricsPlugin(metrics),
      correlationErrorsPlugin(),
      fanOutLimitsPlugin({ maxRepresentations: config.limits.maxRepresentations }),
      ...(config.partnerHeader === null ? [] : [partnerBindingPlugin(config.partnerHeader)]),
      ...(tracingEnabled() ? [operationSpanPlugin()] : []),
    ],
  });
  await apollo.start();

  const isRouter =
    config.routerSecret === null ? undefined : createRouterSecretCheck(config.routerSecret);
  const applyCors = createCors(config.corsOrigins);

  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    target: { path: string; search: string },
    requestContext: { correlationId: string; logger: Logger },
  ): Promise<void> {
    switch (target.path) {
      case '/graphql':
        // Checked before the body is read or parsed.
        if (isRouter && !isRouter(request.headers[ROUTER_SECRET_HEADER])) {
          requestContext.logger.warn(
            { path: target.path },
            'refused a request without the router secret',
          );
          throw new HttpError(401, 'Unauthorized');
        }
        return serveGraphQL(apollo, request, response, target.search, {
          bodyLimitBytes: BODY_LIMIT_BYTES,
          context: async () => createRequestContext(services, requestContext),
        });
      case '/health':
        onlyReads(request);
        sendJson(response, 200, { status: 'ok' });
        return;
      case '/health/ready': {
        onlyReads(request);
        const result = await readiness(readinessChecks);
        sendJson(response, result.ready ? 200 : 503, {
          status: result.ready ? 'ready' : 'not ready',
          ...result,
        });
        return;
      }
      case '/health/upstreams': {
        onlyReads(request);
        const result = await upstreamsHealth(upstreamProbes);
        sendJson(response, result.healthy ? 200 : 503, {
          status: result.healthy ? 'healthy' : 'degraded',
          ...result,
        });
        return;
      }
      case '/metrics': {
        onlyReads(request);
        const body = await metrics.registry.metrics();
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(body);
        return;
      }
      default:
        throw new HttpError(404, `Route ${request.method ?? 'GET'}:${target.path} not found`);
    }
  }

  const inFlight = new Set<ServerResponse>();
  let closing = false;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    const target = splitTarget(request.url ?? '/');
    const span =
      target.path === '/graphql'
        ? startServerSpan(request.headers, request.method ?? 'GET', target.path)
        : undefined;
    const requestLogger = logger.child(
      span === undefined ? { correlationId } : { correlationId, traceId: span.traceId },
    );
    response.setHeader(CORRELATION_HEADER, correlationId);
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      span?.end(response.statusCode);
      if (closing) httpServer.closeIdleConnections();
      requestLogger.info(
        {
          method: request.method,
          path: target.path,
          status: response.statusCode,
          ms: Math.round(performance.now() - startedAt),
          ...(response.writableFinished ? {} : { aborted: true }),
        },
        'request completed',
      );
    });

    try {
      if (closing) {
        throw new HttpError(503, 'The server is shutting down.', { connection: 'close' });
      }
      if (applyCors && !applyCors(request, response)) return;
      const routed = () =>
        route(request, response, target, { correlationId, logger: requestLogger });
      await (span === undefined ? routed() : span.run(routed));
    } catch (error) {
      if (!(error instanceof HttpError)) {
        requestLogger.error({ err: error }, 'unexpected error while serving a request');
      }
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      closeAfterAnswer(request, response);
      const refusal =
        error instanceof HttpError
          ? error
          : new HttpError(500, maskedInternalMessage(correlationId));
      sendRefusal(response, refusal.status, refusal.message, refusal.code, refusal.headers);
    }
  }

  const httpServer = createHttpServer(
    {
      // Headers and body must arrive within HTTP_REQUEST_TIMEOUT_MS: a router
      // sends a request at once, so only a slow or hostile client is cut
      // off (408), instead of holding a connection for Node's default 300 s.
      // Once the request has arrived, answering it is the deadline's business.
      headersTimeout: config.httpRequestTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    (request, response) => {
      void serve(request, response);
    },
  );

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    async close() {
      closing = true;
      // Answers not yet written tell their clients not to reuse the connection.
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader('connection', 'close');
      }
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

/** `/graphql?query=…` → path and search (with its `?`), without a URL parse. */
function splitTarget(url: string): { path: string; search: string } {
  const queryAt = url.indexOf('?');
  return queryAt === -1
    ? { path: url, search: '' }
    : { path: url.slice(0, queryAt), search: url.slice(queryAt) };
}

/** The operational endpoints answer GET and HEAD only. */
function onlyReads(request: IncomingMessage): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'Method not allowed.', { allow: 'GET, HEAD' });
  }
}
