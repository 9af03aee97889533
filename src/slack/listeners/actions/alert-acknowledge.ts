// "Acknowledge — expected": opens a modal for an optional reason (the acknowledgment is recorded when it is
// submitted: views/alert-acknowledge-reason.ts). An alert that can no longer be acknowledged gets no modal, only a
// private "already acknowledged by …". views.open needs the trigger_id within 3 seconds of the press.
import { alertHeadline } from '../../../alerts/index.js';
import { ALERT_ACKNOWLEDGE_ACTION_ID, acknowledgeModal } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { alertButtonListener, alreadyDoneText, tellPresser, type AlertButtonArgs } from './alert-action.js';

export { ALERT_ACKNOWLEDGE_ACTION_ID };

export function alertAcknowledge(deps: ListenerDeps, alerts: AlertDeps): (args: AlertButtonArgs) => Promise<void> {
  return alertButtonListener(deps, alerts, ALERT_ACKNOWLEDGE_ACTION_ID, async ({ args, alertId, userId }) => {
    const prompt = await alerts.service.acknowledgePrompt(alertId);
    if (!prompt.allowed) {
      await tellPresser(args, alreadyDoneText(prompt.current, userId));
      return;
    }
    const { alert, firstEvent } = prompt;
    const { body } = args;
    const channel = body.channel?.id ?? body.container?.channel_id ?? null;
    const messageTs = body.message?.ts ?? body.container?.message_ts ?? null;
    const headline = alertHeadline(alert, firstEvent ? [firstEvent] : [], alerts.accountAlias?.(alert.accountId) ?? null);
    await args.client.views.open({ trigger_id: body.trigger_id, view: acknowledgeModal({ alertId, channel, messageTs }, headline) });
  }, { stopsReminders: true });
}
