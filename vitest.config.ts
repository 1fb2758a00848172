import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The load suite runs on its own (npm run test:load), bounded in time, after the rest.
    exclude: ['test/load/**', 'node_modules/**'],
    // No traffic outside loopback: telemetry off, and a guard that fails any test reaching out.
    setupFiles: ['test/setup/vitest-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration suites start real servers on loopback; two cores are shared.
    pool: 'forks',
    maxWorkers: 2,
    // CI reads the JSON report to print its closing line and to refuse skipped Redis suites.
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: 'test-results.json' }]]
      : ['default'],
  },
});
