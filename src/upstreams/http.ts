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

/** A call that got no HTTP answer: the network failed or the attempt timed out. */
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
  timeoutMs: number;
  /** Aborts the attempt when the whole GraphQL request runs out of time. */
  signal?: AbortSignal;
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
      const attempt = abortAfter(call.timeoutMs, call.signal);
      const attemptSignal = attempt.signal;
      const url = new URL(call.url);
      try {
        const response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: call.method,
          headers: call.headers,
          body: call.body ?? null,
          signal: attemptSignal,
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
        const kind = networkErrorKind(error, attemptSignal, call.signal);
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
 * A signal that aborts after `ms` or when `request` aborts, whichever comes
 * first; `done` releases its timer and listener. One controller and one
 * timer per attempt: AbortSignal.timeout plus AbortSignal.any cost several
 * times that on every call, most of it garbage.
 */
function abortAfter(ms: number, request: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The upstream attempt timed out', 'TimeoutError'));
  }, ms);
  const onRequestAbort = () => {
    controller.abort(request?.reason);
  };
  if (request?.aborted) onRequestAbort();
  else request?.addEventListener('abort', onRequestAbort, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      request?.removeEventListener('abort', onRequestAbort);
    },
  };
}

function networkErrorKind(
  error: unknown,
  attemptSignal: AbortSignal,
  requestSignal: AbortSignal | undefined,
): UpstreamNetworkError['kind'] {
  if (requestSignal?.aborted) return 'aborted';
  if (attemptSignal.aborted) return 'timeout';
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return 'timeout';
  }
  return 'connection';
}
