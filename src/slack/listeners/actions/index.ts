// Block actions (buttons): one listener per file.
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain } from './posture-run-again.js';

export { POSTURE_RUN_AGAIN_ACTION_ID, postureRunAgain, type BlockActionListenerArgs } from './posture-run-again.js';

export function register(app: App, deps: ListenerDeps): void {
  app.action({ type: 'block_actions', action_id: POSTURE_RUN_AGAIN_ACTION_ID }, postureRunAgain(deps));
}
