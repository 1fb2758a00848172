import type { UpstreamName } from '../../src/errors.js';
import type { Metrics } from '../../src/observability/metrics.js';
import {
  createUpstreamResilience,
  type UpstreamResilience,
} from '../../src/upstreams/resilience.js';

/**
 * The production policies with short backoffs, so retry tests take
 * milliseconds, and a breaker that needs `breakerMinCalls` calls in its
 * window before it may open, which a test lowers when the breaker is its subject.
 */
export function createTestResilience(
  upstream: UpstreamName,
  metrics: Metrics,
  breakerMinCalls = 100,
): UpstreamResilience {
  return createUpstreamResilience(
    upstream,
    {
      breakerFailureRate: 0.5,
      breakerWindowSeconds: 30,
      breakerMinCalls,
      breakerHalfOpenSeconds: 10,
      initialBackoffMs: 5,
      maxBackoffMs: 20,
      maxConcurrent: 128,
      maxQueued: 1024,
    },
    metrics,
  );
}
