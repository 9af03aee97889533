import { describe, expect, it } from 'vitest';
import { rootNoAccessKeys } from '../../../src/posture/checks/root-no-access-keys.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts } from '../../../src/posture/model.js';
import { accessKey, buildFacts, daysAgo, failed, noKey, ok, rootRow, withRoot } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => rootNoAccessKeys.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const keysPresent = ok({ accountMfaEnabled: true, accountAccessKeysPresent: true, accountSigningCertificatesPresent: false });

describe('root-no-access-keys', () => {
  it('passes when the summary and the credential report both show no root key', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'Root has no access keys (AccountAccessKeysPresent=0, and the credential report agrees)' });
  });

  it('fails on an active key, saying when, where and with which service it was last used', () => {
    const row = rootRow({ accessKeys: [accessKey(1, { lastUsedDate: daysAgo(3.2), lastUsedRegion: 'us-east-1', lastUsedService: 's3' }), noKey(2)] });
    expect(evaluate(withRoot(row, { accountSummary: keysPresent }))).toEqual({
      status: 'fail',
      evidence: 'root access key 1 active, last used 3 days ago in us-east-1 (s3)',
    });
  });

  it('fails on an inactive key too, and says it is inactive', () => {
    const row = rootRow({ accessKeys: [noKey(1), accessKey(2, { active: false, lastUsedDate: daysAgo(200), lastUsedRegion: 'eu-west-1', lastUsedService: 'iam' })] });
    expect(evaluate(withRoot(row, { accountSummary: keysPresent }))).toEqual({
      status: 'fail',
      evidence: 'root access key 2 inactive, last used 200 days ago in eu-west-1 (iam)',
    });
  });

  it('lists the active key before the inactive one, and a never-used key by its age', () => {
    const row = rootRow({ accessKeys: [accessKey(1, { active: false, lastRotated: daysAgo(900), lastUsedDate: daysAgo(800), lastUsedRegion: 'us-west-2', lastUsedService: 'ec2' }), accessKey(2)] });
    expect(evaluate(withRoot(row, { accountSummary: keysPresent }))).toEqual({
      status: 'fail',
      evidence: 'root access key 2 active, never used, created 400 days ago; root access key 1 inactive, last used 800 days ago in us-west-2 (ec2)',
    });
  });

  it('fails when GetAccountSummary counts a key the credential report shows no trace of (an inactive, never-used key)', () => {
    const result = evaluate(buildFacts({ accountSummary: keysPresent }));
    expect(result).toEqual({
      status: 'fail',
      evidence: 'Root has an access key (GetAccountSummary AccountAccessKeysPresent=1); none is active in the credential report, and an inactive key can be re-activated',
    });
  });

  it('fails from the summary alone when the credential report is denied', () => {
    const result = evaluate(buildFacts({ accountSummary: keysPresent, credentialReport: failed('iam:GetCredentialReport') }));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('details unknown: iam:GetCredentialReport was denied (AccessDenied)');
  });

  it('passes from the credential report alone when GetAccountSummary is denied', () => {
    expect(evaluate(buildFacts({ accountSummary: failed('iam:GetAccountSummary') }))).toEqual({
      status: 'pass',
      evidence: 'The credential report shows no root access keys, active or inactive',
    });
  });

  it('passes from the summary alone when the report has no <root_account> row', () => {
    expect(evaluate(withRoot(null))).toEqual({ status: 'pass', evidence: 'Root has no access keys (GetAccountSummary AccountAccessKeysPresent=0)' });
  });

  it('is an error naming both actions when neither can be read, and never echoes a full access key id', () => {
    const facts = buildFacts({
      accountSummary: failed('iam:GetAccountSummary', 'InvalidClientTokenId', 'The security token AKIAIOSFODNN7EXAMPLE included in the request is invalid.'),
      credentialReport: failed('iam:GetCredentialReport'),
    });
    const result = evaluate(facts);
    expect(result.status).toBe('error');
    expect(result.evidence).toContain('iam:GetAccountSummary failed (InvalidClientTokenId): The security token AKIA…MPLE included');
    expect(result.evidence).toContain('iam:GetCredentialReport was denied (AccessDenied)');
    expect(result.evidence).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
