import { describe, expect, it } from 'vitest';
import { buildOverview, failingOnly } from '../../src/posture/index.js';
import { organization, reportWith } from '../slack/overview-fixture.js';

describe('buildOverview', () => {
  it('sorts accounts into failing, warning, could not be checked and clean, and counts them', () => {
    const overview = buildOverview(organization(143));
    // 143 accounts: index%13==12 fail (11 of them: 12,25,…,142); index%29==28 unchecked (28,57,86,115 -> 4, none also failing)
    expect(overview.totals.accounts).toBe(143);
    expect(overview.totals.failing).toBe(11);
    expect(overview.totals.unchecked).toBe(4);
    expect(overview.totals.failing + overview.totals.warning + overview.totals.unchecked + overview.totals.clean).toBe(143);
    const standings = overview.lines.map((line) => line.standing);
    expect(standings.indexOf('warning')).toBeGreaterThan(standings.lastIndexOf('failing'));
    expect(standings.indexOf('unchecked')).toBeGreaterThan(standings.lastIndexOf('warning'));
    expect(standings.indexOf('clean')).toBeGreaterThan(standings.lastIndexOf('unchecked'));
  });

  it('puts accounts with more critical failures first, and keeps the oldest check time', () => {
    const overview = buildOverview([
      { account: { id: '111111111111', alias: null, name: 'zeta' }, result: { ok: true, report: reportWith('111111111111', 'pass', { 'password-policy': 'fail' }) }, checkedAt: '2026-12-01T12:00:00.000Z' },
      { account: { id: '222222222222', alias: null, name: 'alpha' }, result: { ok: true, report: reportWith('222222222222', 'pass', { 'root-no-access-keys': 'fail' }) }, checkedAt: '2026-12-01T11:00:00.000Z' },
      { account: { id: '333333333333', alias: null, name: 'never' }, result: null, checkedAt: null },
    ]);
    expect(overview.lines.map((line) => line.account.id)).toEqual(['222222222222', '111111111111', '333333333333']);
    expect(overview.lines[0]?.failing.map((finding) => finding.id)).toEqual(['root-no-access-keys']);
    expect(overview.lines[2]?.standing).toBe('unchecked');
    expect(overview.lines[2]?.error?.message).toMatch(/not checked yet/);
    expect(overview.oldestCheckedAt).toBe('2026-12-01T11:00:00.000Z');
  });

  it('failingOnly keeps the organization totals and drops the other lines', () => {
    const overview = failingOnly(buildOverview(organization(143)));
    expect(overview.totals.accounts).toBe(143);
    expect(overview.lines).toHaveLength(11);
    expect(overview.lines.every((line) => line.standing === 'failing')).toBe(true);
  });
});
