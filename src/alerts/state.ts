// A responder's button press, recorded once: the store applies it as one conditional update, so a
// double press or two people pressing at once leave exactly one outcome, one audit row and one
// chat.update of the alert's message.
import { ACTION_ALLOWED_FROM, ACTION_TARGET_STATE } from './lifecycle.js';
import type { AlertAction, AlertAuditEntry, AlertState, StateChangeResult } from './model.js';

/** Slack's plain_text_input allows 3000 characters; the audit keeps at most this many. */
export const MAX_REASON_LENGTH = 3000;

/** A thread reply queued with the change, in its transaction (see AlertTransition.threadReply). */
export type ThreadReplyOf = (history: readonly AlertAuditEntry[], at: Date) => Record<string, unknown> | null;

/** An atomic conditional state change; the rule (which states allow it) comes from alerts/lifecycle. */
export interface AlertTransition {
  alertId: number;
  action: AlertAction;
  toState: AlertState;
  allowedFrom: readonly AlertState[];
  userId: string;
  reason: string | null;
  at?: Date;
  /**
   * A thread reply to queue with the change, in the same transaction (an escalation's page): decided from the
   * alert's audit before this change and the time of the change; null queues nothing.
   */
  threadReply?: ThreadReplyOf;
}

/** What a state change needs of the store: one atomic conditional update (the store implements it). */
export interface AlertStateStore {
  /** One atomic conditional update: state, audit row and a chat.update of the post, or nothing. */
  transitionAlert(transition: AlertTransition): Promise<StateChangeResult>;
}

export function setAlertState(store: AlertStateStore, alertId: number, action: AlertAction, userId: string, reason?: string | null, at?: Date, threadReply?: ThreadReplyOf): Promise<StateChangeResult> {
  if (!userId.trim()) throw new TypeError('setAlertState needs the Slack user id of who pressed the button');
  const trimmedReason = reason?.trim() ? reason.trim().slice(0, MAX_REASON_LENGTH) : null;
  return store.transitionAlert({
    alertId,
    action,
    toState: ACTION_TARGET_STATE[action],
    allowedFrom: ACTION_ALLOWED_FROM[action],
    userId: userId.trim(),
    reason: trimmedReason,
    ...(at ? { at } : {}),
    ...(threadReply ? { threadReply } : {}),
  });
}

/** "Acknowledge — expected", with the optional reason from the modal. */
export function acknowledgeAlert(store: AlertStateStore, alertId: number, userId: string, reason?: string | null, at?: Date): Promise<StateChangeResult> {
  return setAlertState(store, alertId, 'acknowledge', userId, reason, at);
}
