import { describe, expect, it } from 'vitest';
import { buildWeeklySummary } from '../../src/summary/build.js';
import { zonedInstant } from '../../src/summary/week.js';
import { account, input, lastWeekWindow, report, rootEvent, snapshotOf, titleOf } from './fixtures.js';

const MINUTE = 60_000;

describe('buildWeeklySummary: posture', () => {
  it('a week with no change and no activity is empty', () => {
    const posture = report('111122223333', { 'root-hardware-mfa': 'fail' }, 'prod');
    const summary = buildWeeklySummary(input({ accounts: [account('111122223333', posture, snapshotOf(posture), 'prod')] }));
    expect(summary.empty).toBe(true);
    expect(summary.accounts[0]).toMatchObject({ score: { passed: 8, total: 9 }, lastWeekScore: { passed: 8, total: 9 }, direction: 'same', newlyFailing: [], newlyFixed: [] });
    expect(summary.accounts[0]!.stillFailing).toEqual([{ id: 'root-hardware-mfa', title: titleOf('root-hardware-mfa'), status: 'fail' }]);
    expect(summary.checksFailed).toEqual([]);
    expect(summary.events.total).toBe(0);
  });

  it('an improvement: "7/9, up from 5/9" with the fixed findings named', () => {
    const before = report('111122223333', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'password-policy': 'warn', 'security-contact': 'fail' });
    const after = report('111122223333', { 'password-policy': 'warn', 'security-contact': 'fail' });
    const summary = buildWeeklySummary(input({ accounts: [account('111122223333', after, snapshotOf(before), 'prod')] }));
    const [prod] = summary.accounts;
    expect(prod).toMatchObject({ score: { passed: 7, total: 9 }, lastWeekScore: { passed: 5, total: 9 }, direction: 'up', newlyFailing: [] });
    expect(prod!.newlyFixed.map((change) => `${change.id}:${change.from}->${change.to}`).sort()).toEqual(['root-hardware-mfa:fail->pass', 'root-no-access-keys:fail->pass']);
    expect(prod!.newlyFixed.map((change) => change.title)).toContain('Root user has no access keys');
    expect(summary.totals).toMatchObject({ accountsUp: 1, accountsDown: 0, newlyFixed: 2, newlyFailing: 0 });
    expect(summary.empty).toBe(false);
  });

  it('a regression: down, with newly failing findings, and the account listed first', () => {
    const steady = report('444455556666', { 'security-contact': 'fail' });
    const before = report('111122223333');
    const after = report('111122223333', { 'root-mfa-enabled': 'fail', 'root-not-used-recently': 'warn' });
    const summary = buildWeeklySummary(input({
      accounts: [account('444455556666', steady, snapshotOf(steady), 'dev'), account('111122223333', after, snapshotOf(before), 'prod')],
    }));
    expect(summary.accounts.map((entry) => entry.account.id)).toEqual(['111122223333', '444455556666']);
    const [prod] = summary.accounts;
    expect(prod).toMatchObject({ direction: 'down', score: { passed: 7, total: 9 }, lastWeekScore: { passed: 9, total: 9 } });
    expect(prod!.newlyFailing.map((change) => `${change.id}:${change.from}->${change.to}`).sort()).toEqual(['root-mfa-enabled:pass->fail', 'root-not-used-recently:pass->warn']);
    expect(summary.totals).toMatchObject({ accountsDown: 1, accountsSame: 1, newlyFailing: 2, score: { passed: 15, total: 18 }, lastWeekScore: { passed: 17, total: 18 } });
  });

  it('fail <-> warn is neither fixed nor newly failing; error -> fail is newly failing; a new failing check is named as new', () => {
    const before = report('111122223333', { 'password-policy': 'fail', 'root-hardware-mfa': 'error' });
    const lastWeek = snapshotOf(before);
    delete lastWeek.statuses['security-contact'];
    const after = report('111122223333', { 'password-policy': 'warn', 'root-hardware-mfa': 'fail', 'security-contact': 'fail' });
    const [entry] = buildWeeklySummary(input({ accounts: [account('111122223333', after, lastWeek)] })).accounts;
    expect(entry!.newlyFixed).toEqual([]);
    expect(entry!.newlyFailing.map((change) => [change.id, change.from]).sort()).toEqual([['root-hardware-mfa', 'error'], ['security-contact', null]]);
  });

  it('the first summary of an account has nothing to compare with and is not "empty"', () => {
    const summary = buildWeeklySummary(input({ accounts: [account('111122223333', report('111122223333'), null)] }));
    expect(summary.accounts[0]).toMatchObject({ direction: 'first', lastWeekScore: null, newlyFailing: [], newlyFixed: [] });
    expect(summary.empty).toBe(false);
  });

  it('checks that errored: the account says why, the week is not empty, the score is missing', () => {
    const steady = report('444455556666');
    const summary = buildWeeklySummary(input({
      accounts: [
        account('444455556666', steady, snapshotOf(steady), 'dev'),
        account('111122223333', { message: 'User: arn:aws:sts::111122223333:assumed-role/root-guard/bot is not authorized to perform: iam:GenerateCredentialReport', code: 'AccessDenied' }, snapshotOf(report('111122223333')), 'prod'),
      ],
    }));
    expect(summary.empty).toBe(false);
    expect(summary.checksFailed).toEqual([{ account: { id: '111122223333', alias: 'prod' }, error: expect.objectContaining({ code: 'AccessDenied' }) }]);
    const prod = summary.accounts.find((entry) => entry.account.id === '111122223333')!;
    expect(prod).toMatchObject({ score: null, direction: 'unknown', lastWeekScore: { passed: 9, total: 9 }, newlyFailing: [], newlyFixed: [] });
    expect(summary.accounts[0]!.account.id).toBe('111122223333'); // needs attention: listed before the steady account
    expect(summary.totals.score).toEqual({ passed: 9, total: 9 });
  });

  it('the overall "last week" score only compares like with like', () => {
    const old = report('1', { 'root-mfa-enabled': 'fail' });
    const newcomer = report('2', { 'root-mfa-enabled': 'fail', 'security-contact': 'fail' });
    const both = buildWeeklySummary(input({ accounts: [account('1', report('1'), snapshotOf(old)), account('2', newcomer, snapshotOf(newcomer))] }));
    expect(both.totals).toMatchObject({ score: { passed: 16, total: 18 }, lastWeekScore: { passed: 15, total: 18 } });
    const withNewAccount = buildWeeklySummary(input({ accounts: [account('1', report('1'), snapshotOf(old)), account('2', newcomer, null)] }));
    expect(withNewAccount.totals).toMatchObject({ score: { passed: 16, total: 18 }, lastWeekScore: null });
  });

  it('ratios decide the direction when the number of applicable checks changes', () => {
    const lastWeek = { ...snapshotOf(report('1')), score: { passed: 7, total: 8 } };
    const now = report('1', { 'root-credentials-centralized': 'not-applicable', 'security-contact': 'fail' });
    // 7/8 (87.5%) -> 7/8 again after one check became not-applicable and another failed: unchanged.
    expect(now.score).toEqual({ passed: 7, total: 8 });
    expect(buildWeeklySummary(input({ accounts: [account('1', now, lastWeek)] })).accounts[0]!.direction).toBe('same');
    const worse = { ...snapshotOf(report('1')), score: { passed: 8, total: 8 } };
    expect(buildWeeklySummary(input({ accounts: [account('1', now, worse)] })).accounts[0]!.direction).toBe('down');
  });
});

