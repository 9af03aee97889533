// Plain data in and out of the weekly summary. The builder is a pure function from SummaryInput to WeeklySummary;
// the shell (run.ts) fills the input from the posture checks and the store, renderers turn the output into text.
import type { RootEvent } from '../activity/model.js';
import type { AlertState } from '../alerts/index.js';
import type { AccountIdentity, FindingStatus, FreshPosture, PostureRunError } from '../posture/model.js';

// The posture room owns these; the summary's own types use them, and its callers may import them from here.
export type { FreshPosture, PostureRunError } from '../posture/model.js';

/** The reporting window: [start, end), local Monday 00:00 to the next Monday 00:00 in `timezone`. */
export interface SummaryWindow {
  /** ISO week key of the window, e.g. "2026-W48". */
  weekKey: string;
  timezone: string;
  /** ISO instants. For a partial week `end` is the time the summary was made. */
  start: string;
  end: string;
  /** Local calendar dates of the Monday and the Sunday, YYYY-MM-DD, for display. */
  firstDay: string;
  lastDay: string;
  /** An on-demand summary of the week so far, not a complete week. */
  partial?: boolean;
}

/** What was stored the last time the posture of an account was checked for a summary. */
export interface PostureSnapshotSummary {
  /** ISO time the report behind the snapshot was generated. */
  takenAt: string;
  score: { passed: number; total: number };
  /** Finding id -> status. */
  statuses: Record<string, FindingStatus>;
  /** Finding id -> title, so a finding that no longer exists can still be named. */
  titles?: Record<string, string>;
}

/** One point of a weekly trend: the week's key and its value, null when nothing was recorded that week. */
export interface WeeklyScore {
  weekKey: string;
  score: { passed: number; total: number } | null;
}

export interface WeeklyCount {
  weekKey: string;
  count: number;
}

export interface AccountSummaryInput {
  account: AccountIdentity;
  posture: FreshPosture;
  /**
   * The baseline to compare with: the first snapshot taken in the reporting window, which is the one the previous
   * weekly summary took (see baselines.ts). null when there is none, e.g. the first summary of this account.
   */
  lastWeek: PostureSnapshotSummary | null;
  /**
   * Earlier weekly scores keyed by the week the snapshot was taken in, any order. The trend shows the seven weeks
   * before the week of `now` (when this week's checks ran) and then this week's fresh score.
   */
  scoreHistory: WeeklyScore[];
  /** When this posture was read (ISO): the snapshot's time, or the fresh check's; null when the checks could not run. */
  checkedAt?: string | null;
  /** The account had no snapshot yet, so its checks ran for this summary. */
  checkedFresh?: boolean;
}

/** Where an alert's Slack message is: a permalink when the workspace URL is known, else its channel and ts. */
export type AlertMessageLink = { permalink: string } | { channel: string; ts: string };

export interface UnacknowledgedAlertInput {
  alertId: string;
  accountId: string;
  /** One line saying what happened, e.g. "Root console sign-in without MFA". */
  headline: string;
  /** The RootEvent kind behind the alert, or a grouped kind such as "console-login-failure-burst". */
  kind: string;
  /** Only acknowledged closes an alert. */
  state: Exclude<AlertState, 'acknowledged'>;
  /** ISO time the alert was raised. */
  createdAt: string;
  /** null while the alert sits in the outbox, not yet posted. */
  message: AlertMessageLink | null;
}

export interface AcknowledgmentInput {
  alertId: string;
  /** ISO times: alert raised, alert acknowledged. */
  raisedAt: string;
  acknowledgedAt: string;
}

export interface SummaryInput {
  window: SummaryWindow;
  /** ISO time the summary is made: the clock the ages of open alerts are measured on. */
  now: string;
  /** Every watched account, in the order to show them when nothing else ranks them. */
  accounts: AccountSummaryInput[];
  /** Root events of the week (events outside the window are ignored, duplicates by eventId counted once). */
  events: RootEvent[];
  /** Root event counts of earlier weeks by week key, any order; the trend shows the seven weeks before the window's. */
  eventCountHistory: WeeklyCount[];
  /** Alerts not acknowledged yet, whenever they were raised. */
  unacknowledgedAlerts: UnacknowledgedAlertInput[];
  /** Acknowledgments made during the week (others are ignored). */
  acknowledgments: AcknowledgmentInput[];
  /** "watching 143 accounts × 17 Regions; 2 could not be read" (activity coverage), or null when not known. */
  coverage?: string | null;
}

