import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LINE_FETCH_CONCURRENCY } from '../src/loaders/line-by-key.js';
import { graphql, useTestStack } from './helpers/app.js';
import {
  DXP_ROUTE,
  dxpCallsDuring,
  queryLineCountingCalls,
  queryLines,
  startRecordedStack,
  type LineResult,
} from './helpers/lines.js';
import { usePerSuite } from './helpers/per-suite.js';

const SEED = { businessId: 'PR', msisdn: '16654555678' };

describe('dxp-ux Retry-After beyond what one request can wait', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' });

  it('answers RateLimitedError at once, with the wait dxp-ux asked for', async () => {
    // 8 s: past the client's cap on a Retry-After wait, yet inside the request's deadline.
    stack.dxp.injectFault(DXP_ROUTE, {
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '8' },
      body: { errors: [{ code: 429, message: 'Too Many Requests', description: '' }] },
    });
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(1);
    expect(result.line).toMatchObject({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      upstreamCode: '429',
      retryAfterSeconds: 8,
    });
  });
});

describe('the dxp-ux circuit breaker through GraphQL', () => {
  const stack = useTestStack({
    ADDONS_CACHE_TTL_S: '0',
    BREAKER_MIN_CALLS: '2',
    // Long enough that the circuit is surely still open for the query right after it opens.
    BREAKER_HALF_OPEN_S: '3',
  });

  it('opens once BREAKER_MIN_CALLS reads in its window failed, answers without calling, then lets a probe through', async () => {
    // Each failed read is one operation for the breaker, whatever its attempts.
    for (const msisdn of ['17875550500', '17875550502']) {
      const { result, calls } = await queryLineCountingCalls(stack, 'PR', msisdn);
      expect(calls).toBe(3);
      expect(result.line).toMatchObject({ __typename: 'UpstreamUnavailableError' });
    }

    const whileOpen = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(whileOpen.calls).toBe(0);
    expect(whileOpen.result.line).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'DXP',
      upstreamCode: null,
    });

    // Past BREAKER_HALF_OPEN_S, one probe goes to dxp-ux; its success closes the circuit.
    await sleep(3_200);
    const probe = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(probe.calls).toBe(1);
    expect(probe.result.line.__typename).toBe('MobileLine');
    const after = await queryLineCountingCalls(stack, 'PR', '17875550103');
    expect(after.calls).toBe(1);
    expect(after.result.line.__typename).toBe('MobileLine');
  });

  it('does not count a line that was not found as a failure', async () => {
    for (let index = 0; index < 3; index += 1) {
      const { result } = await queryLineCountingCalls(stack, 'PR', '17875559876');
      expect(result.line.__typename).toBe('LineNotFoundError');
    }
    const { result, calls } = await queryLineCountingCalls(stack, SEED.businessId, SEED.msisdn);
    expect(calls).toBe(1);
    expect(result.line.__typename).toBe('MobileLine');
  });
});

describe('REQUEST_DEADLINE_MS bounds a line read, retries included', () => {
  const stack = useTestStack(
    {
      DXP_TIMEOUT_MS: '1500',
      REQUEST_DEADLINE_MS: '2000',
      ADDONS_CACHE_TTL_S: '0',
      BREAKER_MIN_CALLS: '1000',
    },
    { dxpSlowLineDelayMs: 15_000 },
  );

  it('stops retrying the slow line when the request runs out of time, and answers a typed error', async () => {
    const { result, calls } = await queryLineCountingCalls(stack, 'PR', '17875550999');
    // Three full attempts would need 4.5 s; the request has 2 s.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(3);
    expect(result.response.body.errors).toBeUndefined();
    expect(result.line).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'DXP',
      upstreamCode: null,
    });
  });
});

describe('one operation, many lines', () => {
  const stack = usePerSuite('the recorded stack', async () => {
    const { stack: started, proxy } = await startRecordedStack({ ADDONS_CACHE_TTL_S: '0' });
    return { ...started, dxpProxy: proxy };
  });

  it('costs one call for the same line read under several aliases', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql<Record<string, LineResult>>(
        stack.graphqlUrl,
        `
          query ($b: BusinessId!, $m: Msisdn!) {
            a: mobileLine(businessId: $b, msisdn: $m) {
              __typename
              ... on MobileLine {
                plan {
                  id
                }
              }
            }
            b: mobileLine(businessId: $b, msisdn: $m) {
              __typename
              ... on MobileLine {
                addons {
                  product {
                    id
                  }
                }
              }
            }
            c: mobileLines(businessId: $b, msisdns: [$m, $m]) {
              __typename
            }
          }
        `,
        { b: SEED.businessId, m: SEED.msisdn },
      ),
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.['a']).toMatchObject({ plan: { id: 'PR_B2C_ULT_Extra_MB_Line' } });
    expect(result.body.data?.['b']?.['addons']).toHaveLength(3);
    expect(calls).toBe(1);
  });

  it(`fetches distinct lines in parallel, at most ${LINE_FETCH_CONCURRENCY} at a time`, async () => {
    // Latency keeps each call in flight long enough for the next ones to start beside it.
    stack.dxp.setLatency(200);
    try {
      const asked = Array.from(
        { length: 25 },
        (_, index) => `1787557${String(index).padStart(4, '0')}`,
      );
      const { result, calls } = await dxpCallsDuring(stack, () => queryLines(stack, 'PR', asked));
      expect(result.body.errors).toBeUndefined();
      expect(calls).toBe(25);
      expect(stack.dxpProxy.maxInFlight()).toBeGreaterThan(1);
      expect(stack.dxpProxy.maxInFlight()).toBeLessThanOrEqual(LINE_FETCH_CONCURRENCY);
    } finally {
      stack.dxp.setLatency(0);
    }
  });
});
