import { describe, expect, it } from 'vitest';
import { useTestStack } from './helpers/app.js';
import { DXP_SANDBOX_CREDENTIALS } from '../src/sandbox/dxp/server.js';
import { DXP_ROUTE, queryLineCountingCalls, type LineResult } from './helpers/lines.js';

/**
 * Every dxp-ux status and network fault, through GraphQL over HTTP, answers
 * the union member of DESIGN.md's error table, after the attempts the table
 * allows and no more. The breaker is set out of reach so that one test's
 * failures never open it for the next.
 */

const SEED = { businessId: 'PR', msisdn: '16654555678' };

/** Upstream text a fault carries, which must never reach a client. */
const LEAKY_TEXT = 'java.lang.IllegalStateException at com.lla.mule.internal';

function expectNoUpstreamText(line: LineResult, ...texts: string[]): void {
  for (const text of [LEAKY_TEXT, ...texts]) {
    expect(JSON.stringify(line)).not.toContain(text);
  }
}

function expectDxpUnavailable(
  line: LineResult,
  details: { upstreamCode: string | null; retryAfterSeconds?: number | null },
): void {
  expect(line).toEqual({
    __typename: 'UpstreamUnavailableError',
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'dxp-ux is unavailable; try again later.',
    upstreamCode: details.upstreamCode,
    transactionId: null,
    upstream: 'DXP',
    retryAfterSeconds: details.retryAfterSeconds ?? null,
  });
}

describe('dxp-ux statuses through Query.mobileLine', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' });

  it('answers 404 as LineNotFoundError with the msisdn, after one call', async () => {
    const { result, calls } = await queryLineCountingCalls(stack, 'PR', '17875559876');
    expect(calls).toBe(1);
    expect(result.response.body.errors).toBeUndefined();
    expect(result.line).toEqual({
      __typename: 'LineNotFoundError',
      code: 'LINE_NOT_FOUND',
      message: 'dxp-ux has no line with this number in this business unit.',
      upstreamCode: '404',
      transactionId: null,
      msisdn: '17875559876',
    });
  });

  it('answers 400 as InvalidFieldError naming the msisdn, after one call', async () => {
    stack.dxp.injectFault(DXP_ROUTE, {
      kind: 'status',
      status: 400,
      body: { errors: [{ code: 400, message: LEAKY_TEXT, description: 'Bad Request' }] },
    });
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(1);
    expect(result.line).toMatchObject({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      upstreamCode: '400',
      transactionId: null,
      field: 'msisdn',
    });
    expectNoUpstreamText(result.line, 'Bad Request');
  });

  it('answers a business id outside DXP_BUSINESS_UNITS as InvalidFieldError on businessId, without a call', async () => {
    const { result, calls } = await queryLineCountingCalls(stack, 'US', SEED.msisdn);
    expect(calls).toBe(0);
    expect(result.line).toMatchObject({
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'businessId',
      upstreamCode: null,
    });
  });

  it('retries 429 as Retry-After asks, then answers RateLimitedError with the wait', async () => {
    const { result, calls } = await queryLineCountingCalls(stack, 'PR', '17875550429');
    expect(calls).toBe(3);
    expect(result.line).toEqual({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      message: 'dxp-ux is limiting requests; try again in 1 s.',
      upstreamCode: '429',
      transactionId: null,
      retryAfterSeconds: 1,
    });
  });

  it.each([
    { status: 500, msisdn: '17875550500', retryAfterSeconds: null },
    { status: 502, msisdn: '17875550502', retryAfterSeconds: null },
    { status: 503, msisdn: '17875550503', retryAfterSeconds: 1 },
  ])(
    'answers a persistent $status as UpstreamUnavailableError after 3 attempts',
    async ({ status, msisdn, retryAfterSeconds }) => {
      const { result, calls } = await queryLineCountingCalls(stack, 'PR', msisdn);
      expect(calls).toBe(3);
      expectDxpUnavailable(result.line, { upstreamCode: String(status), retryAfterSeconds });
      expectNoUpstreamText(result.line, 'internal error', 'Bad Gateway', 'maintenance');
    },
  );

  it('retries a transient 503 to success', async () => {
    stack.dxp.injectFault(DXP_ROUTE, {
      kind: 'status',
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { errors: [{ code: 503, message: 'Service Unavailable', description: LEAKY_TEXT }] },
    });
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(2);
    expect(result.line).toMatchObject({
      __typename: 'MobileLine',
      plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
    });
  });

  it.each([
    { name: 'malformed JSON', body: `[{"@type": "getAddons", "note": "${LEAKY_TEXT}` },
    {
      name: 'JSON of the wrong shape',
      body: JSON.stringify({ productOrder: { id: 'PR_B2C_ULT_Extra_MB_Line' }, note: LEAKY_TEXT }),
    },
    {
      name: 'an add-on price without an amount',
      body: JSON.stringify([
        {
          productOrderItem: [
            {
              product: { id: 'PR_B2C_ULT_Extra_MB_Line', '@type': 'Plan' },
              productOrderItem: [
                { product: { id: 'X' }, itemPrice: [{ name: LEAKY_TEXT, price: {} }] },
              ],
            },
          ],
        },
      ]),
    },
    {
      name: 'an amount too large for a Decimal',
      body: JSON.stringify([
        {
          productOrderItem: [
            {
              product: { id: 'PR_B2C_ULT_Extra_MB_Line', '@type': 'Plan' },
              productOrderItem: [
                {
                  product: { id: 'X' },
                  itemPrice: [
                    { name: LEAKY_TEXT, price: { dutyFreeAmount: { unit: 'USD', value: 1e16 } } },
                  ],
                },
              ],
            },
          ],
        },
      ]),
    },
  ])(
    'answers a 200 with $name as UpstreamUnavailableError, leaking none of it',
    async ({ body }) => {
      stack.dxp.injectFault(DXP_ROUTE, { kind: 'raw', status: 200, body });
      const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
      expect(calls).toBe(1);
      expect(result.response.body.errors).toBeUndefined();
      expectDxpUnavailable(result.line, { upstreamCode: '200' });
      expectNoUpstreamText(result.line, 'getAddons', 'productOrder');
    },
  );

  it('answers an undocumented status with an upstream error body as UpstreamUnavailableError, leaking none of it', async () => {
    stack.dxp.injectFault(DXP_ROUTE, {
      kind: 'status',
      status: 418,
      body: { errors: [{ code: 418, message: LEAKY_TEXT, description: LEAKY_TEXT }] },
    });
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(1);
    expectDxpUnavailable(result.line, { upstreamCode: '418' });
    expectNoUpstreamText(result.line);
  });
});

