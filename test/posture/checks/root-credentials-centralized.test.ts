import { describe, expect, it } from 'vitest';
import { rootCredentialsCentralized } from '../../../src/posture/checks/root-credentials-centralized.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts } from '../../../src/posture/model.js';
import { buildFacts, failed, ok } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => rootCredentialsCentralized.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const features = (...enabledFeatures: string[]) => buildFacts({ organizationsFeatures: ok({ inOrganization: true, organizationId: 'o-a1b2c3d4e5', enabledFeatures }) });

describe('root-credentials-centralized', () => {
  it('passes when RootCredentialsManagement and RootSessions are both enabled', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'RootCredentialsManagement and RootSessions are enabled for o-a1b2c3d4e5' });
  });

  it('is not applicable to a standalone account', () => {
    expect(evaluate(buildFacts({ organizationsFeatures: ok({ inOrganization: false, organizationId: null, enabledFeatures: [] }) }))).toEqual({
      status: 'not-applicable',
      evidence: 'Standalone account: not a member of AWS Organizations',
    });
  });

  it('warns when credentials are managed centrally but root sessions are off', () => {
    const result = evaluate(features('RootCredentialsManagement'));
    expect(result.status).toBe('warn');
    expect(result.evidence).toContain('RootSessions is not');
  });

  it('fails when only root sessions are on', () => {
    const result = evaluate(features('RootSessions'));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('RootCredentialsManagement is not');
  });

  it('fails when neither feature is on', () => {
    expect(evaluate(features())).toEqual({
      status: 'fail',
      evidence: 'Centralized root access is off for o-a1b2c3d4e5: every member account keeps its own root password and can recover it',
    });
  });

  it('is not applicable from a member account, which cannot read the organization setting', () => {
    const result = evaluate(buildFacts({ organizationsFeatures: failed('iam:ListOrganizationsFeatures', 'AccountNotManagementOrDelegatedAdministratorException') }));
    expect(result.status).toBe('not-applicable');
    expect(result.evidence).toContain('Member account');
  });

  it('fails when trusted access for IAM is not enabled in Organizations', () => {
    const result = evaluate(buildFacts({ organizationsFeatures: failed('iam:ListOrganizationsFeatures', 'ServiceAccessNotEnabledException') }));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('Trusted access for IAM is not enabled');
  });

  it('is an error naming iam:ListOrganizationsFeatures when it is denied', () => {
    expect(evaluate(buildFacts({ organizationsFeatures: failed('iam:ListOrganizationsFeatures') }))).toEqual({
      status: 'error',
      evidence: "Could not tell: iam:ListOrganizationsFeatures was denied (AccessDenied): grant it in the bot's IAM policy",
    });
  });
});
