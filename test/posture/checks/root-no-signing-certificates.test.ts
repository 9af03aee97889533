import { describe, expect, it } from 'vitest';
import { rootNoSigningCertificates } from '../../../src/posture/checks/root-no-signing-certificates.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts } from '../../../src/posture/model.js';
import { buildFacts, daysAgo, failed, noCertificate, ok, rootRow, withRoot } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => rootNoSigningCertificates.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const certificatesPresent = ok({ accountMfaEnabled: true, accountAccessKeysPresent: false, accountSigningCertificatesPresent: true });

describe('root-no-signing-certificates', () => {
  it('passes when GetAccountSummary shows no root signing certificate', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'Root has no signing certificates (GetAccountSummary AccountSigningCertificatesPresent=0)' });
  });

  it('fails on an active certificate, with its age', () => {
    const row = rootRow({ certificates: [{ slot: 1, active: true, lastRotated: daysAgo(700) }, noCertificate(2)] });
    expect(evaluate(withRoot(row, { accountSummary: certificatesPresent }))).toEqual({ status: 'fail', evidence: 'root signing certificate 1 active, created 700 days ago' });
  });

  it('warns when the summary counts a certificate that is inactive in the credential report', () => {
    const result = evaluate(buildFacts({ accountSummary: certificatesPresent }));
    expect(result.status).toBe('warn');
    expect(result.evidence).toContain('inactive per the credential report');
  });

  it('fails when the summary counts a certificate and the report cannot say whether it is active', () => {
    const result = evaluate(buildFacts({ accountSummary: certificatesPresent, credentialReport: failed('iam:GetCredentialReport') }));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('iam:GetCredentialReport was denied');
  });

  it('passes from the credential report alone when GetAccountSummary is denied', () => {
    expect(evaluate(buildFacts({ accountSummary: failed('iam:GetAccountSummary') }))).toEqual({
      status: 'pass',
      evidence: 'The credential report shows no active root signing certificates',
    });
  });

  it('is an error naming both actions when neither can be read', () => {
    const result = evaluate(buildFacts({ accountSummary: failed('iam:GetAccountSummary'), credentialReport: failed('iam:GetCredentialReport', 'TimeoutError', 'socket hang up') }));
    expect(result).toEqual({
      status: 'error',
      evidence: "Could not tell: iam:GetAccountSummary was denied (AccessDenied): grant it in the bot's IAM policy; iam:GetCredentialReport failed (TimeoutError): socket hang up",
    });
  });
});
