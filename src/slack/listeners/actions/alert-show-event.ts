// "Show event": the full CloudTrail record of the alert's first event, posted in the alert's thread through the
// outbox. Once is enough: a record already queued or posted for this alert is not posted again, the presser is
// pointed to the thread instead.
import { ALERT_SHOW_EVENT_ACTION_ID, userMention } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { alertButtonListener, tellPresser, type AlertButtonArgs } from './alert-action.js';

export { ALERT_SHOW_EVENT_ACTION_ID };

const ALERT_GONE = "This alert is no longer in the bot's store.";

export function alertShowEvent(deps: ListenerDeps, alerts: AlertDeps): (args: AlertButtonArgs) => Promise<void> {
  return alertButtonListener(deps, alerts, ALERT_SHOW_EVENT_ACTION_ID, async ({ args, alertId, userId, log }) => {
    const { store } = alerts;
    const alert = await store.getAlert(alertId);
    if (!alert) {
      await tellPresser(args, ALERT_GONE);
      return;
    }
    // Checked and queued in one store step (under the alert's lock): two presses, on any replica, queue one record.
    const request = await store.requestEventRecord(alertId, { eventId: alert.firstEventId, requestedBy: userId });
    if (request === null) {
      await tellPresser(args, ALERT_GONE);
      return;
    }
    if (!request.queued) {
      const { earlier } = request;
      const askedBy = typeof earlier.payload.requestedBy === 'string' ? ` (asked by ${userMention(earlier.payload.requestedBy)})` : '';
      await tellPresser(args, `The record of this event is ${earlier.state === 'sent' ? 'already in the alert\'s thread' : 'on its way to the alert\'s thread'}${askedBy}.`);
      return;
    }
    log.info({ outboxId: request.outboxId, eventId: alert.firstEventId }, 'event record queued for the alert thread');
    alerts.wakeSender();
  });
}
