// Reads vitest JSON reports given as LABEL=PATH and prints one "LABEL: N passed, N failed" line per run, then the
// combined "N passed, N failed" line CI reads (the last one). A missing report, or a run with no test, counts as a failure.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
const tail = (skips) => (skips ? `, ${skips} skipped` : '');
for (const argument of process.argv.slice(2)) {
  const [label, path] = argument.split('=');
  if (!existsSync(path)) {
    console.log(`${label}: 0 passed, 1 failed (no report: the test run did not finish)`);
    failed += 1;
    broken = true;
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  // A test file that fails to load (or in a hook) has no failed test in it: count it as one failure. Not
  // numFailedTestSuites, which also counts every describe block around a failed test.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'));
  const runFailed = report.numFailedTests + brokenFiles.length;
  const runSkipped = report.numPendingTests + report.numTodoTests;
  console.log(`${label}: ${report.numPassedTests} passed, ${runFailed} failed${tail(runSkipped)}`);
  if (report.numTotalTests === 0) broken = true;
  passed += report.numPassedTests;
  failed += runFailed;
  skipped += runSkipped;
}
console.log(`${passed} passed, ${failed} failed${tail(skipped)}`);
process.exit(broken ? 3 : failed > 0 ? 1 : 0);
