// Facts in, report out: run every check (pure), order the findings, score them.
import { POSTURE_CHECKS } from './checks/index.js';
import type { AccountFacts, Check, CheckOptions, Finding, FindingStatus, PostureReport, Severity } from './model.js';

/** What a check's evaluate returns. */
type CheckResult = Pick<Finding, 'status' | 'evidence'>;

/** Report order: what needs action first, then what could not be checked, then the rest. */
export const STATUS_ORDER: readonly FindingStatus[] = ['fail', 'error', 'warn', 'pass', 'not-applicable'];
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The thresholds config.ts defaults to (ROOT_USED_FAIL_DAYS, ROOT_USED_WARN_DAYS). */
export const DEFAULT_CHECK_OPTIONS: Readonly<CheckOptions> = Object.freeze({ rootUsedFailDays: 1, rootUsedWarnDays: 90 });

/** By status, then severity. Array.prototype.sort is stable, so equal findings keep registry order. */
function compareFindings(a: Finding, b: Finding): number {
  return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
}

function evaluateCheck(check: Check, facts: AccountFacts, options: CheckOptions): CheckResult {
  try {
    return check.evaluate(facts, options);
  } catch (error) {
    // A bug in one check must not cost the user the rest of the report.
    const reason = error instanceof Error ? error.message : String(error);
    return { status: 'error', evidence: `Could not tell: the check itself failed (${reason.replace(/\s+/g, ' ').slice(0, 160)})` };
  }
}

/**
 * Score = passed / total, where total counts every finding except not-applicable ones: a check that does not apply
 * (a standalone account has no organization to centralize root in) neither helps nor hurts, while error and warn
 * count against the score, since an unverified control is not a passed one.
 */
export function scoreFindings(findings: readonly Finding[]): PostureReport['score'] {
  const applicable = findings.filter((finding) => finding.status !== 'not-applicable');
  return { passed: applicable.filter((finding) => finding.status === 'pass').length, total: applicable.length };
}

export function runPosture(facts: AccountFacts, options: CheckOptions, checks: readonly Check[] = POSTURE_CHECKS): PostureReport {
  const account = { id: facts.account.id, name: facts.account.name ?? null, ouId: facts.account.ouId ?? null };
  const findings: Finding[] = checks.map((check) => {
    const { status, evidence } = evaluateCheck(check, facts, options);
    return {
      id: check.id,
      title: check.title,
      status,
      severity: check.severity,
      evidence,
      remediation: { ...check.remediation },
      references: check.references.map((reference) => ({ ...reference })),
      account: { ...account },
    };
  });
  findings.sort(compareFindings);
  return { account: { ...facts.account }, generatedAt: facts.gatheredAt, score: scoreFindings(findings), findings };
}
