import type { IncomingHttpHeaders } from 'node:http';
import type * as OtelApi from '@opentelemetry/api';

/**
 * OpenTelemetry traces, off unless OTEL_* configures them (src/config.ts).
 * Nothing here imports the SDK or the API statically: while tracing is off
 * neither is loaded, and each hot-path hook below costs one `undefined`
 * check. When on, the SDK's AsyncLocalStorage context manager carries the
 * operation's span through Apollo Server to the upstream and Redis calls.
 */
export interface TracingSettings {
  /** The OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces. */
  tracesUrl: string;
  serviceName: string;
}

interface Running {
  api: typeof OtelApi;
  tracer: OtelApi.Tracer;
}

/** The process's tracer provider is global (OpenTelemetry's API is): one running at a time. */
let running: Running | undefined;

export function tracingEnabled(): boolean {
  return running !== undefined;
}

/**
 * Loads the SDK, registers it with the W3C `traceparent` propagator, and
 * answers the function that flushes what is still buffered and unregisters it.
 */
export async function startTracing(settings: TracingSettings): Promise<() => Promise<void>> {
  if (running !== undefined) throw new Error('tracing is already running in this process');
  const [api, sdk, { OTLPTraceExporter }, { W3CTraceContextPropagator }, { Resource }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new sdk.NodeTracerProvider({
    resource: new Resource({ 'service.name': settings.serviceName }),
    spanProcessors: [
      new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl })),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  running = { api, tracer: provider.getTracer('ordering-subgraph') };
  return async () => {
    running = undefined;
    try {
      await provider.shutdown();
    } finally {
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    }
  };
}

export interface ServerSpan {
  traceId: string;
  /** Runs `work` with this span active, so what it calls becomes its children. */
  run<T>(work: () => T): T;
  end(statusCode: number): void;
}

/** The span of one request to /graphql, continuing the caller's `traceparent` when it sent one. */
export function startServerSpan(
  headers: IncomingHttpHeaders,
  method: string,
  path: string,
): ServerSpan | undefined {
  if (running === undefined) return undefined;
  const { api, tracer } = running;
  const parent = api.propagation.extract(api.ROOT_CONTEXT, headers);
  const span = tracer.startSpan(
    `${method} ${path}`,
    {
      kind: api.SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.path': path },
    },
    parent,
  );
  const active = api.trace.setSpan(parent, span);
  return {
    traceId: span.spanContext().traceId,
    run: (work) => api.context.with(active, work),
    end(statusCode) {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** Names the active server span after the GraphQL operation it runs, e.g. `query Line`. */
export function nameOperationSpan(type: string, name: string | null | undefined): void {
  const span = running?.api.trace.getActiveSpan();
  if (span === undefined) return;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

export function markOperationFailed(errorCount: number): void {
  const span = running?.api.trace.getActiveSpan();
  if (span === undefined || running === undefined) return;
  span.setAttribute('graphql.error.count', errorCount);
  span.setStatus({ code: running.api.SpanStatusCode.ERROR });
}

export interface ClientSpan {
  /** `traceparent` (and `tracestate`) naming this span, to send with the call. */
  headers: Record<string, string>;
  /** A status code, or the kind of failure when no answer came. */
  end(outcome: number | string): void;
}

/**
 * The span of one upstream HTTP attempt. Only the route and the host are
 * recorded, never the URL: paths and queries carry msisdns.
 */
export function startClientSpan(
  upstream: string,
  route: string,
  method: string,
  host: string,
): ClientSpan | undefined {
  if (running === undefined) return undefined;
  const { api, tracer } = running;
  const span = tracer.startSpan(`${method} ${upstream} ${route}`, {
    kind: api.SpanKind.CLIENT,
    attributes: { 'http.request.method': method, 'server.address': host, 'upstream.route': route },
  });
  const headers: Record<string, string> = {};
  api.propagation.inject(api.trace.setSpan(api.context.active(), span), headers);
  return {
    headers,
    end(outcome) {
      if (typeof outcome === 'number') {
        span.setAttribute('http.response.status_code', outcome);
        if (outcome >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      } else {
        span.setAttribute('error.type', outcome);
        span.setStatus({ code: api.SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

/** The span of one Redis command: its name only, never its keys or values (they carry msisdns and orders). */
export function startRedisSpan(command: string): ((failed: boolean) => void) | undefined {
  if (running === undefined) return undefined;
  const { api, tracer } = running;
  const span = tracer.startSpan(`redis ${command}`, {
    kind: api.SpanKind.CLIENT,
    attributes: { 'db.system.name': 'redis', 'db.operation.name': command },
  });
  return (failed) => {
    if (failed) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  };
}
