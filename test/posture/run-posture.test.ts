import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POSTURE_CHECKS, runPosture, scoreFindings, SEVERITY_ORDER, STATUS_ORDER, DEFAULT_CHECK_OPTIONS } from '../../src/posture/index.js';
import type { AccountFacts, Check, Finding, FindingStatus, Severity } from '../../src/posture/index.js';
import {
  accessKey,
  buildFacts,
  centrallyManagedMemberFacts,
  daysAgo,
  failed,
  noKey,
  ok,
  rootRow,
  withRoot,
} from './checks/facts-builder.js';

const CHECKS_DIRECTORY = fileURLToPath(new URL('../../src/posture/checks/', import.meta.url));

function fakeCheck(id: string, severity: Severity, status: FindingStatus): Check {
  return {
    id,
    title: id,
    severity,
    references: [{ label: 'test' }],
    remediation: { text: 'fix it', url: 'https://example.com' },
    evaluate: () => ({ status, evidence: `${id} is ${status}` }),
  };
}

/** A badly configured standalone account: most checks fail, some cannot be read. */
function neglectedAccountFacts(): AccountFacts {
  return withRoot(
    rootRow({
      mfaActive: false,
      passwordLastUsed: daysAgo(0.2),
      accessKeys: [accessKey(1, { lastUsedDate: daysAgo(3), lastUsedRegion: 'us-east-1', lastUsedService: 's3' }), noKey(2)],
    }),
    {
      accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: true, accountSigningCertificatesPresent: false }),
      passwordPolicy: ok(null),
      trails: ok([]),
      securityContact: failed('account:GetAlternateContact'),
      organizationsFeatures: ok({ inOrganization: false, organizationId: null, enabledFeatures: [] }),
    },
  );
}

function expectSorted(findings: readonly Finding[]): void {
  for (let index = 1; index < findings.length; index += 1) {
    const previous = findings[index - 1] as Finding;
    const current = findings[index] as Finding;
    const byStatus = STATUS_ORDER.indexOf(previous.status) - STATUS_ORDER.indexOf(current.status);
    expect(byStatus).toBeLessThanOrEqual(0);
    if (byStatus === 0) expect(SEVERITY_ORDER.indexOf(previous.severity)).toBeLessThanOrEqual(SEVERITY_ORDER.indexOf(current.severity));
  }
}

