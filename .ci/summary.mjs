// Prints vitest's totals as "N passed, N failed, N skipped" and fails when a
// Redis suite was skipped: CI always has redis-server, so a skip hides a gap.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
const skipped = report.numPendingTests + report.numTodoTests;
const skippedRedis = report.testResults
  .filter((file) => /redis/i.test(file.name))
  .flatMap((file) =>
    file.assertionResults.filter((test) => test.status !== 'passed' && test.status !== 'failed'),
  );

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (skippedRedis.length > 0) {
  console.error(`[ci] ${skippedRedis.length} Redis test(s) were skipped; CI must run them`);
  process.exit(1);
}
process.exit(failed > 0 || report.success === false ? 1 : 0);
