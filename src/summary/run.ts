// The thin shell around the pure builder: run the checks, read the store through injected functions, build, and hand
// the summary to the ledger, which records the week and queues the post in one transaction.
import type { RootEvent } from '../activity/model.js';
import type { AssessedAccount, PostureReport } from '../posture/model.js';
import { postureRunError } from '../posture/index.js';
import { firstSnapshotsIn, weeklyScoreHistory, type StoredSnapshot } from './baselines.js';
import { buildWeeklySummary } from './build.js';
import { reportWeekAt } from './catch-up.js';
import { TREND_WEEKS, type AcknowledgmentInput, type FreshPosture, type SummaryWindow, type UnacknowledgedAlertInput, type WeeklyCount, type WeeklySummary } from './model.js';
import { shiftWeek, weekContaining, weeksEndingWith, type Week } from './week.js';

export interface TimeRange {
  from: Date;
  to: Date;
}

export type { AssessedAccount } from '../posture/model.js';

type MaybePromise<T> = T | Promise<T>;

/** Where the summary's inputs come from: the posture checks and the store, behind plain functions. */
export interface SummarySources {
  /** Runs the posture checks on every watched account now; an account whose checks fail carries its error. */
  assessAll(): Promise<AssessedAccount[]>;
  /** Posture snapshots taken in [from, to). */
  postureSnapshots(range: TimeRange): MaybePromise<StoredSnapshot[]>;
  /** Keeps this run's reports: next week's baseline and trend point. */
  saveSnapshots(reports: PostureReport[]): MaybePromise<void>;
  /** Root events whose event time is in [from, to). */
  events(range: TimeRange): MaybePromise<RootEvent[]>;
  /** How many root events have an event time in [from, to). */
  eventCount(range: TimeRange): MaybePromise<number>;
  /** Alerts not acknowledged yet. */
  unacknowledgedAlerts(): MaybePromise<UnacknowledgedAlertInput[]>;
  /** Acknowledgments made in [from, to). */
  acknowledgments(range: TimeRange): MaybePromise<AcknowledgmentInput[]>;
}

/**
 * Once per week, whatever restarts and replicas do. The store implements it with its weekly summary ledger: the week
 * key is unique, and recording the week queues the post (and its thread replies) in the same transaction, so a crash
 * either loses the whole run (and catch-up redoes it) or leaves a post that the outbox delivers exactly once.
 */
export interface SummaryLedger {
  /** True when the summary of this week is recorded: posted, or queued to be posted. */
  isRecorded(weekKey: string): boolean;
  /** Records the week and queues its post, atomically; false, with nothing queued, when the week was already recorded. */
  claimWeek(weekKey: string, summary: WeeklySummary): boolean;
}

export function summaryWindow(week: Week, partialUntil?: Date): SummaryWindow {
  const window: SummaryWindow = {
    weekKey: week.key,
    timezone: week.timezone,
    start: week.start.toISOString(),
    end: (partialUntil && partialUntil < week.end ? partialUntil : week.end).toISOString(),
    firstDay: week.firstDay,
    lastDay: week.lastDay,
  };
  if (partialUntil && partialUntil < week.end) window.partial = true;
  return window;
}

/** A message a user can act on, from whatever was thrown: never a stack, never a secret's worth of detail. */
async function assessOrExplain(sources: SummarySources, knownAccounts: readonly string[]): Promise<AssessedAccount[]> {
  try {
    return await sources.assessAll();
  } catch (error) {
    // The checks could not start at all (credentials, account list): still report, and say why, for every account
    // we know of from earlier snapshots.
    const posture: FreshPosture = { ok: false, error: postureRunError(error) };
    const accounts = knownAccounts.length > 0 ? knownAccounts : ['(unknown)'];
    return accounts.map((id) => ({ account: { id, alias: null }, posture }));
  }
}

interface BuildOptions {
  sources: SummarySources;
  window: SummaryWindow;
  now: Date;
  /** Store the fresh reports as snapshots: yes for the weekly post (they are next week's baseline). */
  saveSnapshots: boolean;
}

