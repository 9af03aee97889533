// Batch grouping (`scan`) is a fold of the store's incremental rule: the same events make the same groups
// whether grouped at once or stored one by one. Events are classified from real-format fixtures, with their
// id, time, IP or key changed.
import { afterEach, describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/activity/classify.js';
import type { RootEvent } from '../../src/activity/model.js';
import { groupRootEvents, type EventGroup, type GroupingPolicy } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
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

const idsOf = (group: EventGroup): string[] => group.events.map((event) => event.eventId);

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** The alerts the store makes of the same events, stored one at a time, as [first event id, event count]. */
async function storedAlerts(events: readonly RootEvent[], grouping: Partial<GroupingPolicy> = {}): Promise<Array<[string, number]>> {
  const store = openSqliteStore({ path: ':memory:' }, { grouping });
  stores.push(store);
  for (const event of events) await store.ingestEvents({ events: [{ event, rawRecord: '{}' }] });
  return (await store.listAlerts({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).map((alert) => [alert.firstEventId, alert.eventCount]);
}

describe('groupRootEvents: failed root sign-ins', () => {
  it('folds failures within the sliding window into one group, a burst from the threshold on', () => {
    const groups = groupRootEvents([failure('f1', 0), failure('f2', 8), failure('f3', 16)]);
    expect(groups.map((group) => [group.groupKind, idsOf(group), group.burst])).toEqual([['failed-logins', ['f1', 'f2', 'f3'], true]]);
    expect(groups[0]?.headline).toBe('3 failed root sign-ins — account 111122223333 — from 192.0.2.0, Chrome on macOS — us-east-1');
    expect(groups[0]?.severity).toBe('high');
  });

  it('the threshold and window are settings: fewer failures than the threshold are a group but not a burst; a gap past the window starts another', () => {
    const events = [failure('f1', 0), failure('f2', 1), failure('f3', 2), failure('f4', 30)];
    expect(groupRootEvents(events, { failedLoginBurstThreshold: 5, failedLoginWindowMinutes: 15 }).map((group) => [idsOf(group), group.burst])).toEqual([
      [['f1', 'f2', 'f3'], false],
      [['f4'], false],
    ]);
    expect(groupRootEvents(events, { failedLoginBurstThreshold: 4, failedLoginWindowMinutes: 30 }).map((group) => [idsOf(group), group.burst])).toEqual([[['f1', 'f2', 'f3', 'f4'], true]]);
  });

  it('keeps accounts apart and counts an event delivered twice once', () => {
    const other = '444455556666';
    const groups = groupRootEvents([failure('a1', 0), failure('b1', 1, { account: other }), failure('a2', 2), failure('a2', 2), failure('b2', 3, { account: other })]);
    expect(groups.map((group) => [group.events[0]?.accountId, idsOf(group)])).toEqual([
      ['111122223333', ['a1', 'a2']],
      [other, ['b1', 'b2']],
    ]);
  });
});

describe('groupRootEvents: calls of one session', () => {
  it('keeps two interleaved sessions apart, each one group listing its calls in order, headline as the alert shows it', () => {
    const sessionA = 'ASIAQ3EGSK7ZSESSIONA';
    const sessionB = 'ASIAQ3EGSK7ZSESSIONB';
    const events = [apiCall('a1', 0, sessionA, 'ListUsers'), apiCall('b1', 1, sessionB, 'ListRoles'), apiCall('a2', 2, sessionA, 'GetUser'), apiCall('b2', 3, sessionB, 'ListPolicies'), apiCall('a3', 4, sessionA, 'ListAccessKeys')];
    const groups = groupRootEvents(events);
    expect(groups.map((group) => [group.groupKind, group.groupKey, idsOf(group)])).toEqual([
      ['session', sessionA, ['a1', 'a2', 'a3']],
      ['session', sessionB, ['b1', 'b2']],
    ]);
    expect(groups[0]?.headline).toMatch(/^Root API call: ListUsers and 2 more in the same session — account 111122223333 — from 203\.0\.113\.7, .+ — us-east-1$/);
  });

  it('a session is an anchored window from its first call (ALERT_GROUP_WINDOW_MINUTES), as the bot posts it', () => {
    const key = 'ASIAQ3EGSK7ZEXAMPLE1';
    const events = [apiCall('c1', 0, key), apiCall('c2', 40, key), apiCall('c3', 70, key)];
    expect(groupRootEvents(events).map(idsOf)).toEqual([['c1', 'c2'], ['c3']]);
    expect(groupRootEvents(events, { sessionWindowMinutes: 90 }).map(idsOf)).toEqual([['c1', 'c2', 'c3']]);
  });

  it('gives a credential change, a root-only task and a sign-in their own groups, even inside a session', () => {
    const key = 'ASIAQ3EGSK7ZEXAMPLE1';
    const createKey = fixtureRecord('root-create-access-key-self');
    createKey.eventTime = at(1);
    const accountName = fixtureRecord('root-account-put-account-name');
    accountName.eventTime = at(2);
    const signIn = fixtureRecord('root-console-login-success-alias-mfa-uppercase');
    signIn.eventTime = at(-1);
    const groups = groupRootEvents([apiCall('c1', 0, key), classified(createKey), classified(accountName), apiCall('c2', 3, key), classified(signIn)]);
    expect(groups.map((group) => [group.groupKind, group.events[0]?.kind, group.events.length])).toEqual([
      ['single', 'console-login-success', 1],
      ['session', 'root-api-call', 2],
      ['single', 'root-credential-change', 1],
      ['single', 'root-only-task', 1],
    ]);
  });
});

describe('batch grouping equals the store\'s incremental grouping', () => {
  it('the same mixed events make the same groups, under defaults and under other settings', async () => {
    const key = 'ASIAQ3EGSK7ZEXAMPLE1';
    const events = [failure('f1', 0), failure('f2', 9), failure('f3', 25), apiCall('c1', 1, key), apiCall('c2', 50, key), apiCall('c3', 65, key), failure('f4', 26, { mfaStep: true })];
    for (const policy of [{}, { sessionWindowMinutes: 5, failedLoginWindowMinutes: 20, failedLoginBurstThreshold: 2 }]) {
      const batch = groupRootEvents(events, policy).map((group): [string, number] => [group.events[0]?.eventId ?? '', group.events.length]);
      expect(batch.sort()).toEqual((await storedAlerts(events, policy)).sort());
    }
  });
});
