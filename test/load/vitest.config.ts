import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ONE_GRAPHQL } from '../../vitest.config.js';

// npm run test:load: the load suite alone, bounded in time, with the GC exposed
// so heap figures are taken after a collection rather than at its whim.
export default defineConfig({
  resolve: ONE_GRAPHQL,
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/load/**/*.test.ts'],
    setupFiles: ['test/setup/vitest-setup.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // CI adds this report to the closing "N passed, N failed" line (.ci/summary.mjs).
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: 'dist/test-results-load.json' }]]
      : ['default'],
  },
});
