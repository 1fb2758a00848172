import { afterAll, afterEach } from 'vitest';
import { installLoopbackGuard, takeRefusals } from './loopback-guard.js';

// @apollo/gateway otherwise starts an OpenTelemetry exporter whose resource
// detectors probe cloud metadata addresses (169.254.169.254,
// metadata.google.internal) and report to Apollo: traffic nobody configured.
process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';

installLoopbackGuard();

/** Fails the test (or the file, for hooks) that reached outside loopback, even if the caller swallowed the error. */
function failOnRefusals(): void {
  const refused = takeRefusals();
  if (refused.length > 0)
    throw new Error(`This test reached outside loopback: ${[...new Set(refused)].join('; ')}`);
}

afterEach(failOnRefusals);
afterAll(failOnRefusals);
