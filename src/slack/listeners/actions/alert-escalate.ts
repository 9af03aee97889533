// "Not me — escalate": the presser says this root activity was not them. Recorded at once, and a reply in the
// alert's thread pages the responders (RESPONDER_GROUP) through the outbox, so it survives a restart. The state
// change and the reply are one store transaction (the alerts service's escalate). Paged at most once per 30 minutes
// for an alert (alerts/escalation.ts): escalating again inside that says who asked again, without the mention.
import { ALERT_ESCALATE_ACTION_ID } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { alertButtonListener, reportAlertChange, type AlertButtonArgs } from './alert-action.js';

export { ALERT_ESCALATE_ACTION_ID };

export function alertEscalate(deps: ListenerDeps, alerts: AlertDeps): (args: AlertButtonArgs) => Promise<void> {
  return alertButtonListener(deps, alerts, ALERT_ESCALATE_ACTION_ID, async (press) => {
    await reportAlertChange(press, await alerts.service.escalate(press.alertId, press.userId));
  });
}
