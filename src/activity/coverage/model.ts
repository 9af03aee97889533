// Coverage: which accounts and Regions the bot watches, by which source, how fresh each account-Region's reading
// is, and what could not be read (with the IAM action to fix). The running bot keeps a CoverageRecord of its last
// poll pass and its events queue (tracker.ts), writes it to the store (one row, so any replica's `aws-root-guard status` reads it),
// and both faces build the same CoverageReport from it (report.ts, pure).

/** Why an account or an account-Region could not be read. */
export interface CoverageProblem {
  /** The IAM action refused or failing ("sts:AssumeRole", "cloudtrail:LookupEvents"), when one is to blame. */
  action: string | null;
  reason: string;
}

/** One account as the last poll pass saw it. */
export interface PolledAccount {
  accountId: string;
  name: string | null;
  /** The account could not be read at all (its role, its Region list); its Regions are then unknown. */
  problem: CoverageProblem | null;
  regions: Array<{ region: string; problem: CoverageProblem | null }>;
}

/** What the events queue source has seen since the bot started. */
export interface QueueActivity {
  queueUrl: string;
  received: number;
  /** When the newest message was received (ISO), and when SQS says it was sent. */
  lastMessageAt: string | null;
  lastMessageSentAt: string | null;
  /** The last ReceiveMessage failure, cleared by a receive that works. */
  lastReceiveError: string | null;
}

/** What the bot knows of its coverage, as written to DATA_DIR after every poll pass. */
export interface CoverageRecord {
  writtenAt: string;
  /** How often the poller runs (POLL_SCHEDULE), for what counts as lagging. */
  pollIntervalMs: number;
  /** When the last poll pass finished, or null before the first. */
  lastPassAt: string | null;
  accounts: PolledAccount[];
  queue: QueueActivity | null;
  /** The organization's management account, where a StackSet never deploys (records written before it: absent). */
  managementAccountId?: string | null;
}

/** A stored poll cursor: the poller has read this account-Region up to `cursor`. */
export interface CursorReading {
  accountId: string;
  region: string;
  cursor: string;
}

/** The queue's depth, read live (GetQueueAttributes), or why it could not be. */
export type QueueDepth = { visible: number; inFlight: number } | { error: string };

/**
 * The age of the queue's oldest message: SQS publishes it only to CloudWatch (AWS/SQS ApproximateAgeOfOldestMessage,
 * per minute, read as the minute's Maximum), and the newest datapoint may be a few minutes old, hence `asOf`.
 * No datapoint is not an age of 0: a new queue, an idle one (SQS stops publishing after six hours without activity)
 * or a minute not published yet all look alike, so it says since when there is none.
 */
export type OldestMessageAge = { ageSeconds: number; asOf: string } | { ageSeconds: null; noDatapointSince: string } | { error: string };

/** The dead-letter queue named by the queue's RedrivePolicy: a message there is an event the bot never alerted on. */
export type DeadLetterQueueDepth = { arn: string; visible: number; inFlight: number } | { arn: string; error: string };

/** What status reads of the events queue live: its depth, its oldest message's age and its dead-letter queue. */
export interface QueueHealth {
  depth: QueueDepth;
  oldestMessage: OldestMessageAge;
  /** null: the queue has no RedrivePolicy, or its attributes could not be read (then `depth` says why). */
  deadLetterQueue: DeadLetterQueueDepth | null;
}

export type CoverageSource = 'poller' | 'queue';

/** What status read of the member-rules StackSet (sources/queue-member-rules.ts), or why it could not. */
export interface MemberRulesStatus {
  stackSetName: string;
  /** How the StackSet answered (the management account, or a delegated administrator); null when it did not. */
  callAs: 'SELF' | 'DELEGATED_ADMIN' | null;
  readAt: string;
  /** Stack instances listed, and how many of them forward. */
  instances: number;
  forwarding: number;
  /** The listing was cut after its last page allowed. */
  truncated: boolean;
  /** Why it could not be read (naming cloudformation:ListStackInstances and where), or null. */
  error: string | null;
}

export interface RegionCoverage {
  region: string;
  /** Read up to here (the stored cursor), or null when never read. */
  readUpTo: string | null;
  cursorAgeSeconds: number | null;
  /** The cursor is older than two poll intervals and a minute. */
  lagging: boolean;
  problem: CoverageProblem | null;
}

export interface AccountCoverage {
  accountId: string;
  name: string | null;
  sources: CoverageSource[];
  problem: CoverageProblem | null;
  regions: RegionCoverage[];
  /** Nothing of this account could be read in the last pass (its role, or every Region, failed). */
  unreadable: boolean;
  /**
   * How many of the account's Regions the events queue hears (the queue counts among `sources` only when it hears
   * them all), the Regions it does not hear and why, and the account-wide reason when none can be known (the
   * management account). null: no events queue, or its member rules could not be read (the queue's `memberRules`
   * says why).
   */
  queueRules: { forwardingRegions: number; regions: number; reason: string | null; gaps: Array<{ region: string; reason: string }> } | null;
}

export interface CoverageReport {
  generatedAt: string;
  lastPassAt: string | null;
  pollIntervalSeconds: number;
  /** Accounts that could not be read first, then by id. */
  accounts: AccountCoverage[];
  /** `queueAccounts`: accounts the events queue hears in every Region; null without a queue or its member rules. */
  totals: { accounts: number; regions: number; unreadableAccounts: number; failingRegions: number; laggingRegions: number; queueAccounts: number | null };
  /** `depth`, `oldestMessage`, `deadLetterQueue` and `memberRules` are null when the bot state was read without the queue's live figures. */
  queue: (QueueActivity & { depth: QueueDepth | null; oldestMessage: OldestMessageAge | null; deadLetterQueue: DeadLetterQueueDepth | null; memberRules: MemberRulesStatus | null }) | null;
  /** Records and messages the sources kept because they could not be read. */
  unreadableRecords: number;
}
