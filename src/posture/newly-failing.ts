// What got worse between two reports of one account: checks that fail now and did not before (a root access key
// created, MFA removed). Pure. The first report of an account has nothing to compare with: it alerts on nothing,
// since the overview already shows what fails.
import type { AccountIdentity, Finding, PostureReport } from './model.js';

export interface NewlyFailing {
  accountId: string;
  /** As the current report names it (Organizations name and OU when known). */
  account: AccountIdentity;
  /** Failing now, with the evidence of this report. */
  findings: Finding[];
  /** When the earlier report was taken (ISO). */
  previousAt: string;
  currentAt: string;
}

export function newlyFailingFindings(previous: PostureReport | null, current: PostureReport): NewlyFailing | null {
  if (!previous || previous.account.id !== current.account.id) return null;
  const failedBefore = new Set(previous.findings.filter((finding) => finding.status === 'fail').map((finding) => finding.id));
  const findings = current.findings.filter((finding) => finding.status === 'fail' && !failedBefore.has(finding.id));
  if (findings.length === 0) return null;
  return { accountId: current.account.id, account: { ...current.account }, findings, previousAt: previous.generatedAt, currentAt: current.generatedAt };
}
