import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one server instance. A registry per instance, not
 * prom-client's global one, so several servers in one process (tests, the
 * benchmark) keep their own counts.
 */
export interface Metrics {
  registry: Registry;
  graphqlRequests: Counter<'operation' | 'outcome'>;
  graphqlDuration: Histogram<'operation'>;
  upstreamRequests: Counter<'upstream' | 'route' | 'status'>;
  upstreamDuration: Histogram<'upstream' | 'route'>;
  upstreamErrors: Counter<'upstream' | 'route' | 'kind'>;
  cacheLookups: Counter<'cache' | 'result'>;
  breakerState: Gauge<'upstream'>;
  breakerRejections: Counter<'upstream'>;
  bulkheadRejections: Counter<'upstream'>;
  tokenGrants: Counter;
}

export function createMetrics(options: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome (ok, error).',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'upstream_requests_total',
      help: 'Upstream HTTP calls by upstream, route and status (or the network failure).',
      labelNames: ['upstream', 'route', 'status'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Upstream HTTP call latency by upstream and route.',
      labelNames: ['upstream', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'upstream_errors_total',
      help: 'Upstream failures by upstream, route and kind (timeout, connection, too-large, status, shape).',
      labelNames: ['upstream', 'route', 'kind'],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'cache_lookups_total',
      help: 'Cross-request cache lookups by cache and result (hit, miss).',
      labelNames: ['cache', 'result'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'circuit_breaker_open',
      help: 'Circuit breaker state per upstream: 0 closed, 0.5 half-open, 1 open.',
      labelNames: ['upstream'],
      registers,
    }),
    breakerRejections: new Counter({
      name: 'circuit_breaker_rejections_total',
      help: 'Calls refused at once because the upstream circuit was open.',
      labelNames: ['upstream'],
      registers,
    }),
    bulkheadRejections: new Counter({
      name: 'upstream_bulkhead_rejections_total',
      help: 'Calls refused at once because the upstream had its most calls in flight and in queue.',
      labelNames: ['upstream'],
      registers,
    }),
    tokenGrants: new Counter({
      name: 'px_token_grants_total',
      help: 'OAuth2 access tokens fetched from Px.',
      registers,
    }),
  };
}
