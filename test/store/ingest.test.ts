import { describe, expect, it } from 'vitest';
import { BACKENDS, freshStores } from './shared-databases.js';
import { ACCOUNT, batch, polled, rootEvent } from './helpers.js';

// On each backend: the same behaviour whichever database holds the store (PostgreSQL skips without TEST_DATABASE_URL).
describe.each(BACKENDS)('on $name', (backend) => {
  const memoryStore = freshStores(backend);

  describe.skipIf(backend.open === null)('(skipped without the database)', () => {
    describe('ingestEvents: the ingest path every source shares', () => {
      it('stores events and their alerts without touching any poll cursor', async () => {
        const store = await memoryStore();
        const signIn = rootEvent({ kind: 'console-login-success', severity: 'critical', mfaUsed: false, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' });
        expect(await store.ingestEvents({ events: [polled(signIn)] })).toEqual({ inserted: 1, duplicates: 0 });
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBeNull();
        expect((await store.listOpenAlerts()).map((alert) => alert.firstEventId)).toEqual([signIn.eventId]);
        expect((await store.listOutbox()).map((message) => message.kind)).toEqual(['alert-post']);
      });

      it('alerts once for an event that the queue and the poller both deliver, in either order', async () => {
        const store = await memoryStore();
        const keyCreated = rootEvent({ kind: 'root-credential-change', severity: 'high', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com' });
        expect(await store.ingestEvents({ events: [polled(keyCreated)] })).toEqual({ inserted: 1, duplicates: 0 });
        expect(await store.commitBatch(batch([keyCreated]))).toEqual({ inserted: 0, duplicates: 1 });
        expect(await store.ingestEvents({ events: [polled(keyCreated)] })).toEqual({ inserted: 0, duplicates: 1 });
        expect(await store.listOpenAlerts()).toHaveLength(1);
        expect(await store.listOutbox()).toHaveLength(1);
        // The poller's cursor still advanced with its (duplicate-only) batch.
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T04:00:00.000Z');
      });

      it('keeps unreadable records with their reason, once per source and record id, and bounds the body kept', async () => {
        const store = await memoryStore();
        const huge = `{"detail":"${'x'.repeat(100_000)}"`;
        await store.ingestEvents({ events: [], unreadable: [{ source: 'sqs', recordId: 'm-1', reason: 'the message body is not JSON', body: huge }] });
        await store.commitBatch({ ...batch([]), unreadable: [{ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' }], malformedCount: 1 });
        // The poller reads its overlap again next pass: the same record is not kept twice.
        await store.commitBatch({ ...batch([]), unreadable: [{ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' }], malformedCount: 1 });
        expect(await store.countUnreadableRecords()).toBe(2);
        const [poller, queue] = await store.listUnreadableRecords();
        expect(poller).toMatchObject({ source: 'cloudtrail-poller', recordId: 'e-1', reason: 'Unexpected token', body: '{"eventID":' });
        expect(queue).toMatchObject({ source: 'sqs', recordId: 'm-1', reason: 'the message body is not JSON' });
        expect(queue?.body.length).toBeLessThan(70_000);
        expect(queue?.body.startsWith('{"detail":"xxx')).toBe(true);
      });

      it('keeps nothing of a batch whose commit fails: events, alerts and unreadable records roll back together', async () => {
        const store = await memoryStore();
        const good = rootEvent();
        const broken = { ...rootEvent(), eventTime: 'not a time', kind: 'not-a-kind' as never };
        await expect(store.ingestEvents({ events: [polled(good), polled(broken)], unreadable: [{ source: 'sqs', recordId: 'm-2', reason: 'r', body: '{}' }] })).rejects.toThrow();
        expect(await store.getEvent(good.eventId)).toBeNull();
        expect(await store.countUnreadableRecords()).toBe(0);
      });
    });
  });
});
