import { describe, expect, it } from 'vitest';
import { chooseAlertGroup, isFailedLoginBurst, type GroupCandidate } from '../../src/alerts/index.js';
import { ACCOUNT, OTHER_ACCOUNT, rootEvent } from '../store/helpers.js';

const policy = { sessionWindowMinutes: 60, failedLoginWindowMinutes: 10, failedLoginBurstThreshold: 3 };

function sessionAlert(overrides: Partial<GroupCandidate> = {}): GroupCandidate {
  return { id: 1, accountId: ACCOUNT, groupKind: 'session', groupKey: 'session-a', severity: 'critical', state: 'open', firstEventTime: '2026-11-02T03:00:00.000Z', lastEventTime: '2026-11-02T03:05:00.000Z', ...overrides };
}

function failedLoginAlert(overrides: Partial<GroupCandidate> = {}): GroupCandidate {
  return { id: 2, accountId: ACCOUNT, groupKind: 'failed-logins', groupKey: null, severity: 'high', state: 'open', firstEventTime: '2026-11-02T03:00:00.000Z', lastEventTime: '2026-11-02T03:04:00.000Z', ...overrides };
}

const failedLogin = (eventTime: string, accountId = ACCOUNT) => rootEvent({ kind: 'console-login-failure', severity: 'high', eventName: 'ConsoleLogin', errorMessage: 'Failed authentication', eventTime, accountId });
const sessionCall = (eventTime: string, overrides: Parameters<typeof rootEvent>[0] = {}) => rootEvent({ sessionKey: 'session-a', eventTime, ...overrides });

describe('chooseAlertGroup (pure)', () => {
  it('an event with no session and no failed sign-in is an alert of its own', () => {
    expect(chooseAlertGroup(rootEvent({ sessionKey: null }), [sessionAlert(), failedLoginAlert()], policy)).toEqual({ action: 'create', groupKind: 'single', groupKey: null });
  });

  it('a call of the same session within the window joins the open session alert', () => {
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:59:00Z'), [sessionAlert()], policy)).toEqual({ action: 'attach', alertId: 1 });
  });

  it('the session window is anchored at the alert\'s first event, and counts both ways for late records', () => {
    expect(chooseAlertGroup(sessionCall('2026-11-02T04:00:01Z'), [sessionAlert()], policy)).toEqual({ action: 'create', groupKind: 'session', groupKey: 'session-a' });
    // A record read late whose event time is before the alert's first event still joins.
    expect(chooseAlertGroup(sessionCall('2026-11-02T02:30:00Z'), [sessionAlert()], policy)).toEqual({ action: 'attach', alertId: 1 });
  });

  it('does not join another session, another account, or an acknowledged alert', () => {
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:10:00Z', { sessionKey: 'session-b' }), [sessionAlert()], policy).action).toBe('create');
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:10:00Z', { accountId: OTHER_ACCOUNT }), [sessionAlert()], policy).action).toBe('create');
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:10:00Z'), [sessionAlert({ state: 'acknowledged' })], policy).action).toBe('create');
  });

  it('investigating and escalated alerts still collect their session\'s calls', () => {
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:10:00Z'), [sessionAlert({ state: 'investigating' })], policy)).toEqual({ action: 'attach', alertId: 1 });
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:10:00Z'), [sessionAlert({ state: 'escalated' })], policy)).toEqual({ action: 'attach', alertId: 1 });
  });

  it('a credential change or a root-only task inside a session is an alert of its own; later calls still join the session alert', () => {
    const keyChange = sessionCall('2026-11-02T03:10:00Z', { kind: 'root-credential-change', severity: 'high', eventName: 'CreateAccessKey' });
    expect(chooseAlertGroup(keyChange, [sessionAlert()], policy)).toEqual({ action: 'create', groupKind: 'single', groupKey: null });
    const closeAccount = sessionCall('2026-11-02T03:11:00Z', { kind: 'root-only-task', severity: 'low', eventName: 'CloseAccount' });
    expect(chooseAlertGroup(closeAccount, [sessionAlert()], policy)).toEqual({ action: 'create', groupKind: 'single', groupKey: null });
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:12:00Z'), [sessionAlert()], policy)).toEqual({ action: 'attach', alertId: 1 });
  });

  it('when a long session was announced twice, its calls join the newest alert', () => {
    const reannounced = sessionAlert({ id: 7, firstEventTime: '2026-11-02T04:01:00.000Z', lastEventTime: '2026-11-02T04:01:00.000Z' });
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:40:00Z'), [sessionAlert(), reannounced], policy)).toEqual({ action: 'attach', alertId: 7 });
  });

  it('a burst is a failed-login alert with at least 3 failures (the classifier\'s threshold)', () => {
    expect(isFailedLoginBurst({ groupKind: 'failed-logins', eventCount: 2 })).toBe(false);
    expect(isFailedLoginBurst({ groupKind: 'failed-logins', eventCount: 3 })).toBe(true);
    expect(isFailedLoginBurst({ groupKind: 'session', eventCount: 30 })).toBe(false);
    expect(isFailedLoginBurst({ groupKind: 'failed-logins', eventCount: 2 }, 2)).toBe(true);
  });

  it('failed sign-ins within 10 minutes of an open failed-login alert join it (sliding window)', () => {
    expect(chooseAlertGroup(failedLogin('2026-11-02T03:14:00Z'), [failedLoginAlert()], policy)).toEqual({ action: 'attach', alertId: 2 });
    expect(chooseAlertGroup(failedLogin('2026-11-02T03:14:01Z'), [failedLoginAlert()], policy)).toEqual({ action: 'create', groupKind: 'failed-logins', groupKey: null });
    expect(chooseAlertGroup(failedLogin('2026-11-02T03:05:00Z', OTHER_ACCOUNT), [failedLoginAlert()], policy).action).toBe('create');
    expect(chooseAlertGroup(failedLogin('2026-11-02T03:05:00Z'), [failedLoginAlert({ state: 'acknowledged' })], policy).action).toBe('create');
  });

  it('a failed sign-in never joins a session alert, and a session call never joins a failed-login alert', () => {
    expect(chooseAlertGroup({ ...failedLogin('2026-11-02T03:01:00Z'), sessionKey: 'session-a' }, [sessionAlert()], policy).action).toBe('create');
    expect(chooseAlertGroup(sessionCall('2026-11-02T03:01:00Z'), [failedLoginAlert()], policy).action).toBe('create');
  });
});
