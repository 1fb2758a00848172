import { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { UpstreamName } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { startClientSpan } from '../observability/tracing.js';

/** 1 MiB: dozens of times the largest real answer (a line with all its add-ons). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The one place that sends HTTP to an upstream: keep-alive pooling, the
 * per-attempt timeout, the body size limit, and the metrics every call
 * records. It knows nothing of either upstream's shapes; the clients decide
 * what a status means.
 */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; clients parse and validate it. */
  body: string;
}

/**
 * A call that got no usable HTTP answer: the attempt timed out or the network
 * failed; `aborted` when a client did not send it, the request having no
 * time left; `too-large` when the body passed the size limit and the call
 * was cut off.
 */
export class UpstreamNetworkError extends Error {
  override readonly name = 'UpstreamNetworkError';
  constructor(
    readonly kind: 'timeout' | 'connection' | 'aborted' | 'too-large',
    readonly upstream: UpstreamName,
    readonly route: string,
  ) {
    super(`${upstream} ${route}: ${kind}`);
  }
}

export interface UpstreamCall {
  method: 'GET' | 'POST';
  /** Absolute URL. */
  url: string;
  /** Route label for metrics, e.g. `productOrder` or `pxCompleteOrder`. */
  route: string;
  headers: Record<string, string>;
  body?: string;
  /** How long the whole attempt may take: connection, headers and body. */
  timeoutMs: number;
}

export interface UpstreamHttp {
  send(call: UpstreamCall): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamHttpOptions {
  connections?: number;
  /**
   * The largest body read, in bytes. Past it undici destroys the connection
   * while counting what arrives, so memory stays bounded whatever the
   * upstream sends; a Content-Length above it is refused before reading.
   */
  maxBodyBytes?: number;
}

export function createUpstreamHttp(
  upstream: UpstreamName,
  metrics: Metrics,
  options: UpstreamHttpOptions = {},
): UpstreamHttp {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    maxResponseSize: maxBodyBytes,
  });

  return {
    async send(call) {
      const stopTimer = metrics.upstreamDuration.startTimer({ upstream, route: call.route });
      const attempt = abortAfter(call.timeoutMs);
      const url = new URL(call.url);
      const span = startClientSpan(upstream, call.route, call.method, url.host);
      try {
        const response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: call.method,
          headers: span === undefined ? call.headers : { ...call.headers, ...span.headers },
          body: call.body ?? null,
          signal: attempt.abort,
        });
        if (declaredLength(response.headers) > maxBodyBytes) {
          response.body.destroy();
          throw new undiciErrors.ResponseExceededMaxSizeError();
        }
        const body = await response.body.text();
        metrics.upstreamRequests.inc({
          upstream,
          route: call.route,
          status: String(response.statusCode),
        });
        if (response.statusCode >= 400) {
          metrics.upstreamErrors.inc({ upstream, route: call.route, kind: 'status' });
        }
        span?.end(response.statusCode);
        return { status: response.statusCode, headers: response.headers, body };
      } catch (error) {
        const kind = networkErrorKind(error, attempt.timedOut());
        metrics.upstreamRequests.inc({ upstream, route: call.route, status: kind });
        metrics.upstreamErrors.inc({ upstream, route: call.route, kind });
        span?.end(kind);
        throw new UpstreamNetworkError(kind, upstream, call.route);
      } finally {
        attempt.done();
        stopTimer();
      }
    },
    close: () => dispatcher.close(),
  };
}

/**
 * Aborts an attempt after `ms`. undici takes an EventEmitter as the abort
 * signal of a request: the whole attempt (connect, headers, body) stays
 * bounded at a fraction of the cost of an AbortController, whose listeners
 * every call would add and remove.
 */
function abortAfter(ms: number) {
  const abort = new EventEmitter();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.emit('abort');
  }, ms);
  return {
    abort,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
    },
  };
}

function declaredLength(headers: UpstreamResponse['headers']): number {
  const value = headers['content-length'];
  return typeof value === 'string' ? Number(value) : 0;
}

function networkErrorKind(error: unknown, timedOut: boolean): UpstreamNetworkError['kind'] {
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) return 'too-large';
  if (timedOut) return 'timeout';
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return 'timeout';
  }
  return 'connection';
}
