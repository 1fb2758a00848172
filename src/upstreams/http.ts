import { EventEmitter } from 'node:events';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { UpstreamName } from '../errors.js';
import type { Metrics } from '../metrics.js';

/**
 * The one place that sends HTTP to an upstream: keep-alive pooling, the
 * per-attempt timeout, and the metrics every call records. It knows nothing
 * of either upstream's shapes; the clients decide what a status means.
 */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; clients parse and validate it. */
  body: string;
}

/**
 * A call that got no HTTP answer: the attempt timed out or the network
 * failed; `aborted` when a client did not send it, the request having no
 * time left.
 */
export class UpstreamNetworkError extends Error {
  override readonly name = 'UpstreamNetworkError';
  constructor(
    readonly kind: 'timeout' | 'connection' | 'aborted',
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

export function createUpstreamHttp(
  upstream: UpstreamName,
  metrics: Metrics,
  options: { connections?: number } = {},
): UpstreamHttp {
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  });

  return {
    async send(call) {
      const stopTimer = metrics.upstreamDuration.startTimer({ upstream, route: call.route });
      const attempt = abortAfter(call.timeoutMs);
      const url = new URL(call.url);
      try {
        const response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: call.method,
          headers: call.headers,
          body: call.body ?? null,
          signal: attempt.abort,
        });
        const body = await response.body.text();
        metrics.upstreamRequests.inc({
          upstream,
          route: call.route,
          status: String(response.statusCode),
        });
        if (response.statusCode >= 400) {
          metrics.upstreamErrors.inc({ upstream, route: call.route, kind: 'status' });
        }
        return { status: response.statusCode, headers: response.headers, body };
      } catch (error) {
        const kind = networkErrorKind(error, attempt.timedOut());
        metrics.upstreamRequests.inc({ upstream, route: call.route, status: kind });
        metrics.upstreamErrors.inc({ upstream, route: call.route, kind });
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

function networkErrorKind(error: unknown, timedOut: boolean): UpstreamNetworkError['kind'] {
  if (timedOut) return 'timeout';
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return 'timeout';
  }
  return 'connection';
}
