import { describe, expect, it } from 'vitest';
import { securityContact } from '../../../src/posture/checks/security-contact.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts } from '../../../src/posture/model.js';
import { buildFacts, failed, ok } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => securityContact.evaluate(facts, DEFAULT_CHECK_OPTIONS);

describe('security-contact', () => {
  it('passes when a SECURITY alternate contact is set', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'Security contact: Security Team <security@example.com>' });
  });

  it('fails when none is set (GetAlternateContact: ResourceNotFoundException)', () => {
    expect(evaluate(buildFacts({ securityContact: ok(null) }))).toEqual({
      status: 'fail',
      evidence: 'No SECURITY alternate contact is set: AWS security notices go only to the root email address',
    });
  });

  it('warns when the contact has no email address', () => {
    const result = evaluate(buildFacts({ securityContact: ok({ name: 'SecOps', emailAddress: null, phoneNumber: '+1-555-0100', title: null }) }));
    expect(result).toEqual({ status: 'warn', evidence: 'Security contact SecOps has no email address' });
  });

  it('is an error naming account:GetAlternateContact when it is denied', () => {
    expect(evaluate(buildFacts({ securityContact: failed('account:GetAlternateContact', 'AccessDeniedException') }))).toEqual({
      status: 'error',
      evidence: "Could not tell: account:GetAlternateContact was denied (AccessDeniedException): grant it in the bot's IAM policy",
    });
  });
});
