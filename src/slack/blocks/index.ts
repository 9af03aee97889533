// The blocks room's door: pure renderers from our own models to Block Kit, and the limits they are tested against.
export type { SlackMessage } from './message.js';
export { POSTURE_RUN_AGAIN_ACTION_ID } from './action-ids.js';
export { BLOCK_KIT_LIMITS, checkBlockKitLimits, type LimitViolation, type MessageToCheck } from './limits.js';
export { maskMessageSecrets, maskSecrets } from './mask.js';
export { renderPostureReport } from './report.js';
export { renderUsage, type UsageOptions } from './usage.js';
export { renderRefusal, type RefusalOptions, type RefusalReason } from './refusal.js';
export { renderRunning, type RunningOptions } from './running.js';
export { renderError } from './run-error.js';
export { renderAlert, type AlertRenderContext } from './alert.js';
export {
  ALERT_ACKNOWLEDGE_ACTION_ID,
  ALERT_ACTION_IDS,
  ALERT_ESCALATE_ACTION_ID,
  ALERT_INVESTIGATE_ACTION_ID,
  ALERT_SHOW_EVENT_ACTION_ID,
  alertIdFromButtonValue,
  offeredAlertActions,
} from './alert-actions.js';
export {
  ACKNOWLEDGE_REASON_ACTION_ID,
  ACKNOWLEDGE_REASON_BLOCK_ID,
  ACKNOWLEDGE_REASON_CALLBACK_ID,
  acknowledgeModal,
  parseAcknowledgeModalMetadata,
  type AcknowledgeModalMetadata,
} from './alert-acknowledge-modal.js';
export { cloudTrailEventUrl } from './alert-links.js';
export { slackDate } from './alert-date.js';
export { renderOpenAlerts, ALERT_LIST_MAX, type OpenAlertLine } from './alert-list.js';
export { renderEventRecord, RECORD_CHUNK_MAX, RECORD_SECTIONS_MAX, type EventRecordInput } from './alert-record.js';
export { renderEscalation, renderFurtherCalls, renderReminder, type EscalationReply, type ReminderReply } from './alert-replies.js';
export { renderCoverage } from './coverage.js';
export { userMention } from './alert-mention.js';
export { POSTURE_OVERVIEW_REFRESH_ACTION_ID } from './action-ids.js';
export { renderOrganizationOverview, overviewHeadline, ageInWords, type OverviewRenderOptions, type OverviewScope, type RenderedOverview } from './overview.js';
export { accountIdFromRunAgainValue, runAgainValue } from './action-ids.js';
export { renderCooldown, type CooldownOptions } from './cooldown.js';
export type { ReportRenderOptions } from './report.js';
export { renderAccountNotFound, type AccountNotFoundOptions } from './account-not-found.js';
export { renderPostureAlert, postureAlertPayload, type PostureAlertPayload } from './posture-alert.js';
export { stripInvisible } from './text.js';