describe('buildWeeklySummary: root events', () => {
  it('counts the week by kind, MFA and centralized-root sessions', () => {
    const at = '2026-11-25T03:12:00Z';
    const events = [
      rootEvent({ kind: 'console-login-success', mfaUsed: true, eventTime: at }),
      rootEvent({ kind: 'console-login-success', mfaUsed: false, eventTime: at }),
      rootEvent({ kind: 'console-login-success', mfaUsed: false, eventTime: at }),
      rootEvent({ kind: 'console-login-success', mfaUsed: null, eventTime: at }),
      rootEvent({ kind: 'console-login-failure', eventTime: at }),
      rootEvent({ kind: 'root-api-call', eventTime: at, centralizedRootSession: true }),
      rootEvent({ kind: 'root-credential-change', eventTime: at, eventName: 'CreateAccessKey' }),
      rootEvent({ kind: 'root-only-task', eventTime: at, eventName: 'CloseAccount', accountId: '444455556666' }),
      rootEvent({ kind: 'root-logging-disabled', eventTime: at, eventName: 'StopLogging', severity: 'critical' }),
      rootEvent({ kind: 'root-access-change', eventTime: at, eventName: 'AttachUserPolicy', severity: 'critical' }),
    ];
    const summary = buildWeeklySummary(input({ events }));
    expect(summary.events).toEqual({
      total: 10,
      consoleSignInWithMfa: 1,
      consoleSignInWithoutMfa: 2,
      consoleSignInMfaUnknown: 1,
      failedSignIns: 1,
      apiCalls: 1,
      credentialChanges: 1,
      loggingDisabled: 1,
      accessChanges: 1,
      rootOnlyTasks: 1,
      centralizedRootSessionActions: 1,
    });
    expect(summary.empty).toBe(false);
  });

  it('many events: 5000 API calls across 60 accounts, duplicates counted once', () => {
    const accounts = Array.from({ length: 60 }, (_, index) => String(100000000000 + index));
    const events = Array.from({ length: 5000 }, (_, index) => rootEvent({ kind: 'root-api-call', accountId: accounts[index % 60]!, eventTime: new Date(Date.parse('2026-11-23T00:00:00Z') + index * MINUTE).toISOString() }));
    const summary = buildWeeklySummary(input({
      accounts: accounts.map((id) => account(id, report(id), snapshotOf(report(id)))),
      events: [...events, ...events.slice(0, 100)],
    }));
    expect(summary.events.total).toBe(5000);
    expect(summary.events.apiCalls).toBe(5000);
    expect(summary.accounts.reduce((sum, entry) => sum + entry.events.total, 0)).toBe(5000);
    expect(summary.eventTrend.at(-1)).toBe(5000);
  });

  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Auckland'])('week boundary in %s: Sunday 23:59 local counts, Monday 00:00 local does not', (timezone) => {
    const sundayLate = zonedInstant({ year: 2026, month: 11, day: 29, hour: 23, minute: 59, second: 0 }, timezone).toISOString();
    const mondayStart = zonedInstant({ year: 2026, month: 11, day: 23, hour: 0, minute: 0, second: 0 }, timezone).toISOString();
    const nextMonday = zonedInstant({ year: 2026, month: 11, day: 30, hour: 0, minute: 0, second: 0 }, timezone).toISOString();
    const sundayBefore = zonedInstant({ year: 2026, month: 11, day: 22, hour: 23, minute: 59, second: 59 }, timezone).toISOString();
    const events = [sundayLate, mondayStart, nextMonday, sundayBefore].map((eventTime) => rootEvent({ kind: 'console-login-failure', eventTime }));
    const summary = buildWeeklySummary(input({ window: lastWeekWindow(timezone), now: '2026-12-01T00:00:00Z', events }));
    expect(summary.events.failedSignIns).toBe(2);
  });
});

