import { Compile } from 'typebox/compile';
import { upstreamUnavailable } from '../../errors.js';
import { maskMsisdn } from '../../observability/logger.js';
import type { UpstreamCredentials } from '../credentials.js';
import type { Metrics } from '../../observability/metrics.js';
import type { CallContext } from '../call-context.js';
import { UpstreamNetworkError, type UpstreamHttp, type UpstreamResponse } from '../http.js';
import type { UpstreamResilience } from '../resilience.js';
import { dxpNetworkError, dxpStatusError, unknownBusinessUnit } from './errors.js';
import { toMobileLineRecord } from './mapping.js';
import {
  DxpProductOrderResponseSchema,
  type DxpClient,
  type DxpProductOrderResponse,
  type LineKey,
  type MobileLineRecord,
} from './types.js';

/** The business units the seed documents for dxp-ux. */
export const DXP_DEFAULT_BUSINESS_UNITS: readonly string[] = ['PR', 'JM', 'TT', 'BB', 'PA'];

export interface DxpClientOptions {
  /** Origin of dxp-ux; the client appends `/dxp-ux/v1/...`. */
  baseUrl: string;
  credentials: UpstreamCredentials;
  /** Per-attempt timeout; an attempt never runs past the request's deadline either. */
  timeoutMs: number;
  /** The business units dxp-ux serves; a line of another is refused here, without a call. */
  businessUnits?: readonly string[];
  http: UpstreamHttp;
  resilience: UpstreamResilience;
  /** Counts 200 answers of the wrong shape, which the HTTP layer sees as successes. */
  metrics?: Metrics;
}

const ROUTE = 'productOrder';
const validResponse = Compile(DxpProductOrderResponseSchema);

export function createDxpClient(options: DxpClientOptions): DxpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  /**
   * One call to dxp-ux. It never outlives the request: its timeout is capped
   * at the time the request has left, and an attempt (a retry, or a call that
   * waited in the bulkhead) that starts with none left is not sent.
   */
  async function attempt(key: LineKey, call: CallContext): Promise<MobileLineRecord> {
    const now = Date.now();
    const failure = { msisdn: key.msisdn, now, deadline: call.deadline };
    const timeoutMs = Math.min(options.timeoutMs, call.deadline - now);
    if (timeoutMs <= 0) throw dxpNetworkError('aborted', failure);

    let response: UpstreamResponse;
    try {
      response = await options.http.send({
        method: 'GET',
        url: productOrderUrl(baseUrl, key),
        route: ROUTE,
        headers: {
          client_id: options.credentials.clientId,
          client_secret: options.credentials.clientSecret,
          'X-Correlation-ID': call.correlationId,
          accept: 'application/json',
        },
        timeoutMs,
      });
    } catch (error) {
      if (!(error instanceof UpstreamNetworkError)) throw error;
      logAttempt(call, key, now, error.kind);
      throw dxpNetworkError(error.kind, { ...failure, now: Date.now() });
    }

    logAttempt(call, key, now, response.status);
    if (response.status !== 200) {
      throw dxpStatusError(response.status, {
        ...failure,
        now: Date.now(),
        retryAfter: response.headers['retry-after'],
      });
    }
    const body = parseBody(response);
    if (!body) {
      options.metrics?.upstreamErrors.inc({ upstream: 'DXP', route: ROUTE, kind: 'shape' });
      throw upstreamUnavailable('DXP', { upstreamCode: String(response.status) });
    }
    return toMobileLineRecord(key, body);
  }

  const businessUnits = new Set(options.businessUnits ?? DXP_DEFAULT_BUSINESS_UNITS);

  return {
    // No abort signal: nothing cancels a line read but its own deadline.
    getLine: (key, call) =>
      businessUnits.has(key.businessId)
        ? options.resilience.read(() => attempt(key, call))
        : Promise.reject(unknownBusinessUnit()),
    close: () => options.http.close(),
  };
}

function productOrderUrl(baseUrl: string, key: LineKey): string {
  const query = new URLSearchParams({ 'channel.name': 'Digital', 'relatedParty.id': key.msisdn });
  return `${baseUrl}/dxp-ux/v1/${encodeURIComponent(key.businessId)}/productOrder?${query.toString()}`;
}

/**
 * The documented answer, or undefined for anything else (not JSON, wrong
 * shape): an upstream failure, not a crash. The caller's error names only the
 * status, never dxp-ux's text, which could carry anything.
 */
function parseBody(response: UpstreamResponse): DxpProductOrderResponse | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  return validResponse.Check(body) ? body : undefined;
}

function logAttempt(
  call: CallContext,
  key: LineKey,
  startedAt: number,
  outcome: number | UpstreamNetworkError['kind'],
): void {
  // Every line read passes here: the fields are not even built unless they are logged.
  if (!call.logger.isLevelEnabled('debug')) return;
  call.logger.debug(
    {
      upstream: 'DXP',
      route: ROUTE,
      businessId: key.businessId,
      line: maskMsisdn(key.msisdn),
      outcome,
      durationMs: Date.now() - startedAt,
    },
    'dxp-ux productOrder',
  );
}
