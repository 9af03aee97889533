export { createBotMetrics, type BotMetrics, type BotMetricsOptions, type MetricsStore } from './bot-metrics.js';
export { recordPollPass } from './poll-pass.js';
export { timedPostureRun, type PostureTrigger } from './posture-timing.js';
export { countAwsErrors } from './aws-errors.js';
export { countSlackErrors, slackErrorLabel } from './slack-errors.js';
