// Modal submissions: one listener per file.
import type { App, ViewSubmitAction } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { ACKNOWLEDGE_REASON_CALLBACK_ID, alertAcknowledgeReason } from './alert-acknowledge-reason.js';

export { ACKNOWLEDGE_REASON_CALLBACK_ID, alertAcknowledgeReason, type ViewSubmissionArgs } from './alert-acknowledge-reason.js';

export function register(app: App, deps: ListenerDeps): void {
  if (deps.alerts) app.view<ViewSubmitAction>({ callback_id: ACKNOWLEDGE_REASON_CALLBACK_ID, type: 'view_submission' }, alertAcknowledgeReason(deps, deps.alerts));
}
