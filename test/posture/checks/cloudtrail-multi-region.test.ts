import { describe, expect, it } from 'vitest';
import { cloudtrailMultiRegion } from '../../../src/posture/checks/cloudtrail-multi-region.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts, Trail } from '../../../src/posture/model.js';
import { ACCOUNT_ID, buildFacts, failed, ok } from './facts-builder.js';

const evaluate = (facts: AccountFacts) => cloudtrailMultiRegion.evaluate(facts, DEFAULT_CHECK_OPTIONS);
const trail = (name: string, overrides: Partial<Trail> = {}): Trail => ({
  name,
  arn: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT_ID}:trail/${name}`,
  homeRegion: 'eu-west-1',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  isOrganizationTrail: false,
  isLogging: true,
  ...overrides,
});
const withTrails = (...trails: Trail[]) => buildFacts({ trails: ok(trails) });

describe('cloudtrail-multi-region', () => {
  it('passes with a logging multi-region organization trail', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: 'organization trail org-trail (home us-east-1) is logging, with global service events' });
  });

  it('fails when there is no trail', () => {
    expect(evaluate(withTrails())).toEqual({ status: 'fail', evidence: 'No CloudTrail trails: nothing records account activity beyond the 90-day event history' });
  });

  it('fails when trails exist but none is multi-region', () => {
    const result = evaluate(withTrails(trail('app-a', { isMultiRegionTrail: false }), trail('app-b', { isMultiRegionTrail: false })));
    expect(result).toEqual({ status: 'fail', evidence: '2 trail(s) (app-a, app-b), none multi-region: activity in other regions is not recorded' });
  });

  it('fails when the multi-region trail is stopped', () => {
    expect(evaluate(withTrails(trail('main', { isLogging: false })))).toEqual({ status: 'fail', evidence: 'Multi-region trail(s) main stopped: logging is off' });
  });

  it('fails when the multi-region trail leaves out global service events', () => {
    const result = evaluate(withTrails(trail('main', { includeGlobalServiceEvents: false })));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('without global service events');
  });

  it('is an error naming cloudtrail:GetTrailStatus when the status is unreadable', () => {
    const statusError = { action: 'cloudtrail:GetTrailStatus', code: 'AccessDeniedException', message: 'not authorized' };
    const result = evaluate(withTrails(trail('main', { isLogging: null, statusError })));
    expect(result).toEqual({
      status: 'error',
      evidence: "Could not tell: cloudtrail:GetTrailStatus was denied (AccessDeniedException): grant it in the bot's IAM policy; logging status of multi-region trail(s) main unknown",
    });
  });

  it('prefers "could not tell" over "stopped" when another multi-region trail is unreadable', () => {
    const result = evaluate(withTrails(trail('old', { isLogging: false }), trail('main', { isLogging: null })));
    expect(result.status).toBe('error');
    expect(result.evidence).toContain('cloudtrail:GetTrailStatus');
  });

  it('passes when one multi-region trail is complete even if others are stopped or unreadable', () => {
    const result = evaluate(withTrails(trail('old', { isLogging: false }), trail('odd', { isLogging: null }), trail('main')));
    expect(result).toEqual({ status: 'pass', evidence: 'multi-region trail main (home eu-west-1) is logging, with global service events' });
  });

  it('is an error naming cloudtrail:DescribeTrails when trails cannot be listed', () => {
    const result = evaluate(buildFacts({ trails: failed('cloudtrail:DescribeTrails', 'AccessDeniedException') }));
    expect(result.status).toBe('error');
    expect(result.evidence).toContain('cloudtrail:DescribeTrails was denied');
  });

  it('keeps the evidence short when many trails fall short', () => {
    const trails = ['a', 'b', 'c', 'd', 'e'].map((name) => trail(name, { isMultiRegionTrail: false }));
    expect(evaluate(withTrails(...trails)).evidence).toContain('(a, b, c and 2 more)');
  });
});
