import { describe, expect, it } from 'vitest';
import { buildWeeklySummary } from '../../src/summary/build.js';
import { renderWeeklySummaryText } from '../../src/summary/render-text.js';
import { account, input, report, rootEvent, snapshotOf } from './fixtures.js';

describe('renderWeeklySummaryText', () => {
  const before = report('111122223333', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail' });
  const after = report('111122223333', { 'security-contact': 'fail' }, 'prod');
  const summary = buildWeeklySummary(input({
    accounts: [
      account('111122223333', after, snapshotOf(before), 'prod'),
      account('444455556666', { message: 'Access denied\u001b[2J by SCP', code: 'AccessDenied' }, null, 'sandbox'),
    ],
    events: [rootEvent({ kind: 'console-login-failure', eventTime: '2026-11-24T10:00:00Z' }), rootEvent({ kind: 'root-only-task', eventTime: '2026-11-24T11:00:00Z', eventName: 'CloseAccount' })],
    eventCountHistory: [{ weekKey: '2026-W47', count: 4 }],
    unacknowledgedAlerts: [{ alertId: '9', accountId: '111122223333', headline: 'Failed root sign-ins (3 in 10 minutes)', kind: 'console-login-failure', state: 'escalated', createdAt: '2026-11-24T10:05:00Z', message: { channel: 'C0123456789', ts: '1763978700.000200' } }],
    acknowledgments: [{ alertId: '2', raisedAt: '2026-11-24T11:00:00Z', acknowledgedAt: '2026-11-24T13:05:00Z' }],
  }));

  it('prints every part a terminal user needs, uncoloured when not a TTY', () => {
    const text = renderWeeklySummaryText(summary, { colour: false });
    expect(text).not.toContain('\u001b[');
    expect(text.split('\n').slice(0, 2)).toEqual(['Weekly root hygiene: 23–29 Nov 2026', 'Week 2026-W48, Monday to Sunday in UTC · 2 accounts watched']);
    expect(text).toContain('111122223333 (prod)  8/9, up from 7/9');
    expect(text).toMatch(/fixed: .*Root user has no access keys/);
    expect(text).toContain('newly failing: A security alternate contact is registered');
    expect(text).toContain('444455556666 (sandbox): AccessDenied: Access denied by SCP');
    expect(text).toContain('Root activity: 2 events · 8-week trend ▁▁▁▁▁▁█▅ (0, 0, 0, 0, 0, 0, 4, 2)');
    expect(text).toMatch(/Failed sign-ins\s+1\n/);
    expect(text).toMatch(/Root-only tasks \(expected root use\)\s+1\n/);
    expect(text).toContain('#9  2026-11-24T10:05:00Z  111122223333  Failed root sign-ins (3 in 10 minutes)  (escalated, 5 d 22 h old)  channel C0123456789, ts 1763978700.000200');
    expect(text).toContain('Median time to acknowledge: 2 h 5 min over 1 acknowledgment');
  });

  it('colours changes on a TTY, and never passes control characters from AWS text through', () => {
    const text = renderWeeklySummaryText(summary, { colour: true });
    expect(text).toContain('\u001b[32m8/9, up from 7/9\u001b[0m');
    expect(text).not.toContain('\u001b[2J');
  });

  it('a quiet week is short', () => {
    const steady = report('1');
    const quiet = renderWeeklySummaryText(buildWeeklySummary(input({ accounts: [account('1', steady, snapshotOf(steady))] })), { colour: false });
    expect(quiet).toContain('A quiet week: no root activity, no open alerts and no change in posture.');
    expect(quiet).not.toContain('Root activity');
    expect(quiet.trim().split('\n').length).toBeLessThanOrEqual(7);
  });
});
