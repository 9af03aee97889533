// The blocks room's door: pure renderers from our own models to Block Kit, and the limits they are tested against.
export type { SlackMessage } from './message.js';
export { POSTURE_RUN_AGAIN_ACTION_ID } from './action-ids.js';
export { BLOCK_KIT_LIMITS, checkBlockKitLimits, type LimitViolation, type MessageToCheck } from './limits.js';
export { maskMessageSecrets, maskSecrets } from './mask.js';
export { renderPostureReport } from './report.js';
export { renderUsage, DEFAULT_COMMAND, type UsageOptions } from './usage.js';
export { renderRefusal, type RefusalOptions, type RefusalReason } from './refusal.js';
export { renderRunning, type RunningOptions } from './running.js';
export { renderError } from './run-error.js';
