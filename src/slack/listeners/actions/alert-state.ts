// The shared path of every alert button: ack, check who presses, change the state once (the store's conditional
// update makes a double or concurrent press record one outcome), queue the chat.update, tell a loser who won.
import type { AlertAction, AlertRecord } from '../../../alerts/index.js';
import { setAlertState, userGroupMention } from '../../../alerts/index.js';
import { renderRefusal } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import type { BlockActionListenerArgs } from './posture-run-again.js';

const PAST_TENSE: Record<AlertRecord['state'], string> = { open: 'reopened', investigating: 'taken for investigation', acknowledged: 'acknowledged', escalated: 'escalated' };

/** The alert id a button carries in its value. */
export function alertIdOf(body: BlockActionListenerArgs['body']): number | null {
  const action = body.actions?.[0] as { value?: string } | undefined;
  const id = Number(action?.value);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** Authorizes the presser; answers them privately and returns false when refused. */
export async function allowedToAct(deps: ListenerDeps, args: BlockActionListenerArgs): Promise<boolean> {
  const decision = await deps.authorizer.authorize(args.body.user.id, args.client);
  if (decision.allowed) return true;
  deps.logger.warn({ userId: args.body.user.id, reason: decision.reason }, 'refused alert button: user is not in the allowlist');
  await args.respond({ response_type: 'ephemeral', replace_original: false, ...renderRefusal({ command: 'the alert buttons', reason: decision.reason }) });
  return false;
}

/** Applies one action; the message update goes through the outbox (sent by the sender, rendered from the store). */
export async function applyAlertAction(deps: ListenerDeps, alerts: AlertDeps, args: BlockActionListenerArgs, alertId: number, action: AlertAction, reason: string | null): Promise<boolean> {
  const userId = args.body.user.id;
  const result = setAlertState(alerts.store, alertId, action, userId, reason);
  if (result.changed) {
    deps.logger.info({ alertId, action, userId, state: result.alert.state }, 'alert state changed');
    if (action === 'escalate') {
      alerts.store.enqueueAlertThreadMessage(alertId, 'alert-reply', { escalatedBy: userId, mention: userGroupMention(alerts.responderGroupId) });
    }
    alerts.wakeSender();
    return true;
  }
  const current = result.current;
  const text = current
    ? `This alert was already ${PAST_TENSE[current.state]}${current.stateBy ? ` by <@${current.stateBy}>` : ''}: nothing changed.`
    : "This alert is not in the bot's store any more: nothing changed.";
  await args.respond({ response_type: 'ephemeral', replace_original: false, text });
  return false;
}
