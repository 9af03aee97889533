// The buttons of a root activity alert: their action_ids (shared by the renderer and the listeners, so a rename
// cannot split them), what their value carries (the alert id), and which ones a state offers. The offer is derived
// from the lifecycle's own rule (alerts/lifecycle.ts), so the message never shows a button the store would refuse.
import { nextAlertState, type AlertAction, type AlertState } from '../../alerts/index.js';

export const ALERT_ACKNOWLEDGE_ACTION_ID = 'alert_acknowledge';
export const ALERT_INVESTIGATE_ACTION_ID = 'alert_investigate';
export const ALERT_ESCALATE_ACTION_ID = 'alert_escalate';
export const ALERT_SHOW_EVENT_ACTION_ID = 'alert_show_event';

export const ALERT_ACTION_IDS: Readonly<Record<AlertAction, string>> = {
  acknowledge: ALERT_ACKNOWLEDGE_ACTION_ID,
  investigate: ALERT_INVESTIGATE_ACTION_ID,
  escalate: ALERT_ESCALATE_ACTION_ID,
};

/** Button order on the message. */
const BUTTON_ORDER: readonly AlertAction[] = ['acknowledge', 'investigate', 'escalate'];

/** The state-changing buttons an alert in `state` shows (Show event is always there). */
export function offeredAlertActions(state: AlertState): AlertAction[] {
  return BUTTON_ORDER.filter((action) => nextAlertState(state, action) !== null);
}

/** A button's value: the alert id as text. */
export function alertButtonValue(alertId: number): string {
  return String(alertId);
}

/** The alert id a button value carries, or null when it is not one (a forged or foreign payload). */
export function alertIdFromButtonValue(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}
