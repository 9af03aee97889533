// The alerts room's door: the alert lifecycle (grouping, states, reminders) and the Slack outbox sender.
export type {
  AlertAction,
  AlertAuditEntry,
  AlertGroupKind,
  AlertRecord,
  AlertReplyPayload,
  AlertState,
  EventRecordPayload,
  OutboxKind,
  OutboxMessage,
  OutboxState,
  ReminderPayload,
  SlackMessageRef,
  StateChangeResult,
  StoredRootEvent,
  SummaryPostPayload,
  SummaryReplyPayload,
} from './model.js';
export { ACTION_ALLOWED_FROM, ACTION_TARGET_STATE, ALERT_ACTIONS, isAlertAction, isUnresolved, nextAlertState } from './lifecycle.js';
export { chooseAlertGroup, DEFAULT_FAILED_LOGIN_BURST_THRESHOLD, DEFAULT_GROUPING_POLICY, higherSeverity, isFailedLoginBurst, newGroupFor, severityRank, type GroupCandidate, type GroupDecision, type GroupingPolicy } from './grouping.js';
export { acknowledgeAlert, MAX_REASON_LENGTH, setAlertState } from './state.js';
export { dueReminderNumber, enqueueDueReminders, nextReminderDueAt, type ReminderPolicy } from './reminders.js';
export { ALERTS_DEFAULTS, loadAlertsConfig, readAlertsConfig, userGroupMention, type AlertsConfig } from './config.js';
export { OUTBOX_METADATA_EVENT_TYPE, type MessageUpdate, type OutgoingMessage, type PostedMessageQuery, type SlackMessenger } from './messenger.js';
export { createSenderWebClient, senderWebClientOptions, webClientMessenger, type SenderWebClientOptions, type WebClientMessengerOptions } from './slack-messenger.js';
export { classifySlackError, type SlackFailure } from './slack-errors.js';
export { backoffMs, createOutboxSender, outboxKey, type BackoffPolicy, type OutboxRenderer, type OutboxSender, type OutboxSenderOptions, type RenderedMessage, type SendPassResult } from './sender.js';
export { alertTitle } from './title.js';