/** Gathers every input (checks fresh, the rest from the store) and builds the summary of `window`. */
async function gatherAndBuild({ sources, window, now, saveSnapshots }: BuildOptions): Promise<WeeklySummary> {
  const windowStart = new Date(window.start);
  const windowEnd = new Date(window.end);
  const checkWeek = weekContaining(now, window.timezone);
  const historyStart = shiftWeek(checkWeek, -(TREND_WEEKS - 1)).start;
  const snapshotRange = {
    from: historyStart < windowStart ? historyStart : windowStart,
    to: checkWeek.start > windowEnd ? checkWeek.start : windowEnd,
  };
  const windowWeek = weekContaining(windowStart, window.timezone);
  const earlierWindows = weeksEndingWith(shiftWeek(windowWeek, -1), TREND_WEEKS - 1);

  // Read the store before saving this run's snapshots, so they can never be their own baseline.
  const snapshots = await sources.postureSnapshots(snapshotRange);
  const baselines = firstSnapshotsIn(snapshots, { start: windowStart, end: windowEnd });
  const histories = weeklyScoreHistory(snapshots.filter((snapshot) => Date.parse(snapshot.takenAt) < checkWeek.start.getTime()), window.timezone);
  const [events, eventCountHistory, unacknowledgedAlerts, acknowledgments] = await Promise.all([
    sources.events({ from: windowStart, to: windowEnd }),
    Promise.all(earlierWindows.map(async (week): Promise<WeeklyCount> => ({ weekKey: week.key, count: await sources.eventCount({ from: week.start, to: week.end }) }))),
    sources.unacknowledgedAlerts(),
    sources.acknowledgments({ from: windowStart, to: windowEnd }),
  ]);

  const knownAccounts = [...new Set(snapshots.map((snapshot) => snapshot.accountId))].sort();
  const assessed = await assessOrExplain(sources, knownAccounts);
  if (saveSnapshots) {
    const reports = assessed.flatMap((entry) => (entry.posture.ok ? [entry.posture.report] : []));
    if (reports.length > 0) await sources.saveSnapshots(reports);
  }

  return buildWeeklySummary({
    window,
    now: now.toISOString(),
    accounts: assessed.map((entry) => ({
      account: entry.account,
      posture: entry.posture,
      lastWeek: baselines.get(entry.account.id) ?? null,
      scoreHistory: histories.get(entry.account.id) ?? [],
    })),
    events,
    eventCountHistory,
    unacknowledgedAlerts,
    acknowledgments,
  });
}

export type WeeklyRunOutcome =
  | { status: 'posted'; weekKey: string; summary: WeeklySummary }
  | { status: 'already-posted'; weekKey: string };

export interface WeeklyRunDeps {
  sources: SummarySources;
  ledger: SummaryLedger;
  timezone: string;
  now(): Date;
}

/** The scheduled (or catch-up) run: the summary of the last complete week, recorded and queued at most once. */
export async function runWeeklySummary(deps: WeeklyRunDeps): Promise<WeeklyRunOutcome> {
  const now = deps.now();
  const week = reportWeekAt(now, deps.timezone);
  // Checked first so a restart after posting does not even run the checks.
  if (deps.ledger.isRecorded(week.key)) return { status: 'already-posted', weekKey: week.key };
  const summary = await gatherAndBuild({ sources: deps.sources, window: summaryWindow(week), now, saveSnapshots: true });
  if (!deps.ledger.claimWeek(week.key, summary)) return { status: 'already-posted', weekKey: week.key };
  return { status: 'posted', weekKey: week.key, summary };
}

/** On demand (`/aws-root-check summary`, `aws-root-guard summary`): nothing recorded, nothing posted to the channel. */
export async function buildSummaryOnDemand(options: { sources: SummarySources; timezone: string; now: Date; scope: 'last-week' | 'this-week' }): Promise<WeeklySummary> {
  const { sources, timezone, now, scope } = options;
  const window = scope === 'last-week' ? summaryWindow(reportWeekAt(now, timezone)) : summaryWindow(weekContaining(now, timezone), now);
  return gatherAndBuild({ sources, window, now, saveSnapshots: false });
}
