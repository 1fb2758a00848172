import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { createRequestContext, type RequestContext } from '../../resolvers/context.js';
import type { Domains } from '../loaders/domains.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { serveGraphQL } from './graphql-endpoint.js';
import { readiness, upstreamsHealth, type ReadinessCheck, type UpstreamProbe } from './health.js';
import { HttpError } from './http-error.js';
import { sendJson } from './respond.js';
import { ROUTER_SECRET_HEADER, createRouterSecretCheck } from './router-secret.js';

/** 100 kB: far above any real operation, far below what a flood needs. */
export const BODY_LIMIT_BYTES = 100 * 1024;

export interface RouteDependencies {
  apollo: ApolloServer<RequestContext>;
  settings: { routerSecret: string | null; requestDeadlineMs: number };
  /** What each GraphQL request's context reads and writes through. */
  domains: Domains;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  upstreamProbes: UpstreamProbe[];
}

export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  target: { path: string; search: string },
  requestContext: { correlationId: string; logger: Logger },
) => Promise<void>;

/**
 * What each path answers: /graphql (behind the router secret, when set),
 * /health, /health/ready, /health/upstreams and /metrics. A refusal is thrown
 * as an HttpError for the server to answer.
 */
export function createRoutes({
  apollo,
  settings,
  domains,
  metrics,
  readinessChecks,
  upstreamProbes,
}: RouteDependencies): Route {
  const isRouter =
    settings.routerSecret === null ? undefined : createRouterSecretCheck(settings.routerSecret);

  return async function route(request, response, target, requestContext) {
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
          context: async () =>
            createRequestContext(domains, {
              ...requestContext,
              deadline: Date.now() + settings.requestDeadlineMs,
            }),
        });
      case '/health':
        onlyReads(request);
        sendJson(response, 200, { status: 'ok' });
        return;
      case '/health/ready': {
        onlyReads(request);
        const result = await readiness(readinessChecks);
        sendCheck(response, result.ready, result.ready ? 'ready' : 'not ready', result);
        return;
      }
      case '/health/upstreams': {
        onlyReads(request);
        const result = await upstreamsHealth(upstreamProbes);
        sendCheck(response, result.healthy, result.healthy ? 'healthy' : 'degraded', result);
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
  };
}

/** A check's answer: 503 when it failed, so a probe or a load balancer needs no body parsing. */
function sendCheck(
  response: ServerResponse,
  passed: boolean,
  status: string,
  result: object,
): void {
  sendJson(response, passed ? 200 : 503, { status, ...result });
}

/** The operational endpoints answer GET and HEAD only. */
function onlyReads(request: IncomingMessage): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'Method not allowed.', { allow: 'GET, HEAD' });
  }
}
