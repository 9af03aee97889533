// Organizations of any size for the overview tests: reports in the shape src/posture produces.
import type { Finding, FindingStatus, PostureReport } from '../../src/posture/model.js';
import type { OverviewInput } from '../../src/posture/index.js';
import { typicalReport } from './report-fixture.js';

/** A report of `accountId` whose findings all have `status`, except those listed in `overrides`. */
export function reportWith(accountId: string, status: FindingStatus, overrides: Record<string, FindingStatus> = {}, generatedAt = '2026-12-01T12:00:00.000Z'): PostureReport {
  const base = typicalReport();
  const findings: Finding[] = base.findings.map((finding) => ({ ...finding, status: overrides[finding.id] ?? status }));
  return { account: { id: accountId, alias: null }, generatedAt, score: { passed: findings.filter((f) => f.status === 'pass').length, total: findings.length }, findings };
}

export function accountId(index: number): string {
  return String(100000000000 + index);
}

/**
 * `count` accounts: every 13th fails (root access key: critical; every 26th also has no MFA), every 29th could not
 * be checked, every 7th has a warning, the rest are clean.
 */
export function organization(count: number, checkedAt = '2026-12-01T12:00:00.000Z'): OverviewInput[] {
  return Array.from({ length: count }, (_, index): OverviewInput => {
    const id = accountId(index);
    const account = { id, alias: null, name: `acct-${index}`, ouPath: index % 2 ? 'Root/Prod/EU' : 'Root/Dev' };
    if (index % 29 === 28) return { account, result: { ok: false, error: { message: `cannot assume arn:aws:iam::${id}:role/aws-root-guard-audit: AccessDenied`, code: 'AccessDenied' } }, checkedAt };
    if (index % 13 === 12) {
      const overrides: Record<string, FindingStatus> = { 'root-no-access-keys': 'fail' };
      if (index % 26 === 25) overrides['root-mfa-enabled'] = 'fail';
      return { account, result: { ok: true, report: reportWith(id, 'pass', overrides, checkedAt) }, checkedAt };
    }
    if (index % 7 === 6) return { account, result: { ok: true, report: reportWith(id, 'pass', { 'password-policy': 'warn' }, checkedAt) }, checkedAt };
    return { account, result: { ok: true, report: reportWith(id, 'pass', {}, checkedAt) }, checkedAt };
  });
}

/** Every account failing: the worst case for message size. */
export function failingOrganization(count: number, checkedAt = '2026-12-01T12:00:00.000Z'): OverviewInput[] {
  return Array.from({ length: count }, (_, index): OverviewInput => {
    const id = accountId(index);
    const account = { id, alias: null, name: `a-rather-long-account-name-${index}`, ouPath: 'Root/Workloads/Production/Europe' };
    return { account, result: { ok: true, report: reportWith(id, 'fail', {}, checkedAt) }, checkedAt };
  });
}
