// Prints vitest's totals over every report named as "N passed, N failed, N
// skipped" and fails when a Redis suite was skipped: CI always has
// redis-server, so a skip hides a gap. A report that is missing counts as a
// failed suite (its run crashed before writing it).
import { existsSync, readFileSync } from 'node:fs';

const MISSING = {
  numPassedTests: 0,
  numFailedTests: 1,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [],
  success: false,
};
const reports = process.argv.slice(2).map((file) => {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  console.error(`[ci] no test results in ${file}: counted as one failure`);
  return MISSING;
});
const total = (count) => reports.reduce((sum, report) => sum + count(report), 0);
const passed = total((report) => report.numPassedTests);
const failed = total((report) => report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0));
const skipped = total((report) => report.numPendingTests + report.numTodoTests);
const skippedRedis = reports
  .flatMap((report) => report.testResults)
  .filter((file) => /redis/i.test(file.name))
  .flatMap((file) =>
    file.assertionResults.filter((test) => test.status !== 'passed' && test.status !== 'failed'),
  );

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (skippedRedis.length > 0) {
  console.error(`[ci] ${skippedRedis.length} Redis test(s) were skipped; CI must run them`);
  process.exit(1);
}
process.exit(failed > 0 || reports.some((report) => report.success === false) ? 1 : 0);
