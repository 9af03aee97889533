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
    const shown = await alerts.service.showEvent(alertId, userId);
    if (shown.outcome === 'gone') {
      await tellPresser(args, ALERT_GONE);
      return;
    }
    if (shown.outcome === 'already-requested') {
      const { earlier } = shown;
      const askedBy = typeof earlier.payload.requestedBy === 'string' ? ` (asked by ${userMention(earlier.payload.requestedBy)})` : '';
      await tellPresser(args, `The record of this event is ${earlier.state === 'sent' ? 'already in the alert\'s thread' : 'on its way to the alert\'s thread'}${askedBy}.`);
      return;
    }
    log.info({ outboxId: shown.outboxId, eventId: shown.eventId }, 'event record queued for the alert thread');
  });
}
