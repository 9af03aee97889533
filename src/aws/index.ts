// The aws room's door: the SDK clients, getting into accounts, and the mapping of AWS errors to our own words.
export { createAwsClients, type AwsClientOptions, type AwsClients } from './clients.js';
export { AwsCallError, awsErrorCode, describeFatalAwsError, MemberAccessError, toFactError } from './errors.js';
export {
  AUDIT_ROOT_TASK_POLICY_ARN,
  createAccountAccess,
  type AccountAccess,
  type AccountAccessOptions,
  type AccountClients,
  type AuditSession,
  type AuditSessionRecorder,
  type RootAuditSession,
  type SkippedAccount,
  type WatchedAccount,
  type WatchedAccountList,
} from './accounts.js';
export { ACCOUNTS_DEFAULTS, readAccountsConfig, type AccountsConfig, type WatchScope } from './accounts-config.js';
export { createEventsQueueClient, queueAddress, queueRegion, siblingQueueUrl } from './sqs.js';
export { createQueueMetricsClient } from './cloudwatch.js';
export { createStackSetsClient } from './cloudformation.js';
export { onDeparture } from './departure.js';
