import { describe, expect, it } from 'vitest';
import type { RootEvent } from '../../src/activity/model.js';
import type { BotStore } from '../../src/store/index.js';
import { BACKENDS, freshStores } from './shared-databases.js';
import { ACCOUNT, batch, manualClock, rootEvent } from './helpers.js';

// On each backend: the same behaviour whichever database holds the store (PostgreSQL skips without TEST_DATABASE_URL).
describe.each(BACKENDS)('on $name', (backend) => {
  const memoryStore = freshStores(backend);

  describe.skipIf(backend.open === null)('(skipped without the database)', () => {
    async function tableCounts(store: BotStore): Promise<{ events: number; alerts: number; outbox: number }> {
      return {
        events: (await store.listEvents({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).length,
        alerts: (await store.listOpenAlerts()).length,
        outbox: (await store.listOutbox()).length,
      };
    }

    describe('commitBatch: events, alerts, outbox and cursor in one transaction', () => {
      it('stores each new event with its raw record, one alert and its post per event, and advances the cursor', async () => {
        const store = await memoryStore();
        const signIn = rootEvent({
          kind: 'console-login-success',
          severity: 'critical',
          mfaUsed: false,
          eventName: 'ConsoleLogin',
          eventSource: 'signin.amazonaws.com',
          eventTime: '2026-11-02T03:12:00Z',
        });
        const keyCreated = rootEvent({ kind: 'root-credential-change', severity: 'high', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', eventTime: '2026-11-02T03:20:00Z' });

        const result = await store.commitBatch(batch([keyCreated, signIn], { cursor: '2026-11-02T03:30:00.000Z' }));

        expect(result).toEqual({ inserted: 2, duplicates: 0 });
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T03:30:00.000Z');
        const stored = await store.getEvent(signIn.eventId);
        expect(stored?.event).toEqual(signIn);
        expect(JSON.parse(stored?.rawRecord ?? '{}')).toMatchObject({ eventID: signIn.eventId, userIdentity: { type: 'Root' } });

        const alerts = await store.listOpenAlerts();
        // Stored oldest first although LookupEvents hands them over newest first.
        expect(alerts.map((alert) => [alert.firstEventId, alert.kind, alert.severity, alert.groupKind, alert.state, alert.eventCount])).toEqual([
          [signIn.eventId, 'console-login-success', 'critical', 'single', 'open', 1],
          [keyCreated.eventId, 'root-credential-change', 'high', 'single', 'open', 1],
        ]);
        expect(stored?.alertId).toBe(alerts[0]?.id);
        const outbox = await store.listOutbox();
        expect(outbox.map((row) => [row.kind, row.alertId, row.state, row.parentId])).toEqual([
          ['alert-post', alerts[0]?.id, 'pending', null],
          ['alert-post', alerts[1]?.id, 'pending', null],
        ]);
      });

      it('an error in the middle of a batch leaves nothing: no event, no alert, no outbox row, cursor not advanced', async () => {
        const explode = rootEvent({ eventTime: '2026-11-02T03:15:00Z' });
        const store = await memoryStore({
          shouldAlert: (event) => {
            if (event.eventId === explode.eventId) throw new Error('disk on fire');
            return true;
          },
        });
        await store.commitBatch(batch([], { cursor: '2026-11-02T03:00:00.000Z' }));
        const before = rootEvent({ eventTime: '2026-11-02T03:10:00Z' });
        const after = rootEvent({ eventTime: '2026-11-02T03:20:00Z' });

        await expect(store.commitBatch(batch([before, explode, after], { cursor: '2026-11-02T03:30:00.000Z' }))).rejects.toThrow('disk on fire');

        expect(await tableCounts(store)).toEqual({ events: 0, alerts: 0, outbox: 0 });
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T03:00:00.000Z');
      });

      it('a constraint failure on a later event also rolls back the earlier ones', async () => {
        const store = await memoryStore();
        const good = rootEvent({ eventTime: '2026-11-02T03:10:00Z' });
        const broken = { ...rootEvent({ eventTime: '2026-11-02T03:11:00Z' }), kind: 'none' } as unknown as RootEvent;
        await expect(store.commitBatch(batch([good, broken]))).rejects.toThrow(/CHECK constraint/i);
        expect(await tableCounts(store)).toEqual({ events: 0, alerts: 0, outbox: 0 });
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBeNull();
      });

      it('deduplicates by eventId across overlapping batches and inside one batch, counting duplicates', async () => {
        const store = await memoryStore();
        const [first, second, third, fourth] = [0, 1, 2, 3].map((minute) => rootEvent({ eventTime: `2026-11-02T03:1${minute}:00Z` })) as [RootEvent, RootEvent, RootEvent, RootEvent];

        expect(await store.commitBatch(batch([first, second, third], { cursor: '2026-11-02T03:15:00.000Z' }))).toEqual({ inserted: 3, duplicates: 0 });
        // The next pass re-reads the overlap: second and third again, plus a late one and a repeat inside the batch.
        expect(await store.commitBatch(batch([fourth, third, second, fourth], { cursor: '2026-11-02T03:16:00.000Z' }))).toEqual({ inserted: 1, duplicates: 3 });

        expect(await store.listOpenAlerts()).toHaveLength(4);
        expect((await store.listOutbox({ state: 'pending' })).filter((row) => row.kind === 'alert-post')).toHaveLength(4);
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T03:16:00.000Z');
      });

      it('a batch of more rows than one statement takes (1,320 events: inserts of 512, 512, 256, 32, 8) keeps every event, alert and post, the sessions grouped', async () => {
        const store = await memoryStore();
        const start = Date.UTC(2026, 10, 2, 3);
        const singles = Array.from({ length: 1_000 }, (_unused, index) => rootEvent({ kind: 'root-credential-change', severity: 'high', eventTime: new Date(start + index * 1000).toISOString() }));
        // Three sessions of 100 calls each, 10 s apart: one alert per session within its window.
        const sessions = ['ASIABIGBATCH0001', 'ASIABIGBATCH0002', 'ASIABIGBATCH0003'];
        const calls = sessions.flatMap((sessionKey, session) =>
          Array.from({ length: 100 }, (_unused, index) => rootEvent({ sessionKey, severity: index === 50 ? 'critical' : 'medium', eventTime: new Date(start + session * 1000 + index * 10_000).toISOString() })),
        );
        const repeats = singles.slice(0, 20);

        expect(await store.commitBatch(batch([...singles, ...calls, ...repeats]))).toEqual({ inserted: 1_300, duplicates: 20 });

        const alerts = await store.listOpenAlerts();
        expect(alerts).toHaveLength(1_003);
        const sessionAlerts = alerts.filter((alert) => alert.groupKind === 'session');
        expect(sessionAlerts.map((alert) => [alert.groupKey, alert.eventCount, alert.severity])).toEqual(sessions.map((sessionKey) => [sessionKey, 100, 'critical']));
        for (const alert of sessionAlerts) expect(await store.listAlertEvents(alert.id)).toHaveLength(100);
        const single = alerts.find((alert) => alert.firstEventId === singles[999]!.eventId);
        expect((await store.getEvent(singles[999]!.eventId))?.alertId).toBe(single?.id);

        const outbox = await store.listOutbox();
        const posts = outbox.filter((row) => row.kind === 'alert-post');
        expect(posts).toHaveLength(1_003);
        // Each alert points at its own post, so replies and updates can follow it.
        const postOf = new Map(posts.map((post) => [post.alertId, post.id]));
        expect(new Set(postOf.keys()).size).toBe(1_003);
        const replies = outbox.filter((row) => row.kind === 'alert-reply');
        expect(replies.map((reply) => [reply.alertId, reply.parentId, (reply.payload.eventIds as string[]).length])).toEqual(sessionAlerts.map((alert) => [alert.id, postOf.get(alert.id), 99]));
      });

      it('an event whose time cannot be read is filed under the commit time instead of blocking the batch', async () => {
        const clock = manualClock('2026-11-02T05:00:00.000Z');
        const store = await memoryStore({ clock: clock.now });
        const odd = rootEvent({ eventTime: 'not a time' });
        expect(await store.commitBatch(batch([odd]))).toEqual({ inserted: 1, duplicates: 0 });
        expect((await store.listAlerts({ from: '2026-11-02T05:00:00Z', to: '2026-11-02T05:00:01Z' })).map((alert) => alert.firstEventId)).toEqual([odd.eventId]);
        expect((await store.getEvent(odd.eventId))?.event.eventTime).toBe('not a time');
      });

      it('keeps cursors per account and region', async () => {
        const store = await memoryStore();
        await store.commitBatch(batch([], { region: 'us-east-1', cursor: '2026-11-02T03:00:00.000Z' }));
        await store.commitBatch(batch([], { region: 'eu-west-1', cursor: '2026-11-02T02:00:00.000Z' }));
        await store.commitBatch(batch([], { accountId: '210987654321', region: 'us-east-1', cursor: '2026-11-01T00:00:00.000Z' }));
        await store.commitBatch(batch([], { region: 'us-east-1', cursor: '2026-11-02T03:05:00.000Z' }));
        expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T03:05:00.000Z');
        expect(await store.readCursor(ACCOUNT, 'eu-west-1')).toBe('2026-11-02T02:00:00.000Z');
        expect(await store.readCursor('210987654321', 'us-east-1')).toBe('2026-11-01T00:00:00.000Z');
        expect(await store.readCursor('210987654321', 'eu-west-1')).toBeNull();
      });
    });

    describe('pruneSeenEvents', () => {
      it('forgets old events without an alert and keeps every event that carries one', async () => {
        // Low-severity API calls are kept only as seen ids in this configuration.
        const store = await memoryStore({ shouldAlert: (event) => event.severity !== 'low' });
        const oldSeen = rootEvent({ severity: 'low', eventTime: '2026-11-02T01:00:00Z' });
        const recentSeen = rootEvent({ severity: 'low', eventTime: '2026-11-02T03:50:00Z' });
        const oldAlerted = rootEvent({ severity: 'high', kind: 'root-credential-change', eventTime: '2026-11-02T01:00:00Z' });
        await store.commitBatch(batch([oldSeen, recentSeen, oldAlerted]));
        expect((await store.getEvent(oldSeen.eventId))?.alertId).toBeNull();

        // Overlap window of 15 minutes before a cursor at 04:00.
        expect(await store.pruneSeenEvents('2026-11-02T03:45:00Z')).toBe(1);

        expect(await store.getEvent(oldSeen.eventId)).toBeNull();
        expect(await store.getEvent(recentSeen.eventId)).not.toBeNull();
        expect((await store.getEvent(oldAlerted.eventId))?.alertId).not.toBeNull();
        expect(await store.listOpenAlerts()).toHaveLength(1);
      });
    });
  });
});
