// Block actions (buttons): one listener per file.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
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

export function register(app: App, deps: ListenerDeps): void {
  app.action({ type: 'block_actions', action_id: POSTURE_RUN_AGAIN_ACTION_ID }, postureRunAgain(deps));
  app.action({ type: 'block_actions', action_id: SUMMARY_RUN_CHECKS_ACTION_ID }, summaryRunChecks(deps));
  if (deps.organization) app.action({ type: 'block_actions', action_id: POSTURE_OVERVIEW_REFRESH_ACTION_ID }, postureOverviewRefresh(deps, deps.organization));
  if (deps.alerts) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ALERT_ACKNOWLEDGE_ACTION_ID }, alertAcknowledge(deps, deps.alerts));
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ALERT_INVESTIGATE_ACTION_ID }, alertInvestigate(deps, deps.alerts));
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ALERT_ESCALATE_ACTION_ID }, alertEscalate(deps, deps.alerts));
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ALERT_SHOW_EVENT_ACTION_ID }, alertShowEvent(deps, deps.alerts));
  }
}