describe('dxp-ux refusing our credentials through Query.mobileLine', () => {
  const wrongSecret = 'not-the-dxp-sandbox-secret';
  const stack = useTestStack({ DXP_CLIENT_SECRET: wrongSecret, BREAKER_MIN_CALLS: '1000' });

  it('answers 401 as UpstreamUnavailableError after one call, naming no credential', async () => {
    expect(wrongSecret).not.toBe(DXP_SANDBOX_CREDENTIALS.clientSecret);
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(1);
    expectDxpUnavailable(result.line, { upstreamCode: '401' });
    expect(stack.logs.text()).not.toContain(wrongSecret);
    expectNoUpstreamText(
      result.line,
      wrongSecret,
      DXP_SANDBOX_CREDENTIALS.clientId,
      'authenticated',
    );
  });
});

describe('dxp-ux network faults: timeouts and resets', () => {
  const stack = useTestStack(
    // Long enough for a healthy answer on a loaded machine, far shorter than the slow line.
    { DXP_TIMEOUT_MS: '1500', ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' },
    { dxpSlowLineDelayMs: 15_000 },
  );

  it('answers the slow line as UpstreamUnavailableError after 3 timed-out attempts', async () => {
    const { result, calls } = await queryLineCountingCalls(stack, 'PR', '17875550999');
    expect(calls).toBe(3);
    expect(result.response.body.errors).toBeUndefined();
    expectDxpUnavailable(result.line, { upstreamCode: null });
  });

  it.each([
    { fault: 'reset', name: 'a connection reset' },
    { fault: 'hang', name: 'an answer that never comes' },
  ] as const)(
    'retries $name to success, and answers UpstreamUnavailableError when it persists',
    async ({ fault }) => {
      stack.dxp.injectFault(DXP_ROUTE, { kind: fault });
      const once = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
      expect(once.calls).toBe(2);
      expect(once.result.line.__typename).toBe('MobileLine');

      stack.dxp.injectFault(DXP_ROUTE, { kind: fault }, 3);
      const always = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
      expect(always.calls).toBe(3);
      expectDxpUnavailable(always.result.line, { upstreamCode: null });
    },
  );
});
