// What the Slack room needs from the rest of the bot, passed in by main.ts. Later issues extend it
// (alerts: the alerts service; summary: the weekly summary) by adding fields here.
import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { AlertsService } from '../alerts/index.js';
import type { WeeklySummary } from '../summary/index.js';
import type { CoverageReport } from '../activity/index.js';
import type { OverviewAccount, OverviewInput, PostureReport, RunCoordinator, RunLimits } from '../posture/index.js';
import type { AfterAck } from './after-ack.js';
import type { Authorizer } from './authorize.js';
import type { DeliveryQueue, DeliveryQueueOptions } from './delivery-queue.js';
import type { ReportReplies } from './listeners/report-replies.js';
import type { SeenSignatures } from './replay-guard.js';

export interface SlackDeps {
  logger: Logger;
  /** Gathers facts and runs every check for the watched account. Called only after the Slack request is acked. */
  runPosture: () => Promise<PostureReport>;
  authorizer: Authorizer;
  /**
   * Words a failed run for the Slack user (e.g. `describeFatalAwsError`: "no AWS credentials found: set
   * AWS_PROFILE…"). Errors with a `userMessage` are shown as they are; without either, a generic message.
   */
  describeRunError?: (error: unknown) => string;
  /** A run that takes longer is reported as failed (default 5 minutes; a response_url lives 30). */
  runTimeoutMs?: number;
  /** Values never to show in Slack whatever their shape (AWS secrets…); createSlackApp adds the Slack tokens. */
  secretValues?: readonly string[];
  /** Root activity alerts (issue 3): the buttons and `/aws-root-check alerts`. Unset: those are not registered. */
  alerts?: AlertDeps;
  /** The on-demand weekly summary (`/aws-root-check summary`). Unset: the subcommand says it is not set up. */
  summary?: SummaryDeps;
  /** Several watched accounts (issue 7): the overview and `/aws-root-check <account>`. Unset: the one account of `runPosture`. */
  organization?: OrganizationDeps;
  /** `/aws-root-check status`: the coverage of root activity (accounts × Regions, sources, what could not be read). */
  status?: StatusDeps;
  /** Bounds on the posture runs users start (defaults: DEFAULT_RUN_LIMITS). */
  postureRunLimits?: Partial<RunLimits>;
  /**
   * The posture run coordinator, when main.ts shares it with the scheduled scan (so the two never run one account
   * twice at once). Unset: createSlackApp makes one from runPosture / organization and postureRunLimits.
   */
  postureRuns?: RunCoordinator<PostureReport>;
  /** Where the replay guard remembers signed requests: the store's, shared by replicas (main.ts). Unset: this process's memory. */
  seenSignatures?: SeenSignatures;
  /** Bounds on what is posted after the acks (defaults: DEFAULT_DELIVERY_LIMITS). */
  deliveryLimits?: Omit<DeliveryQueueOptions, 'now'>;
}

/** The watched accounts and their latest results, read without waiting on AWS. */
export interface OrganizationDeps {
  /** The watched accounts as last listed (no AWS call): answers `/aws-root-check <account>` inside the ack. */
  watchedAccounts(): readonly OverviewAccount[];
  /** Every watched account's latest result (stored snapshots, the last scan's errors): the overview, at once. */
  latestResults(): Promise<OverviewInput[]>;
  /** Runs the checks of one watched account now and records the result (as the scheduled scan does). */
  assessAccount(accountId: string): Promise<PostureReport>;
}

/**
 * The alert buttons, the acknowledge modal and `/aws-root-check alerts`. Listeners act only through the alerts service
 * (alerts/service.ts: each change one atomic conditional update in the store); the message is updated by the outbox
 * sender (main.ts builds it with createOutboxRenderer), which the service wakes when it queued something.
 */
export interface AlertDeps {
  service: AlertsService;
  /**
   * Who may acknowledge an alert or take it for investigation, the presses that stop its reminders
   * (ALLOWED_RESPONDERS). Unset: the same authorizer as the command. Escalating stays open to everyone the command
   * allows: it only ever makes more noise.
   */
  responderAuthorizer?: Authorizer;
  /** The alias of an account (e.g. "prod"), shown next to its id in the alerts list; as given to the outbox renderer. */
  accountAlias?: (accountId: string) => string | null;
}

export interface StatusDeps {
  /** The coverage now: the last poll pass, the store's cursors and the queue's depth (read live). */
  coverage(): Promise<CoverageReport>;
}

export interface SummaryDeps {
  /** This week so far, built from the store and a fresh posture run. */
  buildThisWeek(): Promise<WeeklySummary>;
}

/** SlackDeps as the listeners receive them: defaults filled in. */
export interface ListenerDeps extends SlackDeps {
  runTimeoutMs: number;
  secretValues: readonly string[];
  /** The slash command's name. */
  command: string;
  /** Every posture run a user starts goes through it: coalesced per account, a per-user cooldown, a global cap. */
  postureRuns: RunCoordinator<PostureReport>;
  /** Posts to a response_url; createSlackApp sets a pooled fetch (cheaper than Bolt's respond). Unset: Bolt's respond. */
  responder?: (responseUrl: string) => RespondFn;
  /** What is posted after an ack waits here, behind the acks (the request gate tells it when requests arrive). */
  deliveries: DeliveryQueue;
  /** A report's reply per audience, rendered once however many requesters share the report. */
  reportReplies: ReportReplies;
  /** Runs what a listener does after its ack apart from Bolt's handling of the request (after-ack.ts). */
  afterAck: AfterAck;
}
