// Which button may move an alert from which state (pure). Acknowledged is final: once someone has said
// "expected", later presses change nothing and are answered with the state that won.
import type { AlertAction, AlertAuditEntry, AlertState } from './model.js';

export const ACTION_TARGET_STATE: Readonly<Record<AlertAction, AlertState>> = {
  acknowledge: 'acknowledged',
  investigate: 'investigating',
  escalate: 'escalated',
};

export const ACTION_ALLOWED_FROM: Readonly<Record<AlertAction, readonly AlertState[]>> = {
  acknowledge: ['open', 'investigating', 'escalated'],
  // Someone picks up an escalated alert.
  investigate: ['open', 'escalated'],
  // "Not me" while someone is already looking still pages the responders.
  escalate: ['open', 'investigating'],
};

export const ALERT_ACTIONS: readonly AlertAction[] = ['acknowledge', 'investigate', 'escalate'];

/** The state an action leads to from `current`, or null when it does not apply (already there, or final). */
export function nextAlertState(current: AlertState, action: AlertAction): AlertState | null {
  return ACTION_ALLOWED_FROM[action].includes(current) ? ACTION_TARGET_STATE[action] : null;
}

/** Not yet acknowledged: still attracts new events of its group, and counts as open in the summary. */
export function isUnresolved(state: AlertState): boolean {
  return state !== 'acknowledged';
}

/** A state change asked of an alert: the action, its target state and the states it may leave. */
export interface AlertTransitionRequest {
  action: AlertAction;
  toState: AlertState;
  allowedFrom: readonly AlertState[];
  userId: string;
  reason: string | null;
}

/** The audit row a transition writes, once the change is made. */
export type PlannedAuditEntry = Omit<AlertAuditEntry, 'id' | 'alertId'>;

/** What a transition does to an alert in `current` state at `at` (pure): nothing, or the change and its audit row. */
export function planAlertTransition(current: AlertState, request: AlertTransitionRequest, at: string): { allowed: false } | { allowed: true; audit: PlannedAuditEntry } {
  if (!request.allowedFrom.includes(current)) return { allowed: false };
  return { allowed: true, audit: { action: request.action, fromState: current, toState: request.toState, userId: request.userId, reason: request.reason, at } };
}
