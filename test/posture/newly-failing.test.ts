import { describe, expect, it } from 'vitest';
import { newlyFailingFindings } from '../../src/posture/index.js';
import { reportWith } from '../slack/overview-fixture.js';

describe('newlyFailingFindings', () => {
  it('names the checks that fail now and passed, warned or could not be checked before, with this report\'s evidence', () => {
    const before = reportWith('210987654321', 'pass', { 'password-policy': 'fail', 'cloudtrail-multi-region': 'error' }, '2026-12-01T06:00:00.000Z');
    const after = reportWith('210987654321', 'pass', { 'password-policy': 'fail', 'root-no-access-keys': 'fail', 'cloudtrail-multi-region': 'fail' }, '2026-12-01T12:00:00.000Z');
    const diff = newlyFailingFindings(before, after);
    expect(diff?.findings.map((finding) => finding.id).sort()).toEqual(['cloudtrail-multi-region', 'root-no-access-keys']);
    expect(diff?.findings.find((finding) => finding.id === 'root-no-access-keys')?.evidence).toContain('root access key');
    expect(diff).toMatchObject({ accountId: '210987654321', previousAt: '2026-12-01T06:00:00.000Z', currentAt: '2026-12-01T12:00:00.000Z' });
  });

  it('says nothing when nothing got worse, for a first report, or for reports of different accounts', () => {
    const failing = reportWith('210987654321', 'pass', { 'root-no-access-keys': 'fail' });
    expect(newlyFailingFindings(failing, failing)).toBeNull();
    expect(newlyFailingFindings(failing, reportWith('210987654321', 'pass'))).toBeNull();
    expect(newlyFailingFindings(null, failing)).toBeNull();
    expect(newlyFailingFindings(reportWith('111111111111', 'pass'), failing)).toBeNull();
  });
});
