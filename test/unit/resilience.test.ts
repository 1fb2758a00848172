import { describe, expect, it } from 'vitest';
import { upstreamUnavailable } from '../../src/errors.js';
import { createMetrics } from '../../src/metrics.js';
import { RetryableError, createUpstreamResilience } from '../../src/upstreams/resilience.js';

function resilience() {
  return createUpstreamResilience(
    'DXP',
    {
      breakerFailureRate: 0.5,
      breakerWindowSeconds: 30,
      breakerMinCalls: 100,
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
