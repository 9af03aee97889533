import { describe, expect, it } from 'vitest';
import { passwordPolicy } from '../../../src/posture/checks/password-policy.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts, PasswordPolicy } from '../../../src/posture/model.js';
import { buildFacts, failed, ok } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => passwordPolicy.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const policy = (overrides: Partial<PasswordPolicy>): AccountFacts =>
  buildFacts({
    passwordPolicy: ok({
      minimumPasswordLength: 14,
      passwordReusePrevention: 24,
      requireSymbols: false,
      requireNumbers: false,
      requireUppercaseCharacters: false,
      requireLowercaseCharacters: false,
      maxPasswordAge: null,
      ...overrides,
    }),
  });

describe('password-policy', () => {
  it('passes a policy with length 14 and reuse prevention 24', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'Password policy: minimum length 14, remembers 24 passwords' });
  });

  it('passes stricter values', () => {
    expect(evaluate(policy({ minimumPasswordLength: 32 })).status).toBe('pass');
  });

  it('fails when the account has no password policy (NoSuchEntity)', () => {
    expect(evaluate(buildFacts({ passwordPolicy: ok(null) }))).toEqual({
      status: 'fail',
      evidence: 'No account password policy is set (GetAccountPasswordPolicy: NoSuchEntity)',
    });
  });

  it('names every part that falls short', () => {
    expect(evaluate(policy({ minimumPasswordLength: 8, passwordReusePrevention: null }))).toEqual({
      status: 'fail',
      evidence: 'Password policy falls short: minimum length 8 (needs 14 or more); password reuse prevention off (needs 24)',
    });
  });

  it('names only the part that falls short', () => {
    const result = evaluate(policy({ passwordReusePrevention: 5 }));
    expect(result).toEqual({ status: 'fail', evidence: 'Password policy falls short: remembers 5 passwords (needs 24)' });
  });

  it('fails a policy without a minimum length', () => {
    expect(evaluate(policy({ minimumPasswordLength: null })).evidence).toContain('minimum length not set (needs 14 or more)');
  });

  it('is an error naming iam:GetAccountPasswordPolicy when it is denied', () => {
    expect(evaluate(buildFacts({ passwordPolicy: failed('iam:GetAccountPasswordPolicy') }))).toEqual({
      status: 'error',
      evidence: "Could not tell: iam:GetAccountPasswordPolicy was denied (AccessDenied): grant it in the bot's IAM policy",
    });
  });
});
