// Block actions (buttons): one listener per file.
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain } from './posture-run-again.js';
import { ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID, alertAcknowledge, alertEscalate, alertInvestigate, alertShowEvent } from './alert-buttons.js';

export { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain, type BlockActionListenerArgs } from './posture-run-again.js';
export { alertAcknowledge, alertEscalate, alertInvestigate, alertShowEvent } from './alert-buttons.js';

export function register(app: App, deps: ListenerDeps): void {
  app.action({ type: 'block_actions', action_id: POSTURE_RUN_AGAIN_ACTION_ID }, postureRunAgain(deps));
  if (deps.alerts) {
    app.action({ type: 'block_actions', action_id: ALERT_ACKNOWLEDGE_ACTION_ID }, alertAcknowledge(deps, deps.alerts) as never);
    app.action({ type: 'block_actions', action_id: ALERT_INVESTIGATE_ACTION_ID }, alertInvestigate(deps, deps.alerts) as never);
    app.action({ type: 'block_actions', action_id: ALERT_ESCALATE_ACTION_ID }, alertEscalate(deps, deps.alerts) as never);
    app.action({ type: 'block_actions', action_id: ALERT_SHOW_EVENT_ACTION_ID }, alertShowEvent(deps, deps.alerts) as never);
  }
}
