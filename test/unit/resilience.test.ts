import { describe, expect, it } from 'vitest';
import { invalidField, upstreamUnavailable } from '../../src/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { RetryableError, createUpstreamResilience } from '../../src/upstreams/resilience.js';

function resilience(breakerMinCalls = 100) {
  return createUpstreamResilience(
    'DXP',
    {
      breakerFailureRate: 0.5,
      breakerWindowSeconds: 30,
      breakerMinCalls,
      breakerHalfOpenSeconds: 10,
      maxConcurrent: 8,
      maxQueued: 8,
    },
    createMetrics({ collectDefaults: false }),
  );
}

/** A read that fails retryably once, asking for `retryAfterMs`, then succeeds; it records when each attempt began. */
function flakyRead(retryAfterMs: number, deadline: number) {
  const attemptsAt: number[] = [];
  const work = () => {
    attemptsAt.push(Date.now());
    return attemptsAt.length === 1
      ? Promise.reject(new RetryableError(upstreamUnavailable('DXP'), retryAfterMs, deadline))
      : Promise.resolve('answered');
  };
  return { work, attemptsAt };
}

describe('upstream resilience backoff', () => {
  it('waits the Retry-After the upstream asked for when the request has time for it', async () => {
    const { work, attemptsAt } = flakyRead(300, Date.now() + 10_000);
    expect(await resilience().read(work)).toBe('answered');
    expect(attemptsAt).toHaveLength(2);
    expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(290);
  });

  it('never waits past the request deadline: the next attempt starts at it', async () => {
    const { work, attemptsAt } = flakyRead(3_000, Date.now() + 100);
    expect(await resilience().read(work)).toBe('answered');
    expect(attemptsAt).toHaveLength(2);
    expect(attemptsAt[1]! - attemptsAt[0]!).toBeLessThan(1_000);
  });

  it('never retries a write', async () => {
    const { work, attemptsAt } = flakyRead(0, Date.now() + 10_000);
    await expect(resilience().write(work)).rejects.toMatchObject({
      result: { __typename: 'UpstreamUnavailableError' },
    });
    expect(attemptsAt).toHaveLength(1);
  });
});

describe('upstream circuit breaker', () => {
  const failing = () => Promise.reject(upstreamUnavailable('DXP'));
  const refused = () => Promise.reject(invalidField('businessId', 'not served'));

  it('opens only past the failure rate, counting caller-caused answers as successes', async () => {
    const policy = resilience(4);
    for (const work of [refused, refused, failing, failing]) {
      await policy.write(work).catch(() => undefined);
    }
    // Two failures in four calls: not more than half.
    expect(policy.circuit()).toBe('closed');
    await policy.write(failing).catch(() => undefined);
    expect(policy.circuit()).toBe('open');
  });

  it('does not open before the window holds its minimum of calls', async () => {
    const policy = resilience(4);
    for (let call = 0; call < 3; call++) await policy.write(failing).catch(() => undefined);
    expect(policy.circuit()).toBe('closed');
    await policy.write(failing).catch(() => undefined);
    expect(policy.circuit()).toBe('open');
  });

  it('answers a caller-caused error as it was thrown', async () => {
    await expect(resilience().read(refused)).rejects.toMatchObject({
      result: { __typename: 'InvalidFieldError', field: 'businessId' },
    });
  });
});