describe('buildWeeklySummary: alerts and acknowledgments', () => {
  it('lists unacknowledged alerts oldest first with their age at the time of the summary', () => {
    const summary = buildWeeklySummary(input({
      unacknowledgedAlerts: [
        { alertId: '12', accountId: '111122223333', headline: 'Root console sign-in without MFA', kind: 'console-login-success', state: 'investigating', createdAt: '2026-11-29T09:00:10.000Z', message: { channel: 'C0123456789', ts: '1764406810.000100' } },
        { alertId: '7', accountId: '111122223333', headline: 'Root API call', kind: 'root-api-call', state: 'open', createdAt: '2026-11-20T09:00:10.000Z', message: null },
      ],
    }));
    expect(summary.unacknowledgedAlerts.map((alert) => [alert.alertId, alert.ageMs])).toEqual([
      ['7', 10 * 24 * 60 * MINUTE],
      ['12', 24 * 60 * MINUTE],
    ]);
    expect(summary.empty).toBe(false);
  });

  it('median time to acknowledge over the acknowledgments made in the week', () => {
    const raised = '2026-11-24T10:00:00Z';
    const ack = (minutes: number, raisedAt = raised) => ({ alertId: String(minutes), raisedAt, acknowledgedAt: new Date(Date.parse(raisedAt) + minutes * MINUTE).toISOString() });
    const odd = buildWeeklySummary(input({ acknowledgments: [ack(5), ack(60), ack(12)] }));
    expect(odd.acknowledgments).toEqual({ count: 3, medianMs: 12 * MINUTE });
    const even = buildWeeklySummary(input({ acknowledgments: [ack(5), ack(60), ack(12), ack(30)] }));
    expect(even.acknowledgments).toEqual({ count: 4, medianMs: 21 * MINUTE });
    // Acknowledged the Monday after the window: belongs to next week's figure.
    const late = buildWeeklySummary(input({ acknowledgments: [ack(5), ack(30, '2026-11-29T23:50:00Z')] }));
    expect(late.acknowledgments).toEqual({ count: 1, medianMs: 5 * MINUTE });
    expect(buildWeeklySummary(input()).acknowledgments).toEqual({ count: 0, medianMs: null });
  });
});

