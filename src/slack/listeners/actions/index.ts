// Block actions (buttons): one listener per file, all behind one Bolt listener.
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain } from './posture-run-again.js';
import { SUMMARY_RUN_CHECKS_ACTION_ID, summaryRunChecks } from './summary-run-checks.js';
import { POSTURE_OVERVIEW_REFRESH_ACTION_ID, postureOverviewRefresh } from './posture-overview-refresh.js';
import { ALERT_ACKNOWLEDGE_ACTION_ID, alertAcknowledge } from './alert-acknowledge.js';
import { ALERT_ESCALATE_ACTION_ID, alertEscalate } from './alert-escalate.js';
import { ALERT_INVESTIGATE_ACTION_ID, alertInvestigate } from './alert-investigate.js';
import { ALERT_SHOW_EVENT_ACTION_ID, alertShowEvent } from './alert-show-event.js';

export { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain, type BlockActionListenerArgs } from './posture-run-again.js';
export { alertAcknowledge } from './alert-acknowledge.js';
export { alertEscalate } from './alert-escalate.js';
export { alertInvestigate } from './alert-investigate.js';
export { alertShowEvent } from './alert-show-event.js';
export { alreadyDoneText, type AlertButtonArgs, type AlertSlackClient } from './alert-action.js';

/** What a button's listener is given (Bolt's block action arguments); each listener reads the fields it needs. */
type ActionListener = (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => Promise<void>;

/**
 * One Bolt listener for every button, routing by action_id: Bolt runs each registered listener's middleware for every
 * request (a copy of its chain, an object spread per step, a promise each), so nine listeners cost every command and
 * press nine times what one does (bench/ack-latency.ts). A button no listener knows (a link button, one from an
 * older release still in a channel) is acknowledged and logged at debug, rather than left for Bolt's 3 s timeout.
 */
export function register(app: App, deps: ListenerDeps): void {
  const listeners = new Map<string, ActionListener>();
  const add = <A>(actionId: string, listener: (args: A) => Promise<void>) => listeners.set(actionId, listener as unknown as ActionListener);
  add(POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain(deps));
  add(SUMMARY_RUN_CHECKS_ACTION_ID, summaryRunChecks(deps));
  if (deps.organization) add(POSTURE_OVERVIEW_REFRESH_ACTION_ID, postureOverviewRefresh(deps, deps.organization));
  if (deps.alerts) {
    add(ALERT_ACKNOWLEDGE_ACTION_ID, alertAcknowledge(deps, deps.alerts));
    add(ALERT_INVESTIGATE_ACTION_ID, alertInvestigate(deps, deps.alerts));
    add(ALERT_ESCALATE_ACTION_ID, alertEscalate(deps, deps.alerts));
    add(ALERT_SHOW_EVENT_ACTION_ID, alertShowEvent(deps, deps.alerts));
  }
  app.action<BlockAction>({ type: 'block_actions' }, async (args) => {
    const listener = listeners.get(args.action.action_id);
    if (listener) return listener(args);
    await args.ack();
    deps.logger.debug({ component: 'slack', actionId: args.action.action_id }, 'block action with no listener: acknowledged, nothing done');
  });
}
