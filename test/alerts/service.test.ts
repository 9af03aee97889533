// The alerts service over a real store on each backend: the outcomes the Slack listeners turn into answers, and the
// sender woken exactly when something was queued (the buttons' signed-request tests drive the same service through Bolt).
import { describe, expect, it } from 'vitest';
import { createAlertsService } from '../../src/alerts/index.js';
import type { BotStore } from '../../src/store/index.js';
import { BACKENDS, freshStores } from '../store/shared-databases.js';
import { batch, rootEvent } from '../store/helpers.js';

describe.each(BACKENDS)('the alerts service on $name', (backend) => {
  const freshStore = freshStores(backend);

  describe.skipIf(backend.open === null)('(skipped without the database)', () => {
    async function setup(count = 1): Promise<{ store: BotStore; service: ReturnType<typeof createAlertsService>; wakes: () => number; alertIds: number[] }> {
      const store = await freshStore();
      await store.commitBatch(batch(Array.from({ length: count }, (_unused, index) => rootEvent({ kind: 'root-credential-change', severity: 'high', eventTime: `2026-11-02T03:1${index}:00Z` }))));
      let wakes = 0;
      const service = createAlertsService({ store, wakeSender: () => (wakes += 1), responderGroupId: 'S0ONCALL01' });
      return { store, service, wakes: () => wakes, alertIds: (await store.listOpenAlerts()).map((alert) => alert.id) };
    }

    it('acknowledge: the first press changes the alert and wakes the sender; the second is refused with who won, and wakes nothing', async () => {
      const { store, service, wakes, alertIds } = await setup();
      const alertId = alertIds[0]!;
      expect(await service.acknowledgePrompt(alertId)).toMatchObject({ allowed: true, alert: { id: alertId }, firstEvent: { kind: 'root-credential-change' } });

      const first = await service.acknowledge(alertId, 'U0ALICE', '  expected: key rotation  ');
      expect(first).toMatchObject({ changed: true, alert: { state: 'acknowledged', stateBy: 'U0ALICE' }, audit: { action: 'acknowledge', reason: 'expected: key rotation' } });
      expect(wakes()).toBe(1);

      const second = await service.acknowledge(alertId, 'U0BOB', null);
      expect(second).toMatchObject({ changed: false, current: { state: 'acknowledged', stateBy: 'U0ALICE' } });
      expect(wakes()).toBe(1);
      expect(await service.acknowledgePrompt(alertId)).toMatchObject({ allowed: false, current: { stateBy: 'U0ALICE' } });
      expect(await store.listAudit(alertId)).toHaveLength(1);
    });

    it('escalate: the change and a page of the responder group in the thread, queued together', async () => {
      const { store, service, wakes, alertIds } = await setup();
      const alertId = alertIds[0]!;
      expect(await service.escalate(alertId, 'U0ALICE')).toMatchObject({ changed: true, alert: { state: 'escalated' } });
      const reply = (await store.listOutbox({ alertId })).find((row) => row.kind === 'alert-reply');
      expect(reply?.payload).toMatchObject({ escalatedBy: 'U0ALICE', mention: '<!subteam^S0ONCALL01>' });
      expect(wakes()).toBe(1);
      expect(await service.investigate(alertId, 'U0BOB')).toMatchObject({ changed: true, alert: { state: 'investigating', stateBy: 'U0BOB' } });
      expect(wakes()).toBe(2);
    });

    it('show event: queued once; asked again, the earlier request is named; an unknown alert is gone', async () => {
      const { store, service, wakes, alertIds } = await setup();
      const alertId = alertIds[0]!;
      const alert = await store.getAlert(alertId);
      expect(await service.showEvent(alertId, 'U0ALICE')).toEqual({ outcome: 'queued', outboxId: expect.any(Number), eventId: alert!.firstEventId });
      expect(await service.showEvent(alertId, 'U0BOB')).toMatchObject({ outcome: 'already-requested', earlier: { kind: 'event-record', payload: { requestedBy: 'U0ALICE' } } });
      expect(await service.showEvent(999_999, 'U0BOB')).toEqual({ outcome: 'gone' });
      expect(wakes()).toBe(1);
    });

    it('list open: the count of all and the first few with their first events; acknowledged alerts leave the list', async () => {
      const { service, alertIds } = await setup(3);
      await service.acknowledge(alertIds[1]!, 'U0ALICE', null);
      const open = await service.listOpen(1);
      expect(open.total).toBe(2);
      expect(open.shown.map(({ alert, firstEvent }) => [alert.id, firstEvent?.kind])).toEqual([[alertIds[0], 'root-credential-change']]);
      expect(await service.postChannelOf(alertIds[0]!)).toBeNull();
    });
  });
});
