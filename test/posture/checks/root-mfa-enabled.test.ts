import { describe, expect, it } from 'vitest';
import { rootMfaEnabled } from '../../../src/posture/checks/root-mfa-enabled.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts } from '../../../src/posture/model.js';
import { accessKey, buildFacts, centrallyManagedMemberFacts, daysAgo, failed, noKey, ok, removedRootRow, rootRow, withRoot } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => rootMfaEnabled.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const noMfaSummary = ok({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false });

describe('root-mfa-enabled', () => {
  it('passes when both GetAccountSummary and the credential report show root MFA', () => {
    expect(evaluate(buildFacts())).toEqual({
      status: 'pass',
      evidence: 'Root MFA is enabled (GetAccountSummary AccountMFAEnabled=1, credential report mfa_active=true)',
    });
  });

  it('fails when root has a password and no MFA, saying when the password was last used', () => {
    const facts = withRoot(rootRow({ mfaActive: false, passwordLastUsed: daysAgo(12) }), { accountSummary: noMfaSummary });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root has a password (last used 12 days ago) and no MFA device' });
  });

  it('trusts the summary when the (older) credential report has not caught up with a new MFA device yet', () => {
    const facts = withRoot(rootRow({ mfaActive: false }));
    expect(evaluate(facts)).toEqual({ status: 'pass', evidence: 'Root MFA is enabled (GetAccountSummary AccountMFAEnabled=1)' });
  });

  it('passes a member account whose root credentials were removed through centralized root access', () => {
    const result = evaluate(centrallyManagedMemberFacts());
    expect(result.status).toBe('pass');
    expect(result.evidence).toBe(
      'Root credentials removed through centralized root access (RootCredentialsManagement enabled in o-a1b2c3d4e5): no password, access keys or signing certificates, so no MFA device is needed',
    );
  });

  it('passes a root without any credential outside centralized management too, but says recovery stays possible', () => {
    const result = evaluate(centrallyManagedMemberFacts({ organizationsFeatures: ok({ inOrganization: false, organizationId: null, enabledFeatures: [] }) }));
    expect(result.status).toBe('pass');
    expect(result.evidence).toContain('nothing for MFA to protect');
    expect(result.evidence).toContain('password recovery through the root email stays possible');
  });

  it('fails a root with no password but an inactive access key: the key still needs protecting', () => {
    const row = rootRow({ passwordLastUsed: null, mfaActive: false, accessKeys: [noKey(1), accessKey(2, { active: false, lastUsedDate: daysAgo(300) })] });
    const facts = withRoot(row, { accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: true, accountSigningCertificatesPresent: false }) });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root has access key 2 (inactive) and no MFA device' });
  });

  it('does not count a root without credentials when GetAccountSummary still reports a signing certificate', () => {
    const facts = withRoot(removedRootRow(), { accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: true }) });
    expect(evaluate(facts).status).toBe('fail');
  });

  it('decides from the credential report alone when GetAccountSummary is denied', () => {
    const facts = withRoot(rootRow({ mfaActive: false, passwordLastUsed: daysAgo(2) }), { accountSummary: failed('iam:GetAccountSummary') });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root has a password (last used 2 days ago) and no MFA device' });
  });

  it('fails from GetAccountSummary alone when the credential report is denied, naming the denied action', () => {
    const facts = buildFacts({
      accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: true, accountSigningCertificatesPresent: false }),
      credentialReport: failed('iam:GetCredentialReport'),
    });
    expect(evaluate(facts)).toEqual({
      status: 'fail',
      evidence: "Root has no MFA device (AccountMFAEnabled=0); iam:GetCredentialReport was denied (AccessDenied): grant it in the bot's IAM policy",
    });
  });

  it('warns instead when centralized root access is on and the summary shows no keys, since credentials may be gone', () => {
    const facts = buildFacts({ accountSummary: noMfaSummary, credentialReport: failed('iam:GetCredentialReport') });
    const result = evaluate(facts);
    expect(result.status).toBe('warn');
    expect(result.evidence).toContain('removed root credentials cannot be confirmed');
  });

  it('is an error naming both actions when neither source can be read', () => {
    const facts = buildFacts({ accountSummary: failed('iam:GetAccountSummary'), credentialReport: failed('iam:GetCredentialReport', 'ThrottlingException') });
    expect(evaluate(facts)).toEqual({
      status: 'error',
      evidence:
        "Could not tell: iam:GetAccountSummary was denied (AccessDenied): grant it in the bot's IAM policy; iam:GetCredentialReport was throttled (ThrottlingException) even after retries: run the check again",
    });
  });

  it('is an error when the summary is denied and the report has no <root_account> row', () => {
    const facts = withRoot(null, { accountSummary: failed('iam:GetAccountSummary') });
    const result = evaluate(facts);
    expect(result.status).toBe('error');
    expect(result.evidence).toContain('iam:GetAccountSummary was denied');
    expect(result.evidence).toContain('the credential report (iam:GetCredentialReport) has no <root_account> row');
  });

  it('treats an explicit password_enabled=true as a password even if never used', () => {
    const facts = withRoot(rootRow({ passwordEnabled: true, passwordLastUsed: null, mfaActive: false }), { accountSummary: noMfaSummary });
    expect(evaluate(facts)).toEqual({ status: 'fail', evidence: 'Root has a password and no MFA device' });
  });
});
