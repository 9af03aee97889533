// The buttons of a root activity alert. Acknowledge opens a modal for an optional reason (the state changes on its
// submission); Investigating and Not me — escalate change the state at once; Show event posts the raw record in
// the alert's thread. Same allowlist as the command; others get a private refusal and nothing changes.
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID } from '../../blocks/root-alert.js';
import { acknowledgeReasonView } from '../views/alert-acknowledge-reason.js';
import { alertIdOf, allowedToAct, applyAlertAction } from './alert-state.js';
import type { BlockActionListenerArgs } from './posture-run-again.js';

export { ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID };

type AlertButtonArgs = BlockActionListenerArgs & { client: BlockActionListenerArgs['client'] & { views: { open(args: { trigger_id: string; view: unknown }): Promise<unknown> } } };

function alertButton(deps: ListenerDeps, alerts: AlertDeps, name: string, act: (args: AlertButtonArgs, alertId: number) => Promise<void>) {
  return async (args: AlertButtonArgs): Promise<void> => {
    await args.ack();
    const alertId = alertIdOf(args.body);
    const log = deps.logger.child({ action: name, alertId, userId: args.body.user.id });
    try {
      if (alertId === null) {
        log.warn('alert button without an alert id');
        return;
      }
      if (!(await allowedToAct(deps, args))) return;
      await act(args, alertId);
    } catch (error) {
      log.error(errorDetails(error), 'alert button listener failed');
    }
  };
}

export function alertAcknowledge(deps: ListenerDeps, alerts: AlertDeps) {
  return alertButton(deps, alerts, ALERT_ACKNOWLEDGE_ACTION_ID, async (args, alertId) => {
    const alert = alerts.store.getAlert(alertId);
    if (!alert || alert.state === 'acknowledged' || alert.state === 'escalated') {
      await applyAlertAction(deps, alerts, args, alertId, 'acknowledge', null); // tells who was first
      return;
    }
    await args.client.views.open({ trigger_id: (args.body as { trigger_id: string }).trigger_id, view: acknowledgeReasonView(alertId) });
  });
}

export function alertInvestigate(deps: ListenerDeps, alerts: AlertDeps) {
  return alertButton(deps, alerts, ALERT_INVESTIGATE_ACTION_ID, async (args, alertId) => {
    await applyAlertAction(deps, alerts, args, alertId, 'investigate', null);
  });
}

export function alertEscalate(deps: ListenerDeps, alerts: AlertDeps) {
  return alertButton(deps, alerts, ALERT_ESCALATE_ACTION_ID, async (args, alertId) => {
    await applyAlertAction(deps, alerts, args, alertId, 'escalate', null);
  });
}

export function alertShowEvent(deps: ListenerDeps, alerts: AlertDeps) {
  return alertButton(deps, alerts, ALERT_SHOW_EVENT_ACTION_ID, async (args, alertId) => {
    const alert = alerts.store.getAlert(alertId);
    if (!alert) return;
    alerts.store.enqueueAlertThreadMessage(alertId, 'event-record', { eventId: alert.firstEventId, requestedBy: args.body.user.id });
    alerts.wakeSender();
  });
}
