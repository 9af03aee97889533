// The Slack room's door: main.ts builds the app here; blocks are reachable through ./blocks/index.js.
export { createSlackApp, startSlackApp, SlackAppConfigError, SLACK_EVENTS_PATH, type CreateSlackAppOptions, type StartedSlackApp } from './app.js';
export type { SlackDeps, ListenerDeps } from './deps.js';
export { createDeliveryQueue, DEFAULT_DELIVERY_LIMITS, type DeliveryQueue, type DeliveryQueueOptions } from './delivery-queue.js';
export { createReportReplies, type ReportReplies } from './listeners/report-replies.js';
export { awaitedAfterAck, detachedAfterAck, type AfterAck } from './after-ack.js';
export { createAuthorizer, type Authorizer, type AuthorizationDecision, type AuthorizerOptions, type UsergroupDirectory } from './authorize.js';
export { UserFacingError, toUserFacingError } from './errors.js';
export { AWS_ROOT_CHECK_COMMAND, parseSubcommand, type Subcommand } from './listeners/commands/index.js';
export { createOutboxRenderer, renderOutboxView, type OutboxRendererOptions } from './outbox-renderer.js';
export { ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID, ACKNOWLEDGE_REASON_CALLBACK_ID } from './blocks/index.js';
export { ledgerRecord } from './blocks/summary.js';
export { postureRunFor, SELF_ACCOUNT_KEY } from './listeners/posture-target.js';
export type { AlertDeps, SummaryDeps } from './deps.js';