// ---- output ----

/** 'first': no snapshot from last week to compare with; 'unknown': the checks could not run this week. */
export type ScoreDirection = 'up' | 'down' | 'same' | 'first' | 'unknown';

export interface FindingChange {
  id: string;
  title: string;
  /** null when last week's snapshot did not have this finding. */
  from: FindingStatus | null;
  to: FindingStatus;
}

/** Root event counts by what a responder asks first. */
export interface EventCounts {
  total: number;
  consoleSignInWithMfa: number;
  consoleSignInWithoutMfa: number;
  /** Console sign-ins whose record does not say whether MFA was used. */
  consoleSignInMfaUnknown: number;
  failedSignIns: number;
  apiCalls: number;
  credentialChanges: number;
  /** Root turning off CloudTrail, GuardDuty, Security Hub, Config or flow logs. */
  loggingDisabled: number;
  /** Root changing IAM access (policies, users, roles, keys, passwords of IAM users): never expected root use. */
  accessChanges: number;
  rootOnlyTasks: number;
  /** Of the above, actions inside a centralized-root sts:AssumeRoot session. */
  centralizedRootSessionActions: number;
}

export interface AccountWeek {
  account: AccountIdentity;
  /** null when the checks could not run this week. */
  score: { passed: number; total: number } | null;
  lastWeekScore: { passed: number; total: number } | null;
  direction: ScoreDirection;
  newlyFailing: FindingChange[];
  newlyFixed: FindingChange[];
  /** Findings failing or warning right now, most severe first: what still needs doing. */
  stillFailing: Array<{ id: string; title: string; status: FindingStatus }>;
  checksError: PostureRunError | null;
  events: EventCounts;
  /** Eight points, oldest first, this week's fresh check last; a ratio 0..1, or null for a week without a score. */
  scoreTrend: Array<number | null>;
  /** When the posture shown was read (ISO) and how long before the summary was made; null when the checks could not run. */
  checkedAt?: string | null;
  checkedAgeMs?: number | null;
  /** No snapshot existed: checked for this summary. */
  checkedFresh?: boolean;
}

/** Where the summary's posture came from: the scheduled scan's snapshots, and the accounts checked fresh for lack of one. */
export interface PostureSource {
  fromSnapshots: number;
  checkedFresh: number;
  /** The oldest snapshot shown, and its age when the summary was made; null with no snapshot. */
  oldestSnapshotAt: string | null;
  oldestSnapshotAgeMs: number | null;
}

export interface UnacknowledgedAlert extends UnacknowledgedAlertInput {
  /** Milliseconds from raising to the time the summary was made. */
  ageMs: number;
}

export interface WeeklySummary {
  window: SummaryWindow;
  /** Accounts, the ones that need attention first: regressions, checks that failed, lowest score. */
  accounts: AccountWeek[];
  totals: {
    accounts: number;
    /** Sum over the accounts whose checks ran. */
    score: { passed: number; total: number } | null;
    /** Last week's sum over the same accounts; null unless every account scored now had a score last week. */
    lastWeekScore: { passed: number; total: number } | null;
    accountsUp: number;
    accountsDown: number;
    accountsSame: number;
    newlyFailing: number;
    newlyFixed: number;
  };
  events: EventCounts;
  /** Eight weeks of the posture score over all accounts (ratio 0..1 or null), oldest first. */
  scoreTrend: Array<number | null>;
  /** Eight weeks of root event counts over all accounts, oldest first. */
  eventTrend: number[];
  unacknowledgedAlerts: UnacknowledgedAlert[];
  acknowledgments: { count: number; medianMs: number | null };
  /** Absent in summaries recorded before the summary read snapshots. */
  postureSource?: PostureSource;
  /** Accounts whose checks could not run, with why. Empty when every check ran. */
  checksFailed: Array<{ account: AccountIdentity; error: PostureRunError }>;
  /** No events, no open alerts, no posture change, every check ran: say so briefly. */
  empty: boolean;
  /** The activity coverage line, or null (unknown; summaries recorded before it existed have none). */
  coverage?: string | null;
}

/** How many weeks a trend shows, this week included. */
export const TREND_WEEKS = 8;
