// Root without MFA is one phished password away from losing the whole account.
import type { Check } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';
import { assessRootMfa } from './support/root-mfa.js';

export const rootMfaEnabled: Check = {
  id: 'root-mfa-enabled',
  title: 'Root user has MFA enabled',
  severity: 'critical',
  references: [cisAwsFoundations('3.0', '1.5'), cisAwsFoundations('7.0', '2.5'), securityHubControl('IAM.9')],
  remediation: {
    text: 'Sign in as root, open Security credentials and assign an MFA device (a FIDO security key or hardware TOTP token), or remove root credentials through centralized root access.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
  },
  evaluate(facts) {
    const verdict = assessRootMfa(facts);
    switch (verdict.kind) {
      case 'enabled':
      case 'not-needed':
        return { status: 'pass', evidence: verdict.evidence };
      case 'missing':
        return { status: verdict.status, evidence: verdict.evidence };
      case 'unknown':
        return couldNotTell(verdict.errors, verdict.detail);
    }
  },
};
