import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { ACCOUNT, batch, polled, rootEvent } from './helpers.js';

const stores: SqliteStore[] = [];
function memoryStore(): SqliteStore {
  const store = openSqliteStore({ path: ':memory:' });
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

describe('ingestEvents: the ingest path every source shares', () => {
  it('stores events and their alerts without touching any poll cursor', () => {
    const store = memoryStore();
    const signIn = rootEvent({ kind: 'console-login-success', severity: 'critical', mfaUsed: false, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' });
    expect(store.ingestEvents({ events: [polled(signIn)] })).toEqual({ inserted: 1, duplicates: 0 });
    expect(store.readCursor(ACCOUNT, 'us-east-1')).toBeNull();
    expect(store.listOpenAlerts().map((alert) => alert.firstEventId)).toEqual([signIn.eventId]);
    expect(store.listOutbox().map((message) => message.kind)).toEqual(['alert-post']);
  });

  it('alerts once for an event that the queue and the poller both deliver, in either order', () => {
    const store = memoryStore();
    const keyCreated = rootEvent({ kind: 'root-credential-change', severity: 'high', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com' });
    expect(store.ingestEvents({ events: [polled(keyCreated)] })).toEqual({ inserted: 1, duplicates: 0 });
    expect(store.commitBatch(batch([keyCreated]))).toEqual({ inserted: 0, duplicates: 1 });
    expect(store.ingestEvents({ events: [polled(keyCreated)] })).toEqual({ inserted: 0, duplicates: 1 });
    expect(store.listOpenAlerts()).toHaveLength(1);
    expect(store.listOutbox()).toHaveLength(1);
    // The poller's cursor still advanced with its (duplicate-only) batch.
    expect(store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T04:00:00.000Z');
  });

  it('keeps unreadable records with their reason, once per source and record id, and bounds the body kept', () => {
    const store = memoryStore();
    const huge = `{"detail":"${'x'.repeat(100_000)}"`;
    store.ingestEvents({ events: [], unreadable: [{ source: 'sqs', recordId: 'm-1', reason: 'the message body is not JSON', body: huge }] });
    store.commitBatch({ ...batch([]), unreadable: [{ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' }], malformedCount: 1 });
    // The poller reads its overlap again next pass: the same record is not kept twice.
    store.commitBatch({ ...batch([]), unreadable: [{ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' }], malformedCount: 1 });
    expect(store.countUnreadableRecords()).toBe(2);
    const [poller, queue] = store.listUnreadableRecords();
    expect(poller).toMatchObject({ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' });
    expect(queue).toMatchObject({ source: 'sqs', recordId: 'm-1', reason: 'the message body is not JSON' });
    expect(queue?.body.length).toBeLessThan(70_000);
    expect(queue?.body.startsWith('{"detail":"xxx')).toBe(true);
  });

  it('keeps nothing of a batch whose commit fails: events, alerts and unreadable records roll back together', () => {
    const store = memoryStore();
    const good = rootEvent();
    const broken = { ...rootEvent(), eventTime: 'not a time', kind: 'not-a-kind' as never };
    expect(() => store.ingestEvents({ events: [polled(good), polled(broken)], unreadable: [{ source: 'sqs', recordId: 'm-2', reason: 'r', body: '{}' }] })).toThrow();
    expect(store.getEvent(good.eventId)).toBeNull();
    expect(store.countUnreadableRecords()).toBe(0);
  });
});
