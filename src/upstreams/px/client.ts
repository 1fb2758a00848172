import type { UpstreamCredentials } from '../credentials.js';
import { isTypedError, upstreamUnavailable } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { CallContext } from '../call-context.js';
import { UpstreamNetworkError, type UpstreamHttp, type UpstreamResponse } from '../http.js';
import { retryableWithin, type UpstreamResilience } from '../resilience.js';
import { parseRetryAfter } from '../retry-after.js';
import { mapPxError } from './errors.js';
import {
  completeOrderBody,
  rccAcceptanceBody,
  readAcceptance,
  readCompletedOrder,
  readRcc,
  readSendResult,
  retrieveRccBody,
  sendRccBody,
  type PxRequestBody,
} from './mapping.js';
import { createTokenManager } from './token-manager.js';
import type { PxClient, PxOrderKey } from './types.js';

export interface PxClientOptions {
  /** The client appends `/pxRetrieveRCC` and the other three paths. */
  baseUrl: string;
  tokenUrl: string;
  credentials: UpstreamCredentials;
  /** Per-attempt timeout; an attempt never runs past the request's deadline either. */
  timeoutMs: number;
  http: UpstreamHttp;
  resilience: UpstreamResilience;
  metrics: Metrics;
}

/** Paths as the seed names them; also the route labels of metrics and logs. */
const ROUTES = {
  retrieveRcc: 'pxRetrieveRCC',
  sendRcc: 'pxSendRCC',
  getRccAcceptance: 'pxGetRCCAcceptance',
  completeOrder: 'pxCompleteOrder',
} as const;
type PxRoute = (typeof ROUTES)[keyof typeof ROUTES];

/**
 * `read` goes through the resilience read policy (retried); `write` is sent
 * once. Only getRccAcceptance is a read: retrieveRcc changes nothing the
 * caller can see, but Px records the prepare time on the first one, so it is
 * not sent twice on a guess either.
 */
type CallMode = 'read' | 'write';

interface Exchange<T> {
  mode: CallMode;
  route: PxRoute;
  body: PxRequestBody;
  key: PxOrderKey;
  read: (text: string) => T;
}

export function createPxClient(options: PxClientOptions): PxClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const tokens = createTokenManager({
    tokenUrl: options.tokenUrl,
    credentials: options.credentials,
    http: options.http,
    timeoutMs: options.timeoutMs,
    metrics: options.metrics,
  });

  /**
   * One attempt as the resilience policy sees it. A 401 without a code means
   * Px refused the token at its door, before doing anything: the same request
   * goes once more with a new token, for writes too. That is not a retry of
   * the operation, which never ran.
   */
  async function attempt<T>(exchange: Exchange<T>, call: CallContext): Promise<T> {
    const json = JSON.stringify(exchange.body);
    let refreshed = false;
    for (;;) {
      const token = await tokens.getToken(call);
      const response = await post(exchange, json, token, call);
      if (response.status >= 200 && response.status < 300) return decode(exchange, response.body);

      const outcome = mapPxError(
        response.status,
        response.body,
        exchange.key,
        parseRetryAfter(response.headers['retry-after'], Date.now()),
      );
      switch (outcome.kind) {
        case 'typed':
          throw outcome.error;
        case 'refresh-token':
          if (refreshed) {
            throw upstreamUnavailable('PX', {
              upstreamCode: String(response.status),
              transactionId: exchange.key.transactionId || null,
            });
          }
          tokens.invalidate(token);
          refreshed = true;
          continue;
        case 'unavailable':
          if (exchange.mode === 'read' && outcome.retryable) {
            throw retryableWithin(outcome.error, outcome.retryAfterMs, call.deadline);
          }
          throw outcome.error;
      }
    }
  }

  async function post<T>(
    exchange: Exchange<T>,
    json: string,
    token: string,
    call: CallContext,
  ): Promise<UpstreamResponse> {
    const transactionId = exchange.key.transactionId || null;
    const startedAt = Date.now();
    const timeoutMs = Math.min(options.timeoutMs, call.deadline - startedAt);
    // An attempt (a retry, or a call that waited for a slot) with no time left is not sent.
    if (timeoutMs <= 0) throw upstreamUnavailable('PX', { transactionId });
    try {
      const response = await options.http.send({
        method: 'POST',
        url: `${baseUrl}/${exchange.route}`,
        route: exchange.route,
        headers: {
          authorization: `Bearer ${token}`,
          'X-Correlation-ID': call.correlationId,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: json,
        timeoutMs,
      });
      logAttempt(call, exchange.route, startedAt, response.status);
      return response;
    } catch (error) {
      if (!(error instanceof UpstreamNetworkError)) throw error;
      logAttempt(call, exchange.route, startedAt, error.kind);
      const typed = upstreamUnavailable('PX', { transactionId });
      // A timeout on a write leaves its outcome unknown: answered as is, never
      // sent again here; the order journal above decides what the next call does.
      // An oversized answer would most likely come back oversized.
      if (exchange.mode === 'read' && error.kind !== 'too-large') {
        throw retryableWithin(typed, null, call.deadline);
      }
      throw typed;
    }
  }

  /** A 2xx whose body is not the documented shape is Px failing; counted as such. */
  function decode<T>(exchange: Exchange<T>, text: string): T {
    try {
      return exchange.read(text);
    } catch (error) {
      if (isTypedError(error)) {
        options.metrics.upstreamErrors.inc({
          upstream: 'PX',
          route: exchange.route,
          kind: 'shape',
        });
      }
      throw error;
    }
  }

  function run<T>(exchange: Exchange<T>, call: CallContext): Promise<T> {
    const work = (): Promise<T> => attempt(exchange, call);
    return exchange.mode === 'read'
      ? options.resilience.read(work)
      : options.resilience.write(work);
  }

  return {
    retrieveRcc: (request, call) =>
      run(
        {
          mode: 'write',
          route: ROUTES.retrieveRcc,
          body: retrieveRccBody(request),
          key: request,
          read: readRcc,
        },
        call,
      ),
    sendRcc: (request, call) =>
      run(
        {
          mode: 'write',
          route: ROUTES.sendRcc,
          body: sendRccBody(request),
          key: request,
          read: readSendResult,
        },
        call,
      ),
    getRccAcceptance: (key, call) =>
      run(
        {
          mode: 'read',
          route: ROUTES.getRccAcceptance,
          body: rccAcceptanceBody(key),
          key,
          read: readAcceptance,
        },
        call,
      ),
    completeOrder: (request, call) =>
      run(
        {
          mode: 'write',
          route: ROUTES.completeOrder,
          body: completeOrderBody(request),
          key: request,
          read: readCompletedOrder,
        },
        call,
      ),
    async close() {
      await options.http.close();
    },
  };
}

function logAttempt(
  call: CallContext,
  route: PxRoute,
  startedAt: number,
  outcome: number | UpstreamNetworkError['kind'],
): void {
  call.logger.debug(
    {
      upstream: 'PX',
      route,
      outcome,
      durationMs: Date.now() - startedAt,
      correlationId: call.correlationId,
    },
    `px ${route}`,
  );
}
