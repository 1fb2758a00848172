import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyCors from '@fastify/cors';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { createRequestContext, type RequestContext } from './context.js';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';
import { readiness, type ReadinessCheck } from './health.js';
import { ROUTER_SECRET_HEADER, createRouterSecretCheck } from './http/router-secret.js';
import { correlationErrorsPlugin, formatError } from './plugins/error-masking.js';
import { landingPagePlugin } from './plugins/landing-page.js';
import { hideTokenLimit, queryLimits } from './plugins/limits.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { buildSchema } from './schema.js';
import type { Services } from './services.js';

/** 100 kB: far above any real operation, far below what a flood needs. */
export const BODY_LIMIT_BYTES = 100 * 1024;

export interface ServerOptions {
  services: Services;
  readinessChecks: ReadinessCheck[];
}

/**
 * The HTTP server: Fastify with Apollo Server on /graphql (never
 * startStandaloneServer: 50 MB bodies and `*` CORS), /health, /health/ready
 * and /metrics.
 */
export async function createServer({
  services,
  readinessChecks,
}: ServerOptions): Promise<FastifyInstance> {
  const { config, logger, metrics } = services;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (request) => correlationIdFrom(request.headers[CORRELATION_HEADER]),
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({
      requestIdLogLabel: 'correlationId',
      disableRequestLogging: true,
    }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header(CORRELATION_HEADER, request.id);
  });
  // A keep-alive connection whose request finishes during shutdown would hold
  // close() open until its idle timeout; its answer closes it instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, { origin: config.corsOrigins, credentials: false });
  }

  const limits = queryLimits(config.limits);
  const apollo = new ApolloServer<RequestContext>({
    schema: buildSchema(),
    logger,
    introspection: !config.isProduction,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    includeStacktraceInErrorResponses: false,
    // Shutdown is src/main.ts's: it closes Fastify, whose onClose stops Apollo.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    formatError: (formatted) => hideTokenLimit(formatError(formatted)),
    plugins: [
      landingPagePlugin(config.isProduction),
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin(metrics),
      correlationErrorsPlugin(),
    ],
  });
  await apollo.start();
  app.addHook('onClose', () => apollo.stop());

  await app.register(async (graphql) => {
    if (config.routerSecret !== null) {
      const isRouter = createRouterSecretCheck(config.routerSecret);
      // onRequest runs before the body is read or parsed.
      graphql.addHook('onRequest', async (request, reply) => {
        if (isRouter(request.headers[ROUTER_SECRET_HEADER])) return;
        request.log.warn(
          { path: request.url.split('?')[0] },
          'refused a request without the router secret',
        );
        await reply
          .code(401)
          .send({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
      });
    }
    await graphql.register(fastifyApollo(apollo), {
      path: '/graphql',
      context: async (request) =>
        createRequestContext(services, { correlationId: request.id, logger: request.log }),
    });
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const result = await readiness(readinessChecks);
    return reply
      .code(result.ready ? 200 : 503)
      .send({ status: result.ready ? 'ready' : 'not ready', ...result });
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });

  return app;
}
