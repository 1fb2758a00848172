import { describe, expect, it } from 'vitest';
import { TypedError } from '../../src/errors.js';
import {
  DXP_NETWORK_RULES,
  DXP_STATUS_RULES,
  dxpNetworkError,
  dxpStatusError,
  type DxpErrorOutcome,
} from '../../src/upstreams/dxp/errors.js';
import { RETRY_AFTER_CAP_MS, RetryableError } from '../../src/upstreams/resilience.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const FAR_DEADLINE = NOW + 60_000;
const MSISDN = '16654555678';

function context(retryAfter?: string, deadline = FAR_DEADLINE) {
  return { msisdn: MSISDN, now: NOW, deadline, retryAfter };
}

describe('dxp-ux status table', () => {
  const rows: { status: number; outcome: DxpErrorOutcome; retryable: boolean }[] = [
    { status: 400, outcome: 'InvalidFieldError', retryable: false },
    { status: 401, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 403, outcome: 'InvalidFieldError', retryable: false },
    { status: 404, outcome: 'LineNotFoundError', retryable: false },
    { status: 405, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 429, outcome: 'RateLimitedError', retryable: true },
    { status: 500, outcome: 'UpstreamUnavailableError', retryable: true },
    { status: 501, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 502, outcome: 'UpstreamUnavailableError', retryable: true },
    { status: 503, outcome: 'UpstreamUnavailableError', retryable: true },
    { status: 504, outcome: 'UpstreamUnavailableError', retryable: true },
    // Statuses dxp-ux does not document: an answer we cannot trust, not retried.
    { status: 302, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 409, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 418, outcome: 'UpstreamUnavailableError', retryable: false },
    { status: 505, outcome: 'UpstreamUnavailableError', retryable: false },
  ];

  it('names every status it maps in the test rows', () => {
    const tested = new Set(rows.map((row) => row.status));
    for (const status of Object.keys(DXP_STATUS_RULES)) expect(tested).toContain(Number(status));
  });

  it.each(rows)('$status → $outcome (retryable: $retryable)', ({ status, outcome, retryable }) => {
    const error = dxpStatusError(status, context());
    expect(error).toBeInstanceOf(TypedError);
    expect(error instanceof RetryableError).toBe(retryable);
    expect(error.result.__typename).toBe(outcome);
    expect(error.result.upstreamCode).toBe(String(status));
    expect(error.result.transactionId).toBeNull();
  });

  it('404 names the msisdn asked for, but keeps it out of the message', () => {
    const { result } = dxpStatusError(404, context());
    expect(result).toMatchObject({
      __typename: 'LineNotFoundError',
      code: 'LINE_NOT_FOUND',
      msisdn: MSISDN,
    });
    expect(result.message).not.toContain(MSISDN);
  });

  it('400 blames the msisdn, the only input the request carries besides a validated scalar', () => {
    expect(dxpStatusError(400, context()).result).toMatchObject({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'msisdn',
    });
  });

  it('401 is our credentials: unavailable, for dxp-ux', () => {
    expect(dxpStatusError(401, context()).result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'DXP',
    });
  });

  it('403 is a business unit dxp-ux does not serve: the caller named it', () => {
    expect(dxpStatusError(403, context()).result).toMatchObject({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'businessId',
      upstreamCode: '403',
    });
  });
});

describe('dxp-ux Retry-After', () => {
  const inThreeSeconds = new Date(NOW + 3_000).toUTCString();
  const rows: {
    name: string;
    status: number;
    retryAfter?: string;
    deadline?: number;
    retried: boolean;
    waitMs: number | null;
    retryAfterSeconds: number | null;
  }[] = [
    {
      name: '429 seconds',
      status: 429,
      retryAfter: '2',
      retried: true,
      waitMs: 2_000,
      retryAfterSeconds: 2,
    },
    {
      name: '429 HTTP date',
      status: 429,
      retryAfter: inThreeSeconds,
      retried: true,
      waitMs: 3_000,
      retryAfterSeconds: 3,
    },
    { name: '429 absent', status: 429, retried: true, waitMs: null, retryAfterSeconds: null },
    {
      name: '429 unreadable',
      status: 429,
      retryAfter: 'soon',
      retried: true,
      waitMs: null,
      retryAfterSeconds: null,
    },
    {
      name: '429 beyond the cap',
      status: 429,
      retryAfter: '30',
      retried: false,
      waitMs: null,
      retryAfterSeconds: 30,
    },
    {
      name: '429 past the deadline',
      status: 429,
      retryAfter: '2',
      deadline: NOW + 1_500,
      retried: false,
      waitMs: null,
      retryAfterSeconds: 2,
    },
    {
      name: '503 seconds',
      status: 503,
      retryAfter: '1',
      retried: true,
      waitMs: 1_000,
      retryAfterSeconds: 1,
    },
    {
      name: '503 HTTP date',
      status: 503,
      retryAfter: inThreeSeconds,
      retried: true,
      waitMs: 3_000,
      retryAfterSeconds: 3,
    },
    { name: '503 absent', status: 503, retried: true, waitMs: null, retryAfterSeconds: null },
    {
      name: '503 beyond the cap (the seed example, 120)',
      status: 503,
      retryAfter: '120',
      retried: false,
      waitMs: null,
      retryAfterSeconds: 120,
    },
    {
      name: '503 past the deadline',
      status: 503,
      retryAfter: '1',
      deadline: NOW + 500,
      retried: false,
      waitMs: null,
      retryAfterSeconds: 1,
    },
    // Only 429 and 503 carry a meaningful Retry-After; elsewhere the usual backoff applies.
    {
      name: '500 ignores it',
      status: 500,
      retryAfter: '2',
      retried: true,
      waitMs: null,
      retryAfterSeconds: null,
    },
    {
      name: '502 ignores it',
      status: 502,
      retryAfter: '2',
      retried: true,
      waitMs: null,
      retryAfterSeconds: null,
    },
  ];

  it.each(rows)('$name', ({ status, retryAfter, deadline, retried, waitMs, retryAfterSeconds }) => {
    const error = dxpStatusError(status, context(retryAfter, deadline));
    expect(error instanceof RetryableError).toBe(retried);
    if (error instanceof RetryableError) expect(error.retryAfterMs).toBe(waitMs);
    expect(error.result).toHaveProperty('retryAfterSeconds', retryAfterSeconds);
  });

  it('waits exactly the cap, but not a second more', () => {
    const atCap = String(RETRY_AFTER_CAP_MS / 1000);
    const beyond = String(RETRY_AFTER_CAP_MS / 1000 + 1);
    expect(dxpStatusError(429, context(atCap))).toBeInstanceOf(RetryableError);
    expect(dxpStatusError(429, context(beyond))).not.toBeInstanceOf(RetryableError);
  });

  it('says when to come back in the rate-limit message', () => {
    expect(dxpStatusError(429, context('30')).result.message).toContain('30 s');
  });
});

describe('dxp-ux network failures', () => {
  it.each([
    { kind: 'timeout', retryable: true },
    { kind: 'connection', retryable: true },
    { kind: 'aborted', retryable: false },
  ] as const)('$kind → UpstreamUnavailableError (retryable: $retryable)', ({ kind, retryable }) => {
    expect(DXP_NETWORK_RULES[kind].retryable).toBe(retryable);
    const error = dxpNetworkError(kind, context());
    expect(error instanceof RetryableError).toBe(retryable);
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'DXP',
      upstreamCode: null,
      retryAfterSeconds: null,
    });
  });
});
