import { defineConfig } from 'vitest/config';

/**
 * One graphql-js, as Node loads it: Vite would give our sources graphql's ES
 * build while Apollo Server, @apollo/subgraph and graphql-jit use the CommonJS
 * one, and graphql-js refuses a schema from another instance. The load suite's
 * config (test/load/vitest.config.ts) takes the same.
 */
export const ONE_GRAPHQL = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

export default defineConfig({
  resolve: ONE_GRAPHQL,
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
