import { describe, expect, it } from 'vitest';
import type { Finding, PostureReport } from '../../src/posture/model.js';
import { exitCodeFor, renderReportText, toReportJson } from '../../src/terminal/index.js';

function finding(id: string, status: Finding['status']): Finding {
  return {
    id,
    title: `Title of ${id}`,
    status,
    severity: 'high',
    evidence: `evidence for ${id}`,
    remediation: { text: `fix ${id}`, url: `https://docs.aws.amazon.com/${id}` },
    references: [{ label: 'CIS AWS Foundations v3.0 1.5' }],
  };
}

function report(...findings: Finding[]): PostureReport {
  return {
    account: { id: '123456789012', alias: 'prod' },
    generatedAt: '2026-11-28T10:00:00.000Z',
    score: { passed: findings.filter((f) => f.status === 'pass').length, total: findings.length },
    findings,
  };
}

describe('terminal report', () => {
  it('exit code: 1 when a finding fails, 2 when one errors and none fail, 0 otherwise', () => {
    expect(exitCodeFor(report(finding('a', 'pass'), finding('b', 'warn'), finding('c', 'not-applicable')))).toBe(0);
    expect(exitCodeFor(report(finding('a', 'error'), finding('b', 'fail')))).toBe(1);
    expect(exitCodeFor(report(finding('a', 'error'), finding('b', 'pass')))).toBe(2);
  });

  it('prints account, score, every finding and the fix only for what needs one', () => {
    const text = renderReportText(report(finding('root-mfa-enabled', 'fail'), finding('password-policy', 'pass')), { colour: false });
    expect(text).toContain('account 123456789012 (prod)');
    expect(text).toContain('Score: 1/2 passed');
    expect(text).toMatch(/FAIL\s+high\s+root-mfa-enabled/);
    expect(text).toContain('Fix: fix root-mfa-enabled https://docs.aws.amazon.com/root-mfa-enabled');
    expect(text).not.toContain('Fix: fix password-policy');
    expect(text).not.toContain('\u001b[');
  });

  it('never prints a full access key id', () => {
    const withKey = finding('root-no-access-keys', 'fail');
    withKey.evidence = 'root access key AKIAIOSFODNN7EXAMPLE active';
    const text = renderReportText(report(withKey), { colour: false });
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('AKIA…MPLE');
  });

  it('colours only when asked', () => {
    expect(renderReportText(report(finding('a', 'fail')), { colour: true })).toContain('\u001b[31m');
  });

  it('JSON keeps the documented shape', () => {
    const json = toReportJson(report(finding('root-mfa-enabled', 'fail')));
    expect(Object.keys(json)).toEqual(['account', 'generatedAt', 'score', 'findings']);
    expect(Object.keys(json.findings[0]!)).toEqual(['id', 'title', 'status', 'severity', 'evidence', 'remediation', 'references']);
    expect(json.account).toEqual({ id: '123456789012', alias: 'prod' });
  });
});
