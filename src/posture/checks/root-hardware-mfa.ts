// A virtual MFA app lives on a phone that can be cloned, lost or phished; root deserves a hardware device.
import type { AccountFacts, Check, VirtualMfaDevice } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';
import { assessRootMfa } from './support/root-mfa.js';
import { describeWhen } from './support/time.js';

// Any partition (aws, aws-us-gov, aws-cn): the root user's ARN is arn:<partition>:iam::<account>:root.
const ROOT_USER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

function isAssignedToRoot(device: VirtualMfaDevice, accountId: string): boolean {
  const match = device.userArn ? ROOT_USER_ARN.exec(device.userArn) : null;
  return match !== null && match[1] === accountId;
}

function describeDevice(device: VirtualMfaDevice, facts: AccountFacts): string {
  // The serial is an ARN ("arn:aws:iam::123456789012:mfa/root-account-mfa-device"): its name part reads best.
  const name = device.serialNumber.includes(':mfa/') ? `mfa/${device.serialNumber.split(':mfa/')[1]}` : device.serialNumber;
  return device.enableDate ? `${name}, enabled ${describeWhen(device.enableDate, facts.gatheredAt)}` : name;
}

export const rootHardwareMfa: Check = {
  id: 'root-hardware-mfa',
  title: "Root user's MFA is a hardware device, not a virtual one",
  // Security Hub rates IAM.6 critical; CIS makes it Level 2. A virtual device still stops password-only attacks: high.
  severity: 'high',
  references: [cisAwsFoundations('3.0', '1.6'), cisAwsFoundations('7.0', '2.6'), securityHubControl('IAM.6')],
  remediation: {
    text: 'Sign in as root, assign a FIDO security key or hardware TOTP token under Security credentials, then remove the virtual (authenticator app) device.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
  },
  evaluate(facts) {
    const sessionDevices = facts.rootSession?.ok ? facts.rootSession.value.mfaDevices : null;
    if (sessionDevices && sessionDevices.length > 0) {
      // A root audit session lists root's own devices: the serial tells the kind (virtual, FIDO key, hardware TOTP).
      const virtual = sessionDevices.find((device) => device.kind === 'virtual');
      if (virtual) return { status: 'fail', evidence: `Root MFA includes a virtual device (${virtual.serialNumber.split(':').pop()}), per iam:ListMFADevices in a root audit session` };
      const kinds = sessionDevices.map((device) => (device.kind === 'security-key' ? `FIDO security key ${device.serialNumber.split(':').pop()}` : `hardware TOTP token ${device.serialNumber}`));
      return { status: 'pass', evidence: `Root MFA is hardware: ${kinds.join(', ')} (iam:ListMFADevices in a root audit session)` };
    }
    if (facts.virtualMfaDevices.ok) {
      const rootVirtualDevice = facts.virtualMfaDevices.value.find((device) => isAssignedToRoot(device, facts.account.id));
      if (rootVirtualDevice) {
        return { status: 'fail', evidence: `Root MFA is a virtual device (${describeDevice(rootVirtualDevice, facts)})` };
      }
    }
    const verdict = assessRootMfa(facts);
    switch (verdict.kind) {
      case 'enabled':
        if (!facts.virtualMfaDevices.ok) return couldNotTell([facts.virtualMfaDevices.error], 'root MFA is on, but whether it is virtual is unknown');
        return { status: 'pass', evidence: 'Root MFA is enabled and no virtual MFA device is assigned to the root user, so it is a hardware token or security key' };
      case 'not-needed':
        return { status: 'pass', evidence: verdict.evidence };
      case 'missing':
        return { status: verdict.status, evidence: verdict.evidence };
      case 'unknown':
        return couldNotTell(verdict.errors, verdict.detail);
    }
  },
};
