import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORRELATION_HEADER, correlationIdFrom } from '../observability/correlation.js';
import { createCors } from './cors.js';
import { HttpError } from './http-error.js';
import { closeAfterAnswer } from './lingering-close.js';
import { sendRefusal } from './respond.js';
import type { Logger } from '../observability/logger.js';
import { startServerSpan } from '../observability/tracing.js';
import { startApolloServer, type ApolloSettings } from '../graphql/apollo-server.js';
import { createRoutes, type RouteDependencies } from './routes.js';
import { maskedInternalMessage } from '../graphql/plugins/error-masking.js';

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

/** What the server takes from the configuration (src/process/config.ts documents each). */
export interface ServerSettings extends ApolloSettings {
  routerSecret: string | null;
  corsOrigins: string[];
  httpRequestTimeoutMs: number;
  requestDeadlineMs: number;
}

/** The settings, a logger, and what the routes answer from (metrics, health checks, the domains). */
export interface ServerOptions extends Omit<RouteDependencies, 'apollo' | 'settings'> {
  config: ServerSettings;
  logger: Logger;
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
 * The HTTP server: Apollo Server (src/graphql/apollo-server.ts) on /graphql through a thin `node:http`
 * integration (never startStandaloneServer: 50 MB bodies and `*` CORS), plus
 * /health, /health/ready, /health/upstreams and /metrics. Every request gets a correlation id
 * (echoed, logged, handed to the upstreams) and one log line when it ends.
 */
export async function createServer({
  config,
  logger,
  ...answeredFrom
}: ServerOptions): Promise<SubgraphServer> {
  const apollo = await startApolloServer(config, { logger, metrics: answeredFrom.metrics });

  const applyCors = createCors(config.corsOrigins);
  const route = createRoutes({ apollo, settings: config, ...answeredFrom });

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
