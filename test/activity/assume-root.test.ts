// sts:AssumeRoot sessions: the call is an alert of its own, the calls made with its key thread under it (across
// accounts), and the bot's own audit sessions are recorded without an alert. Real-format records.
import { afterEach, describe, expect, it } from 'vitest';
import { assumeRootEvent, classifyActivityRecord, classifyActivityRecordWithStore } from '../../src/activity/index.js';
import type { RootEvent } from '../../src/activity/model.js';
import { alertHeadline } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { assumeRootRecord, ISSUED_ACCESS_KEY_ID, MANAGEMENT_ACCOUNT_ID, MEMBER_ACCOUNT_ID, memberSessionRecords } from '../fixtures/assume-root/load.js';
import { fixtureRecord } from '../fixtures/cloudtrail/load.js';

const stores: SqliteStore[] = [];
function memoryStore(): SqliteStore {
  const store = openSqliteStore({ path: ':memory:' });
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function classified(record: unknown, context: Parameters<typeof classifyActivityRecord>[1] = {}): RootEvent {
  const classification = classifyActivityRecord(record, context);
  if (!classification.alert) throw new Error(`did not alert: ${JSON.stringify(classification)}`);
  return classification.event;
}

const ingest = async (store: SqliteStore, record: Record<string, unknown>, context: Parameters<typeof classifyActivityRecord>[1] = {}) => await store.ingestEvents({ events: [{ event: classified(record, context), rawRecord: JSON.stringify(record) }] });

describe('an sts:AssumeRoot call', () => {
  it('is a root session opened on the member, high for a task that deletes credentials, medium for the audit task', () => {
    const event = classified(assumeRootRecord());
    expect(event).toMatchObject({
      kind: 'root-session-opened',
      severity: 'high',
      accountId: MANAGEMENT_ACCOUNT_ID,
      region: 'eu-west-1',
      sourceIp: '198.51.100.7',
      mfaUsed: true,
      sessionKey: ISSUED_ACCESS_KEY_ID,
      rootSession: { targetAccountId: MEMBER_ACCOUNT_ID, callerArn: `arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/Admin/alice`, taskPolicy: 'IAMDeleteRootUserCredentials', issuedAccessKeyId: ISSUED_ACCESS_KEY_ID },
    });
    const audit = assumeRootRecord();
    (audit.requestParameters as Record<string, unknown>).taskPolicyArn = { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' };
    expect(classified(audit).severity).toBe('medium');
    // The docs' own record (S3UnlockBucketPolicy) too; and the CIS classifier alone still says "not root".
    expect(assumeRootEvent(fixtureRecord('assume-root-management-account'))?.rootSession?.taskPolicy).toBe('S3UnlockBucketPolicy');
    expect(assumeRootEvent(fixtureRecord('root-console-login-success-no-mfa'))).toBeNull();
  });

  it('reads "Root session opened on member prod-eu (210987654321) by …/alice, task policy …, from 198.51.100.7"', () => {
    const event = classified(assumeRootRecord());
    const headline = alertHeadline({ accountId: event.accountId, region: event.region, kind: event.kind, groupKind: 'session', eventCount: 1 }, [event], null, (id) => (id === MEMBER_ACCOUNT_ID ? 'prod-eu' : null));
    expect(headline).toBe(`Root session opened on member prod-eu (210987654321) by arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/Admin/alice, task policy IAMDeleteRootUserCredentials, from 198.51.100.7 — account ${MANAGEMENT_ACCOUNT_ID} — eu-west-1`);
  });

  it('a refused call is still alerted (someone tried), high, with no session to thread', () => {
    const refused = { ...assumeRootRecord(), errorCode: 'AccessDenied', errorMessage: 'not authorized to perform: sts:AssumeRoot', responseElements: null };
    const event = classified(refused);
    expect(event).toMatchObject({ severity: 'high', sessionKey: null, errorCode: 'AccessDenied' });
  });
});

describe('the member-side calls', () => {
  it('thread under the AssumeRoot alert across accounts instead of alerting on their own, raising its severity', async () => {
    const store = memoryStore();
    await ingest(store, assumeRootRecord());
    const [listKeys, deleteProfile] = memberSessionRecords();
    await ingest(store, listKeys!);
    await ingest(store, deleteProfile!);

    const alerts = await store.listAlerts({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'root-session-opened', accountId: MANAGEMENT_ACCOUNT_ID, groupKind: 'session', eventCount: 3 });
    expect((await store.listAlertEvents(alerts[0]!.id)).map((stored) => [stored.event.accountId, stored.event.eventName])).toEqual([
      [MANAGEMENT_ACCOUNT_ID, 'AssumeRoot'],
      [MEMBER_ACCOUNT_ID, 'ListAccessKeys'],
      [MEMBER_ACCOUNT_ID, 'DeleteLoginProfile'],
    ]);
    expect((await store.listOutbox()).filter((message) => message.kind === 'alert-reply').map((message) => message.payload.eventIds)).toEqual([[listKeys!.eventID], [deleteProfile!.eventID]]);
  });

  it('another root session key, or an ordinary root session in the member, is not threaded under it', async () => {
    const store = memoryStore();
    await ingest(store, assumeRootRecord());
    const other = memberSessionRecords()[0]!;
    (other.userIdentity as Record<string, unknown>).accessKeyId = 'ASIAOTHERROOTSESSION';
    other.eventID = 'other-session-call';
    await ingest(store, other);
    const console = fixtureRecord('root-console-call-new-style');
    await ingest(store, console);
    expect(await store.listAlerts({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).toHaveLength(3);
  });
});

describe('the bot\'s own audit sessions', () => {
  it('are recorded as "audit by aws-root-guard" and never alerted: the AssumeRoot call and the calls made with its key', async () => {
    const store = memoryStore();
    const audit = assumeRootRecord();
    (audit.requestParameters as Record<string, unknown>).taskPolicyArn = { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' };
    await store.recordAuditSession({ accountId: MEMBER_ACCOUNT_ID, accessKeyId: ISSUED_ACCESS_KEY_ID, issuedAt: '2026-11-30T09:15:02Z', expiresAt: '2026-11-30T09:30:02Z' });
    const isBotAuditAccessKey = async (accessKeyId: string) => (await store.findAuditSession(accessKeyId)) !== null;
    const ingestWithStore = async (record: Record<string, unknown>) => {
      const classification = await classifyActivityRecordWithStore(record, isBotAuditAccessKey);
      if (!classification.alert) throw new Error(`not root activity: ${JSON.stringify(classification)}`);
      await store.ingestEvents({ events: [{ event: classification.event, rawRecord: JSON.stringify(record) }] });
    };
    await ingestWithStore(audit);
    for (const call of memberSessionRecords()) await ingestWithStore(call);

    expect(await store.listAlerts({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).toEqual([]);
    expect(await store.listOutbox()).toEqual([]);
    const recorded = (await store.getEvent(audit.eventID as string))!;
    expect(recorded.alertId).toBeNull();
    expect(recorded.event.auditByThisBot).toBe(true);
    expect(alertHeadline({ accountId: MANAGEMENT_ACCOUNT_ID, region: 'eu-west-1', kind: 'root-session-opened', groupKind: 'session', eventCount: 1 }, [recorded.event], null)).toContain('task policy IAMAuditRootUserCredentials, from 198.51.100.7, audit by aws-root-guard');
    expect((await store.getEvent(memberSessionRecords()[0]!.eventID as string))?.event.auditByThisBot).toBe(true);
  });
});