describe('buildWeeklySummary: eight-week trends', () => {
  it('aligns score history on the weeks before the checks ran, with gaps for missing weeks', () => {
    // Checks ran Monday 30 Nov (2026-W49): the seven weeks before are W42..W48.
    const entry = account('1', report('1', { 'root-hardware-mfa': 'fail' }), null);
    entry.scoreHistory = [
      { weekKey: '2026-W42', score: { passed: 3, total: 9 } },
      { weekKey: '2026-W44', score: { passed: 6, total: 9 } },
      { weekKey: '2026-W48', score: { passed: 9, total: 9 } },
      { weekKey: '2026-W30', score: { passed: 0, total: 9 } }, // too old: not shown
    ];
    const summary = buildWeeklySummary(input({ accounts: [entry] }));
    expect(summary.accounts[0]!.scoreTrend).toEqual([3 / 9, null, 6 / 9, null, null, null, 1, 8 / 9]);
    expect(summary.scoreTrend).toEqual([3 / 9, null, 6 / 9, null, null, null, 1, 8 / 9]);
  });

  it('sums the overall score trend over the accounts that had a score that week', () => {
    const a = account('1', report('1'), null);
    const b = account('2', report('2', { 'root-mfa-enabled': 'fail', 'root-hardware-mfa': 'fail', 'root-no-access-keys': 'fail' }), null);
    a.scoreHistory = [{ weekKey: '2026-W48', score: { passed: 9, total: 9 } }];
    b.scoreHistory = [{ weekKey: '2026-W48', score: { passed: 3, total: 9 } }, { weekKey: '2026-W47', score: { passed: 3, total: 9 } }];
    const summary = buildWeeklySummary(input({ accounts: [a, b] }));
    expect(summary.scoreTrend.slice(-3)).toEqual([3 / 9, 12 / 18, 15 / 18]);
  });

  it('event counts: the seven weeks before the window, then this week', () => {
    const summary = buildWeeklySummary(input({
      eventCountHistory: [{ weekKey: '2026-W41', count: 2 }, { weekKey: '2026-W47', count: 40 }, { weekKey: '2026-W40', count: 99 }],
      events: [rootEvent({ kind: 'root-api-call', eventTime: '2026-11-24T00:00:00Z' })],
    }));
    expect(summary.eventTrend).toEqual([2, 0, 0, 0, 0, 0, 40, 1]);
  });
});
