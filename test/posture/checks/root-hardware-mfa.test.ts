import { describe, expect, it } from 'vitest';
import { rootHardwareMfa } from '../../../src/posture/checks/root-hardware-mfa.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts, VirtualMfaDevice } from '../../../src/posture/model.js';
import { ACCOUNT_ID, buildFacts, centrallyManagedMemberFacts, daysAgo, failed, ok, rootRow, withRoot } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => rootHardwareMfa.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const rootVirtualDevice: VirtualMfaDevice = {
  serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`,
  userArn: `arn:aws:iam::${ACCOUNT_ID}:root`,
  enableDate: daysAgo(40),
};

describe('root-hardware-mfa', () => {
  it('passes when root MFA is on and the only virtual device belongs to an IAM user', () => {
    expect(evaluate(buildFacts())).toEqual({
      status: 'pass',
      evidence: 'Root MFA is enabled and no virtual MFA device is assigned to the root user, so it is a hardware token or security key',
    });
  });

  it('fails when a virtual MFA device is assigned to the root ARN', () => {
    const facts = buildFacts({ virtualMfaDevices: ok([rootVirtualDevice]) });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root MFA is a virtual device (mfa/root-account-mfa-device, enabled 40 days ago)' });
  });

  it('recognises the root ARN in other partitions (GovCloud)', () => {
    const device = { ...rootVirtualDevice, serialNumber: `arn:aws-us-gov:iam::${ACCOUNT_ID}:mfa/root`, userArn: `arn:aws-us-gov:iam::${ACCOUNT_ID}:root` };
    expect(evaluate(buildFacts({ virtualMfaDevices: ok([device]) })).status).toBe('fail');
  });

  it("ignores a virtual device assigned to another account's root and to IAM users named like root", () => {
    const devices: VirtualMfaDevice[] = [
      { ...rootVirtualDevice, userArn: 'arn:aws:iam::999999999999:root' },
      { serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root`, userArn: `arn:aws:iam::${ACCOUNT_ID}:user/root`, enableDate: null },
    ];
    expect(evaluate(buildFacts({ virtualMfaDevices: ok(devices) })).status).toBe('pass');
  });

  it('fails when root has no MFA at all', () => {
    const facts = withRoot(rootRow({ mfaActive: false }), {
      accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false }),
    });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root has a password (last used 200 days ago) and no MFA device' });
  });

  it('passes a centrally managed member account without root credentials, as Security Hub IAM.6 does', () => {
    const result = evaluate(centrallyManagedMemberFacts());
    expect(result.status).toBe('pass');
    expect(result.evidence).toContain('Root credentials removed through centralized root access');
  });

  it('is an error naming iam:ListVirtualMFADevices when MFA is on but the device list is denied', () => {
    const result = evaluate(buildFacts({ virtualMfaDevices: failed('iam:ListVirtualMFADevices') }));
    expect(result).toEqual({
      status: 'error',
      evidence: "Could not tell: iam:ListVirtualMFADevices was denied (AccessDenied): grant it in the bot's IAM policy; root MFA is on, but whether it is virtual is unknown",
    });
  });

  it('still fails without the device list when root plainly has no MFA', () => {
    const facts = withRoot(rootRow({ mfaActive: false }), {
      accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false }),
      virtualMfaDevices: failed('iam:ListVirtualMFADevices'),
    });
    expect(evaluate(facts).status).toBe('fail');
  });

  it('is an error when whether root has MFA at all cannot be read', () => {
    const facts = buildFacts({ accountSummary: failed('iam:GetAccountSummary'), credentialReport: failed('iam:GetCredentialReport') });
    const result = evaluate(facts);
    expect(result.status).toBe('error');
    expect(result.evidence).toContain('iam:GetAccountSummary');
    expect(result.evidence).toContain('iam:GetCredentialReport');
  });
});
