// The account password policy: CIS asks for a minimum length of 14 and a memory of the last 24 passwords.
import type { Check, PasswordPolicy } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';

const MINIMUM_LENGTH = 14;
const REUSE_PREVENTION = 24;

function shortfalls(policy: PasswordPolicy): string[] {
  const problems: string[] = [];
  if (policy.minimumPasswordLength === null || policy.minimumPasswordLength < MINIMUM_LENGTH) {
    problems.push(`minimum length ${policy.minimumPasswordLength ?? 'not set'} (needs ${MINIMUM_LENGTH} or more)`);
  }
  if (!policy.passwordReusePrevention) problems.push(`password reuse prevention off (needs ${REUSE_PREVENTION})`);
  else if (policy.passwordReusePrevention < REUSE_PREVENTION) problems.push(`remembers ${policy.passwordReusePrevention} passwords (needs ${REUSE_PREVENTION})`);
  return problems;
}

export const passwordPolicy: Check = {
  id: 'password-policy',
  title: 'Account password policy requires length 14+ and prevents reuse of 24 passwords',
  severity: 'medium',
  references: [
    cisAwsFoundations('3.0', '1.8'),
    cisAwsFoundations('3.0', '1.9'),
    cisAwsFoundations('7.0', '2.8'),
    cisAwsFoundations('7.0', '2.9'),
    securityHubControl('IAM.15'),
    securityHubControl('IAM.16'),
  ],
  remediation: {
    text: 'Run `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24` (add the other settings you need: the call replaces the whole policy).',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  },
  evaluate(facts) {
    if (!facts.passwordPolicy.ok) return couldNotTell([facts.passwordPolicy.error]);
    const policy = facts.passwordPolicy.value;
    if (policy === null) return { status: 'fail', evidence: 'No account password policy is set (GetAccountPasswordPolicy: NoSuchEntity)' };
    const problems = shortfalls(policy);
    if (problems.length > 0) return { status: 'fail', evidence: `Password policy falls short: ${problems.join('; ')}` };
    return { status: 'pass', evidence: `Password policy: minimum length ${policy.minimumPasswordLength}, remembers ${policy.passwordReusePrevention} passwords` };
  },
};
