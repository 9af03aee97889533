// The alerts room's door: the alert lifecycle (grouping, states, reminders), the alerts service the Slack listeners
// call, and the Slack outbox sender.
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
export { ALERT_ACTIONS, nextAlertState } from './lifecycle.js';
export { chooseAlertGroup, DEFAULT_GROUPING_POLICY, isCrossAccountGroup, ROOT_SESSION_KEY_PREFIX, isFailedLoginBurst, type GroupCandidate, type GroupDecision, type GroupingPolicy } from './grouping.js';
export { groupRootEvents, type EventGroup } from './batch-grouping.js';
export { acknowledgeAlert, MAX_REASON_LENGTH, setAlertState, type AlertStateStore, type AlertTransition, type ThreadReplyOf } from './state.js';
export { createAlertsService, type AcknowledgePrompt, type AlertsService, type AlertsServiceOperations, type AlertsServiceOptions, type AlertsServiceStore, type AlertWithFirstEvent, type OpenAlerts, type ShowEventOutcome } from './service.js';
export { dueReminderNumber, enqueueDueReminders, nextReminderDueAt, type ReminderPolicy, type ReminderStore } from './reminders.js';
export { escalationReply, ESCALATION_PAGE_INTERVAL_MS, type EscalationReplyPayload } from './escalation.js';
export { groupingPolicyOf, loadAlertsConfig, readAlertsConfig, userGroupMention, type AlertsConfig } from './config.js';
export type { MessageUpdate, OutgoingMessage, PostedMessageQuery, SlackMessenger } from './messenger.js';
export { createSenderWebClient, webClientMessenger, type SenderWebClientOptions, type WebClientMessengerOptions } from './slack-messenger.js';
export { classifySlackError, type SlackFailure } from './slack-errors.js';
export { loadOutboxView, type OutboxView, type OutboxViewReader } from './outbox-view.js';
export { createOutboxSender, type BackoffPolicy, type OutboxSenderStore, type OutboxSenderEvents, type OutboxRenderer, type OutboxSender, type OutboxSenderOptions, type RenderedMessage, type SendPassResult } from './sender.js';
export { outboxKeyFor, type OutboxKeyContext } from './outbox-key.js';
export { accountLabel, alertHeadline, alertTitle, ALERT_KIND_TITLE, type AccountNameOf, type HeadlineAlert, type TitledAlert } from './title.js';
export { describeUserAgent } from './user-agent.js';
export { alertChannelFor, NO_ROUTES, parseAlertRoutes, routedChannels, routesNeedOrganization, type AccountPlacement, type AlertRoutes } from './routes.js';
export { createAlertRouter, routedSink, type AlertRouter } from './alert-router.js';
