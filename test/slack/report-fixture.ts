// PostureReport fixtures in the shape src/posture produces: the Slack side is tested on its own, with no AWS.
import type { Finding, FindingStatus, PostureReport, Severity } from '../../src/posture/model.js';

const CIS = (v3: string, v7: string) => [
  { label: `CIS AWS Foundations v3.0 ${v3}`, url: 'https://www.cisecurity.org/benchmark/amazon_web_services' },
  { label: `CIS AWS Foundations v7.0 ${v7}` },
];

/** The nine checks of issue #2 on an account with a few problems, in report order (fail, error, warn, pass, n/a). */
export function typicalReport(): PostureReport {
  const findings: Finding[] = [
    {
      id: 'root-no-access-keys',
      title: 'Root user has no access keys',
      status: 'fail',
      severity: 'critical',
      evidence: 'root access key AKIAIOSFODNN7EXAMPLE active, last used 3 days ago in us-east-1 (iam)',
      remediation: { text: 'Delete the root access keys: sign in as root, Security credentials, Access keys, Delete.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html' },
      references: [...CIS('1.4', '2.3'), { label: 'AWS Security Hub IAM.4', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-4' }],
    },
    {
      id: 'root-not-used-recently',
      title: 'Root user not used recently',
      status: 'fail',
      severity: 'high',
      evidence: 'root password last used 2025-06-01T10:00:00Z (less than 1 day ago)',
      remediation: { text: 'Use an IAM role or IAM Identity Center for daily work; keep root for root-only tasks.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html' },
      references: CIS('1.7', '2.6'),
    },
    {
      id: 'cloudtrail-multi-region',
      title: 'A multi-region CloudTrail trail is logging',
      status: 'error',
      severity: 'high',
      evidence: 'Could not tell: Access denied to cloudtrail:GetTrailStatus: allow the IAM action cloudtrail:GetTrailStatus in the bot\'s policy',
      remediation: { text: 'Create a multi-region trail that includes global service events and keep it logging.', url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html' },
      references: CIS('3.1', '4.1'),
    },
    {
      id: 'password-policy',
      title: 'Password policy: length >= 14, reuse prevention >= 24',
      status: 'warn',
      severity: 'medium',
      evidence: 'minimum length 8 (< 14), reuse prevention 5 (< 24)',
      remediation: { text: 'Set the account password policy: minimum length 14, remember 24 passwords.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html' },
      references: CIS('1.8', '2.7'),
    },
    {
      id: 'root-mfa-enabled',
      title: 'Root user has MFA enabled',
      status: 'pass',
      severity: 'critical',
      evidence: 'MFA is active for the root user (AccountMFAEnabled = 1)',
      remediation: { text: 'Enable MFA for the root user.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html' },
      references: [...CIS('1.5', '2.4'), { label: 'AWS Security Hub IAM.9' }],
    },
    {
      id: 'root-hardware-mfa',
      title: 'Root user MFA is a hardware device',
      status: 'pass',
      severity: 'high',
      evidence: 'no virtual MFA device is assigned to arn:aws:iam::123456789012:root',
      remediation: { text: 'Use a hardware MFA device or passkey for root.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html' },
      references: [...CIS('1.6', '2.5'), { label: 'AWS Security Hub IAM.6' }],
    },
    {
      id: 'root-no-signing-certificates',
      title: 'Root user has no active signing certificates',
      status: 'pass',
      severity: 'high',
      evidence: 'no active X.509 signing certificate (cert_1_active false, cert_2_active false)',
      remediation: { text: 'Delete root signing certificates.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html' },
      references: [],
    },
    {
      id: 'security-contact',
      title: 'A security alternate contact is set',
      status: 'pass',
      severity: 'low',
      evidence: 'security contact: Security Team <security@example.com>',
      remediation: { text: 'Set the SECURITY alternate contact.', url: 'https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html' },
      references: CIS('1.2', '2.1'),
    },
    {
      id: 'root-credentials-centralized',
      title: 'Root access is centrally managed (AWS Organizations)',
      status: 'not-applicable',
      severity: 'medium',
      evidence: 'standalone account: not in an AWS Organization',
      remediation: { text: 'Enable centralized root access management in the management account.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management' },
      references: [],
    },
  ];
  return { account: { id: '123456789012', alias: 'acme-prod' }, generatedAt: '2025-06-02T09:30:00.000Z', score: { passed: 4, total: 8 }, findings };
}

const STATUSES: FindingStatus[] = ['fail', 'error', 'warn', 'pass', 'not-applicable'];
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** `count` findings; `statusOf` picks each one's status (default: cycle through all five). */
export function syntheticReport(count: number, options: { statusOf?: (index: number) => FindingStatus; evidence?: (index: number) => string } = {}): PostureReport {
  const findings: Finding[] = Array.from({ length: count }, (_, index) => ({
    id: `synthetic-check-${index}`,
    title: `Synthetic check number ${index}`,
    status: options.statusOf?.(index) ?? STATUSES[index % STATUSES.length]!,
    severity: SEVERITIES[index % SEVERITIES.length]!,
    evidence: options.evidence?.(index) ?? `evidence for check ${index}`,
    remediation: { text: `Fix check ${index}.`, url: `https://docs.aws.amazon.com/check-${index}` },
    references: [{ label: `CIS AWS Foundations v3.0 1.${index}` }],
  }));
  const applicable = findings.filter((finding) => finding.status !== 'not-applicable');
  return {
    account: { id: '210987654321', alias: null },
    generatedAt: '2025-06-02T09:30:00.000Z',
    score: { passed: applicable.filter((finding) => finding.status === 'pass').length, total: applicable.length },
    findings,
  };
}
