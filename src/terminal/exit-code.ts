// The terminal commands' exit codes, one rule for one account and for many: a failing finding anywhere wins, then
// anything that could not be checked, else success.
import type { AssessedAccount, PostureReport } from '../posture/index.js';

/** 0 when nothing fails, 1 when a finding fails, 2 when a check could not run (and none failed). */
export function exitCodeFor(report: PostureReport): 0 | 1 | 2 {
  if (report.findings.some((finding) => finding.status === 'fail')) return 1;
  if (report.findings.some((finding) => finding.status === 'error')) return 2;
  return 0;
}

/** Over every account: 1 when any finding fails, else 2 when an account or a check could not run, else 0. */
export function exitCodeForAccounts(assessed: readonly AssessedAccount[]): 0 | 1 | 2 {
  const codes = assessed.map((entry) => (entry.posture.ok ? exitCodeFor(entry.posture.report) : 2));
  if (codes.includes(1)) return 1;
  return codes.includes(2) ? 2 : 0;
}
