import type { UpstreamName } from '../../src/errors.js';
import type { Metrics } from '../../src/metrics.js';
import {
  createUpstreamResilience,
  type UpstreamResilience,
} from '../../src/upstreams/resilience.js';

/**
 * The production policies with short backoffs, so retry tests take
 * milliseconds, and a breaker threshold a test sets when it is the subject.
 */
export function createTestResilience(
  upstream: UpstreamName,
  metrics: Metrics,
  breakerThreshold = 100,
): UpstreamResilience {
  return createUpstreamResilience(
    upstream,
    {
      breakerThreshold,
      breakerHalfOpenSeconds: 10,
      initialBackoffMs: 5,
      maxBackoffMs: 20,
      maxConcurrent: 128,
      maxQueued: 1024,
    },
    metrics,
  );
}
