// The Slack room's door: main.ts builds the app here; blocks are reachable through ./blocks/index.js.
export { createSlackApp, startSlackApp, SlackAppConfigError, SLACK_EVENTS_PATH, DEFAULT_RUN_TIMEOUT_MS, type CreateSlackAppOptions, type StartedSlackApp } from './app.js';
export type { SlackDeps, ListenerDeps } from './deps.js';
export { createAuthorizer, DEFAULT_MEMBERSHIP_CACHE_TTL_MS, type Authorizer, type AuthorizationDecision, type AuthorizerOptions, type UsergroupDirectory } from './authorize.js';
export { UserFacingError, toUserFacingError } from './errors.js';
export { boltLoggerFrom } from './bolt-logger.js';
export { AWS_ROOT_CHECK_COMMAND, parseSubcommand, type Subcommand } from './listeners/commands/index.js';
export { POSTURE_RUN_AGAIN_ACTION_ID } from './listeners/actions/index.js';
export { createOutboxRenderer, type OutboxRendererOptions } from './outbox-renderer.js';
export { renderAlert, ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID, ACKNOWLEDGE_REASON_CALLBACK_ID } from './blocks/index.js';
export { ledgerRecord } from './blocks/summary.js';
export type { AlertDeps, SummaryDeps } from './deps.js';
