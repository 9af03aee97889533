// "Investigating": someone is on it. Recorded at once; the message then shows who, and keeps Acknowledge and
// Escalate. Reminders stop (they nag only alerts nobody acted on).
import { ALERT_INVESTIGATE_ACTION_ID } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { alertButtonListener, reportAlertChange, type AlertButtonArgs } from './alert-action.js';

export { ALERT_INVESTIGATE_ACTION_ID };

export function alertInvestigate(deps: ListenerDeps, alerts: AlertDeps): (args: AlertButtonArgs) => Promise<void> {
  return alertButtonListener(deps, alerts, ALERT_INVESTIGATE_ACTION_ID, async (press) => {
    await reportAlertChange(press, await alerts.service.investigate(press.alertId, press.userId));
  }, { stopsReminders: true });
}
