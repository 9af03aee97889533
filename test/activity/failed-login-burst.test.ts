// Grouping root events into alerts: bursts of failed root sign-ins, and many calls of one session.
// The events are classified from real-format fixtures, with their id, time, IP or key changed.
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/activity/classify.js';
import { groupRootEvents, headlineFor, type AlertGroup } from '../../src/activity/failed-login-burst.js';
import type { RootEvent } from '../../src/activity/model.js';
import { fixtureRecord } from '../fixtures/cloudtrail/load.js';

const BASE_MS = Date.parse('2024-06-03T03:00:00Z');
const at = (minutes: number): string => new Date(BASE_MS + minutes * 60_000).toISOString().replace('.000Z', 'Z');

function classified(record: Record<string, unknown>): RootEvent {
  const classification = classifyRecord(record);
  if (!classification.alert) throw new Error(`fixture variant did not alert: ${JSON.stringify(classification)}`);
  return classification.event;
}

function failure(eventId: string, minutes: number, options: { ip?: string; account?: string; mfaStep?: boolean } = {}): RootEvent {
  const record = fixtureRecord(options.mfaStep ? 'root-console-login-failure-at-mfa-step' : 'root-console-login-failure');
  record.eventID = eventId;
  record.eventTime = at(minutes);
  if (options.ip) record.sourceIPAddress = options.ip;
  if (options.account) (record.userIdentity as Record<string, unknown>).accountId = options.account;
  return classified(record);
}

function apiCall(eventId: string, minutes: number, accessKeyId: string, eventName = 'ListUsers'): RootEvent {
  const record = fixtureRecord('root-console-call-new-style');
  record.eventID = eventId;
  record.eventTime = at(minutes);
  record.eventName = eventName;
  (record.userIdentity as Record<string, unknown>).accessKeyId = accessKeyId;
  return classified(record);
}

const idsOf = (group: AlertGroup): string[] => group.events.map((event) => event.eventId);

