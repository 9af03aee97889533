import { describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '../../src/alerts/index.js';
import type { BotStore } from '../../src/store/index.js';
import { BACKENDS, freshStores } from './shared-databases.js';
import { ACCOUNT, batch, OTHER_ACCOUNT, rootEvent } from './helpers.js';

// On each backend: the same behaviour whichever database holds the store (PostgreSQL skips without TEST_DATABASE_URL).
describe.each(BACKENDS)('on $name', (backend) => {
  const memoryStore = freshStores(backend);

  describe.skipIf(backend.open === null)('(skipped without the database)', () => {
    const minute = (value: number) => `2026-11-02T03:${String(value).padStart(2, '0')}:00Z`;

    async function postAlert(store: BotStore, alertId: number, ts: string): Promise<void> {
      const post = (await store.listOutbox({ alertId })).find((row) => row.kind === 'alert-post');
      if (!post) throw new Error('no post');
      await store.markOutboxSending(post.id);
      await store.markOutboxSent(post.id, { channel: 'C0ALERTS1', ts });
    }

    describe('commitBatch groups events into alerts', () => {
      it('ten root API calls of one session make one alert, one post and one thread reply listing the other nine', async () => {
        const store = await memoryStore();
        const calls = Array.from({ length: 10 }, (_unused, index) => rootEvent({ sessionKey: 'ASIAEXAMPLESESSION01', eventName: `Call${index}`, eventTime: minute(index) }));
        // The console sign-in that opened the session has no sessionKey: an alert of its own.
        const signIn = rootEvent({
          kind: 'console-login-success',
          severity: 'critical',
          mfaUsed: false,
          eventName: 'ConsoleLogin',
          eventSource: 'signin.amazonaws.com',
          eventTime: '2026-11-02T02:59:00Z',
        });

        expect(await store.commitBatch(batch([...calls].reverse().concat(signIn)))).toEqual({ inserted: 11, duplicates: 0 });

        const [signInAlert, sessionAlert, ...others] = await store.listOpenAlerts();
        expect(others).toHaveLength(0);
        expect(signInAlert).toMatchObject({ groupKind: 'single', kind: 'console-login-success', severity: 'critical', eventCount: 1 });
        expect(sessionAlert).toMatchObject({
          groupKind: 'session',
          groupKey: 'ASIAEXAMPLESESSION01',
          eventCount: 10,
          firstEventId: calls[0]!.eventId,
          kind: 'root-api-call',
          severity: 'medium',
          firstEventTime: '2026-11-02T03:00:00.000Z',
          lastEventTime: '2026-11-02T03:09:00.000Z',
        });
        expect((await store.listAlertEvents(sessionAlert!.id)).map((stored) => stored.event.eventId)).toEqual(calls.map((call) => call.eventId));

        const outbox = await store.listOutbox();
        expect(outbox.map((row) => [row.kind, row.alertId])).toEqual([
          ['alert-post', signInAlert!.id],
          ['alert-post', sessionAlert!.id],
          ['alert-reply', sessionAlert!.id],
        ]);
        expect(outbox[2]?.parentId).toBe(outbox[1]?.id);
        expect(outbox[2]?.payload).toEqual({ eventIds: calls.slice(1).map((call) => call.eventId) });
      });

      it('a call arriving in a later poll joins the posted alert: a thread reply and a chat.update of the post', async () => {
        const store = await memoryStore({ clock: () => new Date('2026-11-02T04:00:00Z') });
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(0) })]));
        const [alert] = await store.listOpenAlerts();
        await postAlert(store, alert!.id, '1767000000.000100');

        const late = rootEvent({ sessionKey: 's-1', eventTime: minute(20), region: 'eu-west-1' });
        await store.commitBatch(batch([late], { region: 'eu-west-1' }));

        expect(await store.getAlert(alert!.id)).toMatchObject({ eventCount: 2, lastEventTime: '2026-11-02T03:20:00.000Z' });
        const pending = await store.listOutbox({ state: 'pending' });
        expect(pending.map((row) => [row.kind, row.payload])).toEqual([
          ['alert-reply', { eventIds: [late.eventId] }],
          ['alert-update', {}],
        ]);
        // Both are ready to go under the posted parent.
        expect((await store.dueOutbox(new Date('2026-11-02T05:00:00Z'), 10)).map((row) => row.parent)).toEqual([
          { channel: 'C0ALERTS1', ts: '1767000000.000100' },
          { channel: 'C0ALERTS1', ts: '1767000000.000100' },
        ]);
      });

      it('no chat.update is queued while the post itself has not gone out: it will be rendered with the new count', async () => {
        const store = await memoryStore();
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(0) })]));
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(1) })]));
        expect((await store.listOutbox()).map((row) => row.kind)).toEqual(['alert-post', 'alert-reply']);
      });

      it('after the alert is acknowledged, or once the window has passed, the session starts a new alert', async () => {
        const store = await memoryStore();
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(0) })]));
        const [first] = await store.listOpenAlerts();
        await postAlert(store, first!.id, '1767000000.000100');
        await acknowledgeAlert(store, first!.id, 'U0ALICE01', 'closing a test account');

        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(5) })]));
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: '2026-11-02T04:06:00Z' })]));

        const alerts = await store.listAlerts({ from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z' });
        expect(alerts.map((alert) => [alert.state, alert.eventCount, alert.firstEventTime])).toEqual([
          ['acknowledged', 1, '2026-11-02T03:00:00.000Z'],
          ['open', 1, '2026-11-02T03:05:00.000Z'],
          ['open', 1, '2026-11-02T04:06:00.000Z'],
        ]);
      });

      it("a burst of failed root sign-ins is one alert; another account's are separate", async () => {
        const store = await memoryStore();
        const failed = (at: string, accountId = ACCOUNT) =>
          rootEvent({ kind: 'console-login-failure', severity: 'high', eventName: 'ConsoleLogin', errorMessage: 'Failed authentication', mfaUsed: false, eventTime: at, accountId });
        await store.commitBatch(batch([failed(minute(0)), failed(minute(3)), failed(minute(9)), failed(minute(4), OTHER_ACCOUNT)]));
        // Sliding: 10 minutes after the last one, still the same burst.
        await store.commitBatch(batch([failed(minute(18))]));
        // 11 minutes after the last: a new alert.
        await store.commitBatch(batch([failed(minute(29))]));

        const alerts = await store.listAlerts({ from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z' });
        expect(alerts.map((alert) => [alert.accountId, alert.groupKind, alert.eventCount])).toEqual([
          [ACCOUNT, 'failed-logins', 4],
          [OTHER_ACCOUNT, 'failed-logins', 1],
          [ACCOUNT, 'failed-logins', 1],
        ]);
      });

      it('a session alert takes the highest severity of the calls that joined it', async () => {
        const store = await memoryStore();
        await store.commitBatch(
          batch([rootEvent({ sessionKey: 's-1', severity: 'low', eventTime: minute(0) }), rootEvent({ sessionKey: 's-1', severity: 'high', errorCode: 'AccessDenied', eventTime: minute(1) })]),
        );
        const [alert] = await store.listOpenAlerts();
        expect(alert).toMatchObject({ severity: 'high', eventCount: 2 });
      });

      it('honours a configured session window', async () => {
        const store = await memoryStore({ grouping: { sessionWindowMinutes: 5 } });
        await store.commitBatch(batch([rootEvent({ sessionKey: 's-1', eventTime: minute(0) }), rootEvent({ sessionKey: 's-1', eventTime: minute(6) })]));
        expect(await store.listOpenAlerts()).toHaveLength(2);
      });
    });
  });
});
