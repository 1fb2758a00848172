import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { RequestContext } from '../../resolvers/context.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { operationSpanPlugin } from '../observability/operation-span-plugin.js';
import { tracingEnabled } from '../observability/tracing.js';
import { compiledExecution } from './compiled-executor.js';
import { cachePolicyPlugin } from './plugins/cache-policy.js';
import { correlationErrorsPlugin, formatError } from './plugins/error-masking.js';
import { fanOutLimitsPlugin } from './plugins/fan-out-limits.js';
import { inlineTracePlugin } from './plugins/inline-trace.js';
import { landingPagePlugin } from './plugins/landing-page.js';
import { hideTokenLimit, queryLimits, type QueryLimits } from './plugins/limits.js';
import { metricsPlugin } from './plugins/metrics-plugin.js';
import { partnerBindingPlugin } from './plugins/partner-binding.js';
import { buildSchema } from './schema.js';

/** What Apollo Server takes from the configuration (src/process/config.ts documents each). */
export interface ApolloSettings {
  isProduction: boolean;
  limits: QueryLimits & { maxRepresentations: number };
  addonsCacheTtlSeconds: number;
  partnerHeader: string | null;
  executor: 'jit' | 'graphql-js';
  jitCompileAfter: number;
}

/**
 * Apollo Server for this subgraph, started: the schema and its executor, what
 * a client may ask (limits, CSRF, no batches), and the plugins that judge an
 * operation before its resolvers run or its answer after. HTTP is the caller's
 * (src/http/server.ts).
 */
export async function startApolloServer(
  config: ApolloSettings,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): Promise<ApolloServer<RequestContext>> {
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
    // Shutdown is src/process/main.ts's: it closes the HTTP server, which then stops Apollo.
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
  return apollo;
}