describe('groupRootEvents: failed root sign-ins', () => {
  it('makes one burst of exactly 3 failures within 10 minutes (the window is inclusive)', () => {
    const groups = groupRootEvents([failure('f1', 0), failure('f2', 5), failure('f3', 10)]);
    expect(groups).toHaveLength(1);
    const burst = groups[0] as AlertGroup;
    expect(burst.kind).toBe('failed-login-burst');
    expect(idsOf(burst)).toEqual(['f1', 'f2', 'f3']);
    expect(burst.key).toBe('failed-login-burst:111122223333:f1');
    expect(burst.severity).toBe('high');
    expect(burst.headline).toBe('3 failed root console sign-ins within 10 min — account 111122223333 — from 192.0.2.0');
    expect([burst.firstEventTime, burst.lastEventTime]).toEqual([at(0), at(10)]);
  });

  it('leaves 3 failures spread over 11 minutes as 3 single alerts', () => {
    const groups = groupRootEvents([failure('f1', 0), failure('f2', 5.5), failure('f3', 11)]);
    expect(groups.map((group) => [group.kind, group.key])).toEqual([
      ['single', 'event:f1'],
      ['single', 'event:f2'],
      ['single', 'event:f3'],
    ]);
    expect((groups[0] as AlertGroup).headline).toBe('Failed root console sign-in — account 111122223333 — us-east-1 — from 192.0.2.0');
  });

  it('merges overlapping bursts of a long attack into one, and keeps a stray failure apart', () => {
    const attack = [0, 4, 8, 12, 16, 20].map((minutes, index) => failure(`a${index}`, minutes, { ip: index % 2 ? '198.51.100.9' : '203.0.113.50' }));
    const stray = failure('late', 90);
    const groups = groupRootEvents([...attack, stray]);
    expect(groups.map((group) => [group.kind, group.events.length])).toEqual([
      ['failed-login-burst', 6],
      ['single', 1],
    ]);
    expect((groups[0] as AlertGroup).headline).toBe('6 failed root console sign-ins within 20 min — account 111122223333 — from 203.0.113.50, 198.51.100.9');
  });

  it('takes the threshold and window from the options', () => {
    const events = [failure('f1', 0), failure('f2', 0.5), failure('f3', 30)];
    expect(groupRootEvents(events, { failedLoginThreshold: 2, failedLoginWindowMinutes: 1 }).map((group) => group.kind)).toEqual(['failed-login-burst', 'single']);
    expect(groupRootEvents(events, { failedLoginThreshold: 3, failedLoginWindowMinutes: 30 }).map((group) => group.kind)).toEqual(['failed-login-burst']);
    expect(groupRootEvents(events, { failedLoginThreshold: 4, failedLoginWindowMinutes: 60 }).map((group) => group.kind)).toEqual(['single', 'single', 'single']);
  });

  it('counts each account apart', () => {
    const groups = groupRootEvents([failure('a1', 0), failure('b1', 1, { account: '444455556666' }), failure('a2', 2), failure('b2', 3, { account: '444455556666' }), failure('a3', 4)]);
    expect(groups.map((group) => [group.kind, idsOf(group)])).toEqual([
      ['failed-login-burst', ['a1', 'a2', 'a3']],
      ['single', ['b1']],
      ['single', ['b2']],
    ]);
  });

  it('is critical when a failure of the burst got past the password (MFA step)', () => {
    const groups = groupRootEvents([failure('f1', 0), failure('f2', 1), failure('f3', 2, { mfaStep: true, ip: '198.51.100.23' })]);
    expect(groups).toHaveLength(1);
    expect((groups[0] as AlertGroup).severity).toBe('critical');
    expect((groups[0] as AlertGroup).headline).toContain('(some failed at the MFA step: the password was accepted)');
  });

  it('does not depend on input order, counts a duplicate event once, and keeps its key when later failures join', () => {
    const events = [failure('f3', 10), failure('f1', 0), failure('f2', 5), failure('f1', 0)];
    const groups = groupRootEvents(events);
    expect(groups).toHaveLength(1);
    expect(idsOf(groups[0] as AlertGroup)).toEqual(['f1', 'f2', 'f3']);
    const later = groupRootEvents([...events, failure('f4', 12)]);
    expect(later.map((group) => [group.key, group.events.length])).toEqual([['failed-login-burst:111122223333:f1', 4]]);
  });

  it('rejects a threshold below 2 and a negative window', () => {
    expect(() => groupRootEvents([], { failedLoginThreshold: 1 })).toThrow(RangeError);
    expect(() => groupRootEvents([], { failedLoginWindowMinutes: -1 })).toThrow('failedLoginWindowMinutes must be a number >= 0');
    expect(() => groupRootEvents([], { sessionGapMinutes: Number.NaN })).toThrow(RangeError);
  });
});

