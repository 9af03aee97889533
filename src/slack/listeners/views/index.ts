// Modal submissions: one listener per file.
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { ACKNOWLEDGE_REASON_CALLBACK_ID, alertAcknowledgeReason } from './alert-acknowledge-reason.js';

export { ACKNOWLEDGE_REASON_CALLBACK_ID, acknowledgeReasonView, alertAcknowledgeReason } from './alert-acknowledge-reason.js';

export function register(app: App, deps: ListenerDeps): void {
  if (deps.alerts) app.view(ACKNOWLEDGE_REASON_CALLBACK_ID, alertAcknowledgeReason(deps, deps.alerts) as never);
}
