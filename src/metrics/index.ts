// The metrics room's door: the Prometheus registry and what records into it, readiness, and the
// operations endpoints (/healthz, /readyz, /metrics) that serve them.
export { createBotMetrics, type BotMetrics, type BotMetricsOptions, type MetricsStore } from './bot-metrics.js';
export { recordPollPass } from './poll-pass.js';
export { timedPostureRun, type PostureTrigger } from './posture-timing.js';
export { countAwsErrors } from './aws-errors.js';
export { countSlackErrors, slackErrorLabel } from './slack-errors.js';
export { scheduleIntervalMs } from './schedule-interval.js';
export { createReadiness, pollReadiness, type LastPollRead, type PollCheck, type Readiness, type ReadinessCheck, type SlackCheck, type ReadinessOptions, type ReadinessReport } from './readiness.js';
export { HEALTHZ_PATH, METRICS_PATH, operationsRoutes, READYZ_PATH, startHealthServer, type HealthServer, type OperationsDeps } from './endpoints.js';
export { outboxDeliveryMetrics, type OutboxDeliveryMetrics } from './outbox-delivery.js';
