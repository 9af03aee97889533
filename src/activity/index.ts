// The activity room's door: classify CloudTrail records (pure), read them from files, group root events
// into alerts (pure), and the sources (CloudTrail poller, SQS) that feed the one ingest path (the store).
export type { AlertSeverity, Classification, RootEvent, RootEventKind, RootSessionOpened } from './model.js';
export type { ActivitySourceName, IngestBatch, IngestedRootEvent, IngestResult, IngestSink, UnreadableRecord } from './ingest.js';
export type { CommitResult, GroupCommitSink, PollBatch, PollCursorAdvance, PollSink } from './poll-sink.js';
export { groupCommits } from './group-commit.js';

export { classifyRecord, type ClassifyContext } from './classify.js';
export { classifyReadItem, toClassifyLine, type ClassifyLine, type MalformedClassifyLine } from './classify-line.js';
export { isGzipped, readRecords, type ReadItem } from './read-records.js';
export { collectAssumeRootAccessKeyIds } from './centralized-root.js';
export { assumeRootEvent, classifyActivityRecord, classifyActivityRecordWithStore, type ActivityClassifyContext } from './assume-root.js';

export {
  createPoller,
  pollWindow,
  schedulePolling,
  type PassResult,
  type Poller,
  type PollerOptions,
  type PollWindow,
  type RegionFailure,
  type RegionPassResult,
  type SchedulePollingOptions,
} from './poller.js';
export type { ActivitySource, OnIngested } from './sources/source.js';
export { createCloudTrailPollerSource, startRetryDelayMs, startRetryFor, type CloudTrailPollerSourceOptions, type StartRetry } from './sources/cloudtrail-poller.js';
export { accountPassOf, unreadAccount, type AccountPassResult } from './sources/account-pass.js';
export { createOrganizationPoller, DEFAULT_MAX_REQUESTS_IN_FLIGHT, type OrganizationPassResult, type OrganizationPoller, type OrganizationPollerOptions } from './sources/organization-poller.js';
export { createRequestGate, type RequestGate } from './request-gate.js';
export { createSqsSource, SQS_MAX_MESSAGES, SQS_WAIT_TIME_SECONDS, type SqsSource, type SqsSourceOptions, type SqsSourceStats } from './sources/sqs.js';
export { readQueueHealth, type QueueHealthClients } from './sources/queue-health.js';
export { OLDEST_MESSAGE_METRIC, readOldestMessageAge } from './sources/queue-oldest-message.js';
export { createMemberRulesReader, LIST_STACK_INSTANCES_ACTION, type MemberRuleInstance, type MemberRulesReader, type MemberRulesReading } from './sources/queue-member-rules.js';
export { CLOUDTRAIL_DETAIL_TYPES, readEventBridgeMessage, type EnvelopeReading } from './sources/eventbridge-envelope.js';
export { loadPollConfig, POLL_DEFAULTS, readPollConfig, type PollConfig } from './poll-config.js';
export { listEnabledRegions, RegionListError, resolvePollRegions, SIGN_IN_REGION } from './regions.js';
export { lookupsForRegion, type LookupEventsApi, type LookupFailure } from './lookup.js';
export { LOOKUP_EVENTS_REQUESTS_PER_SECOND, RateLimiterRegistry } from './rate-limiter.js';
export * from './coverage/index.js';
export { runAsLatestOccurrence, type OccurrenceRunResult } from './latest-occurrence.js';
