// Settings of the CloudTrail poller, parsed and validated like src/config.ts: every problem is collected,
// and each one names the variable and how to fix it; src/config.ts adds them to the rest of serve's.
import { validate as isValidCronExpression } from 'node-cron';
import { ConfigError, readWholeNumber, type Env } from '../config-reader.js';

export interface PollConfig {
  /** node-cron expression for a poll pass; POLL_SCHEDULE, default every minute. */
  schedule: string;
  /** Regions to poll from AWS_REGIONS, or null: every Region enabled in the account. */
  regions: string[] | null;
  /** Each pass re-reads this far behind the stored cursor, for events that show up late. */
  overlapMinutes: number;
  /** How far back the very first pass reads (LookupEvents keeps 90 days; reading all of it is slow). */
  initialLookbackHours: number;
  /** EVENTS_QUEUE_URL: the SQS queue EventBridge fills with root events (deploy/org-events.yaml), or null: poller only. */
  eventsQueueUrl: string | null;
  /** EVENTS_STACK_SET_NAME: the StackSet that deploys the member rules feeding the queue (status reads its instances). */
  eventsStackSetName: string;
}

export const POLL_DEFAULTS = {
  schedule: '* * * * *',
  overlapMinutes: 15,
  initialLookbackHours: 24,
  /** deploy/org-events.yaml's MemberRules StackSetName. */
  eventsStackSetName: 'aws-root-guard-member-root-event-rules',
} as const;

// us-east-1, eu-central-2, ap-southeast-5, us-gov-west-1, cn-north-1, il-central-1…
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const LOOKUP_EVENTS_HISTORY_HOURS = 90 * 24;

/** Parses the poller's variables; `problems` is empty when they are all valid. */
export function readPollConfig(env: Env): { config: PollConfig; problems: string[] } {
  const problems: string[] = [];

  const schedule = env.POLL_SCHEDULE?.trim() || POLL_DEFAULTS.schedule;
  if (!isValidCronExpression(schedule)) {
    problems.push(`POLL_SCHEDULE="${schedule}" is not a cron expression: use 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "* * * * *" for every minute or "*/5 * * * *" for every 5 minutes`);
  }

  let regions: string[] | null = null;
  const regionsRaw = env.AWS_REGIONS?.trim();
  if (regionsRaw) {
    const listed = regionsRaw.split(',').map((item) => item.trim()).filter(Boolean);
    for (const region of listed) {
      if (!REGION_NAME.test(region)) problems.push(`AWS_REGIONS: "${region}" is not a Region code (e.g. us-east-1); give a comma-separated list, or leave it empty to poll every Region enabled in the account`);
    }
    regions = [...new Set(listed)];
  }

  const overlapMinutes = readWholeNumber(env, 'POLL_OVERLAP_MINUTES', POLL_DEFAULTS.overlapMinutes, 1, 24 * 60, 'minutes', problems);
  const initialLookbackHours = readWholeNumber(env, 'POLL_INITIAL_LOOKBACK_HOURS', POLL_DEFAULTS.initialLookbackHours, 1, LOOKUP_EVENTS_HISTORY_HOURS, 'hours (CloudTrail keeps 90 days)', problems);

  let eventsQueueUrl: string | null = env.EVENTS_QUEUE_URL?.trim() || null;
  if (eventsQueueUrl !== null && !/^https?:\/\/[^/]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/.test(eventsQueueUrl)) {
    problems.push(`EVENTS_QUEUE_URL="${eventsQueueUrl}" is not an SQS queue URL: use the QueueUrl output of deploy/org-events.yaml, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/aws-root-guard-root-events, or leave it empty to use the CloudTrail poller alone`);
    eventsQueueUrl = null;
  }

  const eventsStackSetName = env.EVENTS_STACK_SET_NAME?.trim() || POLL_DEFAULTS.eventsStackSetName;
  // CloudFormation's own rule for a StackSet name.
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(eventsStackSetName)) {
    problems.push(`EVENTS_STACK_SET_NAME="${eventsStackSetName}" is not a StackSet name (a letter, then letters, digits and hyphens, 128 at most): use the StackSetName of deploy/org-events.yaml's MemberRules, or leave it empty for ${POLL_DEFAULTS.eventsStackSetName}`);
  }

  return { config: { schedule, regions, overlapMinutes, initialLookbackHours, eventsQueueUrl, eventsStackSetName }, problems };
}

/** Like readPollConfig, but throws a ConfigError listing every problem. */
export function loadPollConfig(env: Env): PollConfig {
  const { config, problems } = readPollConfig(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
