// "Not me — escalate": the presser says this root activity was not them. Recorded at once, and a reply in the
// alert's thread pages the responders (RESPONDER_GROUP) through the outbox, so it survives a restart.
import { userGroupMention } from '../../../alerts/index.js';
import { ALERT_ESCALATE_ACTION_ID } from '../../blocks/index.js';
import type { EscalationReply } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { alertButtonListener, applyAlertAction, type AlertButtonArgs } from './alert-action.js';

export { ALERT_ESCALATE_ACTION_ID };

export function alertEscalate(deps: ListenerDeps, alerts: AlertDeps): (args: AlertButtonArgs) => Promise<void> {
  return alertButtonListener(deps, alerts, ALERT_ESCALATE_ACTION_ID, async (press) => {
    const result = await applyAlertAction(press, 'escalate');
    if (!result.changed) return;
    // The payload the outbox renderer reads back for an escalation reply (outbox-renderer.ts).
    const reply: EscalationReply = { escalatedBy: press.userId, mention: userGroupMention(alerts.responderGroupId) };
    alerts.store.enqueueAlertThreadMessage(press.alertId, 'alert-reply', { ...reply });
    alerts.wakeSender();
  });
}