describe('the check registry', () => {
  it('has unique, kebab-case check ids', () => {
    const ids = POSTURE_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('holds exactly one check per file in src/posture/checks, named after its id', () => {
    const checkFiles = readdirSync(CHECKS_DIRECTORY)
      .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
      .map((name) => name.replace(/\.ts$/, ''))
      .sort();
    expect(POSTURE_CHECKS.map((check) => check.id).sort()).toEqual(checkFiles);
  });

  it('covers the checks issue #2 asks for', () => {
    expect(POSTURE_CHECKS.map((check) => check.id)).toEqual([
      'root-mfa-enabled',
      'root-hardware-mfa',
      'root-no-access-keys',
      'root-no-signing-certificates',
      'root-not-used-recently',
      'password-policy',
      'cloudtrail-multi-region',
      'security-contact',
      'root-credentials-centralized',
    ]);
  });

  it('gives every check a title, references with https links, and remediation text with an https AWS link', () => {
    for (const check of POSTURE_CHECKS) {
      expect(check.title.length, check.id).toBeGreaterThan(0);
      expect(check.references.length, check.id).toBeGreaterThan(0);
      for (const reference of check.references) {
        expect(reference.label.length, check.id).toBeGreaterThan(0);
        expect(reference.url, `${check.id}: ${reference.label}`).toMatch(/^https:\/\//);
      }
      expect(check.remediation.text.length, check.id).toBeGreaterThan(20);
      expect(check.remediation.url, check.id).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it('cites CIS v3.0 and the renumbered v7.0 side by side wherever it cites CIS v3.0', () => {
    for (const check of POSTURE_CHECKS) {
      const labels = check.references.map((reference) => reference.label);
      if (labels.some((label) => label.startsWith('CIS AWS Foundations v3.0'))) {
        expect(labels.some((label) => label.startsWith('CIS AWS Foundations v7.0')), check.id).toBe(true);
      }
    }
  });

  it('links Security Hub controls to their entry in the control reference', () => {
    const rootMfa = POSTURE_CHECKS.find((check) => check.id === 'root-mfa-enabled');
    expect(rootMfa?.references).toContainEqual({ label: 'AWS Security Hub IAM.9', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-9' });
    const contact = POSTURE_CHECKS.find((check) => check.id === 'security-contact');
    expect(contact?.references).toContainEqual({ label: 'AWS Security Hub Account.1', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/account-controls.html#account-1' });
  });
});

describe('runPosture', () => {
  it('passes every check on a hardened account', () => {
    const report = runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS);
    expect(report.findings.filter((finding) => finding.status !== 'pass')).toEqual([]);
    expect(report.score).toEqual({ passed: 9, total: 9 });
    expect(report.account).toEqual({ id: '123456789012', alias: 'acme-prod' });
    expect(report.generatedAt).toBe('2025-06-01T12:00:00.000Z');
  });

  it('carries each check’s metadata into its finding', () => {
    const report = runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS);
    for (const check of POSTURE_CHECKS) {
      const finding = report.findings.find((candidate) => candidate.id === check.id);
      expect(finding).toMatchObject({ title: check.title, severity: check.severity, remediation: check.remediation, references: check.references });
    }
  });

  it('sorts findings by status (fail, error, warn, pass, not-applicable), then severity, keeping registry order for ties', () => {
    const checks = [
      fakeCheck('pass-critical', 'critical', 'pass'),
      fakeCheck('na-high', 'high', 'not-applicable'),
      fakeCheck('warn-low', 'low', 'warn'),
      fakeCheck('fail-medium', 'medium', 'fail'),
      fakeCheck('error-critical', 'critical', 'error'),
      fakeCheck('fail-critical-a', 'critical', 'fail'),
      fakeCheck('warn-high', 'high', 'warn'),
      fakeCheck('fail-critical-b', 'critical', 'fail'),
    ];
    const report = runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS, checks);
    expect(report.findings.map((finding) => finding.id)).toEqual([
      'fail-critical-a',
      'fail-critical-b',
      'fail-medium',
      'error-critical',
      'warn-high',
      'warn-low',
      'pass-critical',
      'na-high',
    ]);
  });

  it('scores passed over applicable checks: not-applicable is left out, error and warn count against', () => {
    const checks = [
      fakeCheck('a', 'high', 'pass'),
      fakeCheck('b', 'high', 'pass'),
      fakeCheck('c', 'high', 'warn'),
      fakeCheck('d', 'high', 'error'),
      fakeCheck('e', 'high', 'not-applicable'),
    ];
    expect(runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS, checks).score).toEqual({ passed: 2, total: 4 });
    expect(scoreFindings([])).toEqual({ passed: 0, total: 0 });
  });

  it('reports a neglected account with the worst findings first and the right score', () => {
    const report = runPosture(neglectedAccountFacts(), DEFAULT_CHECK_OPTIONS);
    expectSorted(report.findings);
    const statusOf = Object.fromEntries(report.findings.map((finding) => [finding.id, finding.status]));
    expect(statusOf).toEqual({
      'root-mfa-enabled': 'fail',
      'root-hardware-mfa': 'fail',
      'root-no-access-keys': 'fail',
      'root-no-signing-certificates': 'pass',
      'root-not-used-recently': 'fail',
      'password-policy': 'fail',
      'cloudtrail-multi-region': 'fail',
      'security-contact': 'error',
      'root-credentials-centralized': 'not-applicable',
    });
    expect(report.findings[0]?.id).toBe('root-mfa-enabled');
    expect(report.findings.at(-1)?.id).toBe('root-credentials-centralized');
    expect(report.score).toEqual({ passed: 1, total: 8 });
  });

  it('keeps one line of evidence per finding, in every scenario', () => {
    const scenarios = [buildFacts(), neglectedAccountFacts(), centrallyManagedMemberFacts(), withRoot(null)];
    for (const facts of scenarios) {
      for (const finding of runPosture(facts, DEFAULT_CHECK_OPTIONS).findings) {
        expect(finding.evidence.length, finding.id).toBeGreaterThan(0);
        expect(finding.evidence, finding.id).not.toMatch(/[\r\n]/);
        expect(finding.evidence, finding.id).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
      }
    }
  });

  it('turns a check that throws into an error finding and still reports the others', () => {
    const broken: Check = { ...fakeCheck('broken', 'high', 'pass'), evaluate: () => { throw new TypeError("Cannot read properties of undefined (reading 'root')"); } };
    const report = runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS, [broken, fakeCheck('fine', 'low', 'pass')]);
    expect(report.findings).toHaveLength(2);
    expect(report.findings[0]).toMatchObject({ id: 'broken', status: 'error', evidence: "Could not tell: the check itself failed (Cannot read properties of undefined (reading 'root'))" });
    expect(report.findings[1]).toMatchObject({ id: 'fine', status: 'pass' });
  });

  it('reports one failing fact as errors only in the checks that need it', () => {
    const report = runPosture(buildFacts({ credentialReport: failed('iam:GetCredentialReport') }), DEFAULT_CHECK_OPTIONS);
    const errored = report.findings.filter((finding) => finding.status === 'error').map((finding) => finding.id);
    // The other checks answer from GetAccountSummary or their own facts.
    expect(errored).toEqual(['root-not-used-recently']);
    expect(report.findings.find((finding) => finding.id === 'root-not-used-recently')?.evidence).toContain('iam:GetCredentialReport');
  });

  it('gives findings their own copies of the check metadata', () => {
    const report = runPosture(buildFacts(), DEFAULT_CHECK_OPTIONS);
    const finding = report.findings[0] as Finding;
    finding.remediation.text = 'changed';
    finding.references.push({ label: 'extra' });
    const check = POSTURE_CHECKS.find((candidate) => candidate.id === finding.id) as Check;
    expect(check.remediation.text).not.toBe('changed');
    expect(check.references.some((reference) => reference.label === 'extra')).toBe(false);
  });
});
