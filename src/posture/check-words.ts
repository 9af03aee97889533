// A failing check in a few words, for lists of many accounts ("root access key, no root MFA"): the full title and
// evidence stay in each account's own report.
import type { Finding } from './model.js';

const FAILING_WORDS: Readonly<Record<string, string>> = {
  'root-no-access-keys': 'root access key',
  'root-mfa-enabled': 'no root MFA',
  'root-hardware-mfa': 'root MFA not hardware',
  'root-no-signing-certificates': 'root signing certificate',
  'root-not-used-recently': 'root used recently',
  'password-policy': 'weak password policy',
  'cloudtrail-multi-region': 'no multi-region trail',
  'security-contact': 'no security contact',
  'root-credentials-centralized': 'root credentials not centralized',
};

/** "root access key" for a failing or warning finding; "could not check cloudtrail-multi-region" for an error. */
export function findingInFewWords(finding: Pick<Finding, 'id' | 'status' | 'title'>): string {
  if (finding.status === 'error') return `could not check ${finding.id}`;
  return FAILING_WORDS[finding.id] ?? finding.title;
}
