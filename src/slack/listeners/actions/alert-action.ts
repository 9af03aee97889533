// The shared path of the alert buttons: ack at once, read the alert id from the button, check who presses (the same
// allowlist as the command), then act through the alerts service. A state change is one atomic conditional update in
// the store: of a double press, or two people pressing at once (even on two replicas sharing the store), exactly one
// is recorded, and the other presser is told privately who was first. The message itself is updated by the outbox
// sender, which the service wakes.
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AlertRecord, StateChangeResult } from '../../../alerts/index.js';
import { deferredChild, type LogLines } from '../../../log.js';
import { alertIdFromButtonValue, slackDate, userMention } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { authorizeOrRefuse, replyPrivately } from '../allowlist.js';

/** The Web API methods the alert listeners call; Bolt's client (a WebClient) has them. */
export type AlertSlackClient = Pick<WebClient, 'chat' | 'usergroups' | 'views'>;

export type AlertButtonArgs = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'respond'> & { client: AlertSlackClient };

export interface AlertButtonPress {
  args: AlertButtonArgs;
  alerts: AlertDeps;
  alertId: number;
  userId: string;
  log: LogLines;
}

/** What a refused press says: the state that won, who made it, and when. */
export function alreadyDoneText(current: AlertRecord | null, userId: string): string {
  if (!current) return "This alert is no longer in the bot's store: nothing changed.";
  const when = current.stateAt ? ` at ${slackDate(current.stateAt)}` : '';
  const done = { open: 'reopened', investigating: 'taken for investigation', acknowledged: 'acknowledged', escalated: 'escalated' }[current.state];
  if (current.stateBy === userId) return `You already ${current.state === 'investigating' ? 'took this alert for investigation' : `${done} this alert`}${when}: nothing changed.`;
  const by = current.stateBy ? ` by ${userMention(current.stateBy)}` : '';
  return `This alert was already ${done}${by}${when}: nothing changed.`;
}

/** What the alert buttons and the acknowledge modal call themselves in a refusal. */
export const ALERT_BUTTONS_USE = 'the alert buttons';
/** What a refusal by ALLOWED_RESPONDERS says was refused. */
const CLOSING_USE = 'acknowledge alerts or take them for investigation';

/**
 * Who may make a press: a press that stops an alert's reminders (acknowledge, investigate) asks the responders'
 * allowlist when there is one; every other press asks the command's.
 */
export function pressAllowlist(deps: ListenerDeps, alerts: AlertDeps, stopsReminders: boolean): Pick<ListenerDeps, 'authorizer'> & { use: string; allowlist: 'users' | 'responders' } {
  if (stopsReminders && alerts.responderAuthorizer) return { authorizer: alerts.responderAuthorizer, use: CLOSING_USE, allowlist: 'responders' };
  return { authorizer: deps.authorizer, use: ALERT_BUTTONS_USE, allowlist: 'users' };
}

/** A private answer to whoever pressed; the alert message stays as it is. */
export async function tellPresser(args: Pick<AlertButtonArgs, 'respond'>, text: string): Promise<void> {
  await replyPrivately(args.respond)({ text });
}

/** Tells the outcome of a state change: changed, logged; not changed, the presser is told who was first. */
export async function reportAlertChange(press: AlertButtonPress, result: StateChangeResult): Promise<StateChangeResult> {
  if (result.changed) {
    press.log.info({ state: result.alert.state, auditId: result.audit.id }, 'alert state changed');
  } else {
    press.log.info({ state: result.current?.state ?? null, stateBy: result.current?.stateBy ?? null }, 'alert button pressed, nothing changed');
    await tellPresser(press.args, alreadyDoneText(result.current, press.userId));
  }
  return result;
}

/**
 * One alert button as a Bolt listener: ack first, then the alert id, then who presses, then `act`. Whatever fails
 * after the ack is logged, and the presser is told nothing was recorded.
 */
export function alertButtonListener(
  deps: ListenerDeps,
  alerts: AlertDeps,
  actionId: string,
  act: (press: AlertButtonPress) => Promise<void>,
  options: { stopsReminders?: boolean } = {},
): (args: AlertButtonArgs) => Promise<void> {
  const allowlist = pressAllowlist(deps, alerts, options.stopsReminders ?? false);
  return async (args) => {
    await args.ack();
    const userId = args.body.user.id;
    const alertId = alertIdFromButtonValue(args.body.actions[0]?.value);
    const log = deferredChild(deps.logger, { action: actionId, alertId, userId });
    try {
      if (alertId === null) {
        log.warn({}, 'alert button without an alert id in its value; ignored');
        await tellPresser(args, 'This button does not name an alert: nothing changed.');
        return;
      }
      if (!(await authorizeOrRefuse(allowlist, userId, args.client, { use: allowlist.use, allowlist: allowlist.allowlist, log, tell: replyPrivately(args.respond) }))) return;
      await act({ args, alerts, alertId, userId, log });
    } catch (error) {
      log.error(errorDetails(error), 'alert button listener failed');
      await tellPresser(args, 'The bot could not record that press (the details are in its log). Try again in a moment.').catch(() => undefined);
    }
  };
}