describe('groupRootEvents: calls of one session', () => {
  it('keeps two interleaved sessions apart, each one alert listing its calls in order', () => {
    const sessionA = 'ASIAQ3EGSK7ZSESSIONA';
    const sessionB = 'ASIAQ3EGSK7ZSESSIONB';
    const events = [
      apiCall('a1', 0, sessionA, 'ListUsers'),
      apiCall('b1', 1, sessionB, 'ListRoles'),
      apiCall('a2', 2, sessionA, 'GetUser'),
      apiCall('b2', 3, sessionB, 'ListPolicies'),
      apiCall('a3', 4, sessionA, 'ListAccessKeys'),
      apiCall('b3', 5, sessionB, 'GetAccountSummary'),
    ];
    const groups = groupRootEvents(events);
    expect(groups.map((group) => [group.kind, group.key, idsOf(group)])).toEqual([
      ['session-activity', `session:111122223333:${sessionA}:a1`, ['a1', 'a2', 'a3']],
      ['session-activity', `session:111122223333:${sessionB}:b1`, ['b1', 'b2', 'b3']],
    ]);
    expect((groups[0] as AlertGroup).events.map((event) => event.eventName)).toEqual(['ListUsers', 'GetUser', 'ListAccessKeys']);
    expect((groups[0] as AlertGroup).headline).toBe('3 root API calls in one session within 4 min — account 111122223333 — us-east-1 — from 203.0.113.7');
    expect((groups[0] as AlertGroup).severity).toBe('high');
  });

  it('ten calls of one session make one alert', () => {
    const calls = Array.from({ length: 10 }, (_, index) => apiCall(`c${index}`, index * 2, 'ASIAQ3EGSK7ZEXAMPLE1'));
    const groups = groupRootEvents(calls);
    expect(groups).toHaveLength(1);
    expect((groups[0] as AlertGroup).events).toHaveLength(10);
  });

  it('splits a session at a gap longer than sessionGapMinutes; a lone call is a single alert', () => {
    const events = [apiCall('c1', 0, 'ASIAQ3EGSK7ZEXAMPLE1'), apiCall('c2', 10, 'ASIAQ3EGSK7ZEXAMPLE1'), apiCall('c3', 50, 'ASIAQ3EGSK7ZEXAMPLE1')];
    expect(groupRootEvents(events).map((group) => [group.kind, idsOf(group)])).toEqual([
      ['session-activity', ['c1', 'c2']],
      ['single', ['c3']],
    ]);
    expect(groupRootEvents(events, { sessionGapMinutes: 45 }).map((group) => group.events.length)).toEqual([3]);
  });

  it('gives a credential change, a root-only task and a sign-in their own alerts, even inside a session', () => {
    const key = 'ASIAQ3EGSK7ZEXAMPLE1';
    const createKey = fixtureRecord('root-create-access-key-self');
    createKey.eventTime = at(1);
    const accountName = fixtureRecord('root-account-put-account-name');
    accountName.eventTime = at(2);
    const signIn = fixtureRecord('root-console-login-success-alias-mfa-uppercase');
    signIn.eventTime = at(-1);
    const events = [apiCall('c1', 0, key), classified(createKey), classified(accountName), apiCall('c2', 3, key), classified(signIn)];
    const groups = groupRootEvents(events);
    expect(groups.map((group) => [group.kind, group.events[0]?.kind, group.events.length])).toEqual([
      ['single', 'console-login-success', 1],
      ['session-activity', 'root-api-call', 2],
      ['single', 'root-credential-change', 1],
      ['single', 'root-only-task', 1],
    ]);
    expect(groups.map((group) => group.severity)).toEqual(['high', 'high', 'critical', 'medium']);
  });

  it('names a centralized root session in the headline, and counts failed calls', () => {
    const first = classified(fixtureRecord('centralized-root-list-access-keys'));
    const secondRecord = fixtureRecord('centralized-root-list-access-keys');
    secondRecord.eventID = 'second-call';
    secondRecord.eventTime = '2024-10-25T20:55:30Z';
    secondRecord.eventName = 'ListMFADevices';
    secondRecord.errorCode = 'AccessDenied';
    const groups = groupRootEvents([first, classified(secondRecord)]);
    expect(groups).toHaveLength(1);
    expect((groups[0] as AlertGroup).headline).toBe('2 root API calls in one centralized root session within 2 min (1 failed) — account 222222222222 — us-east-1 — from 192.0.2.1');
    expect((groups[0] as AlertGroup).severity).toBe('medium');
  });
});

describe('headlineFor', () => {
  it('says what a responder needs first', () => {
    expect(headlineFor(classified(fixtureRecord('root-console-login-success-no-mfa')))).toBe('Root console sign-in WITHOUT MFA — account 111122223333 — us-east-1 — from 192.0.2.0');
    expect(headlineFor(classified(fixtureRecord('root-console-login-success-alias-mfa-uppercase')))).toBe('Root console sign-in with MFA — account 111122223333 — us-east-1 — from 203.0.113.7');
    expect(headlineFor(classified(fixtureRecord('root-console-login-failure-at-mfa-step')))).toContain('at the MFA step (the password was accepted)');
    expect(headlineFor(classified(fixtureRecord('root-api-call-access-denied')))).toBe('Root API call: StopLogging (cloudtrail.amazonaws.com) — account 111122223333 — us-east-1 — from 198.51.100.77 — failed: AccessDenied');
    expect(headlineFor(classified(fixtureRecord('centralized-root-delete-bucket-policy')))).toBe('Root-only task (expected root use): DeleteBucketPolicy, in a centralized root session — account 222222222222 — us-west-2 — from 192.0.2.1');
    expect(headlineFor(classified(fixtureRecord('root-console-call-invokedby-signin')))).toBe('Root API call: GetUserPolicy (iam.amazonaws.com) — account 111122223333 — us-east-1');
  });
});
