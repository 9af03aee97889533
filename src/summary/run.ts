// The thin shell around the pure builder: read the posture snapshots and the store through injected functions, build, and hand
// the summary to the ledger, which records the week and queues the post in one transaction.
import type { RootEvent } from '../activity/model.js';
import type { AccountIdentity, AssessedAccount, PostureReport } from '../posture/model.js';
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

/** A stored snapshot with its whole report: the newest of an account is the posture the summary shows. */
export interface LatestSnapshot {
  accountId: string;
  takenAt: string;
  report: PostureReport;
}

/** Where the summary's inputs come from: the scheduled scan's snapshots and the store, behind plain functions. */
export interface SummarySources {
  /** The watched accounts now (WATCH_ACCOUNTS; the organization listing is cached for an hour). */
  watchedAccounts(): Promise<AccountIdentity[]>;
  /** The newest posture snapshot of each account: what the scheduled scan (POSTURE_SCHEDULE) last found. */
  latestSnapshots(): MaybePromise<LatestSnapshot[]>;
  /**
   * Runs the checks now on accounts that have no snapshot yet (a new account, a fresh store); an account whose
   * checks fail carries its error. Whatever the source keeps of these runs (the bot records them as snapshots) is its own.
   */
  assessFresh(accountIds: readonly string[]): Promise<AssessedAccount[]>;
  /** Posture snapshots taken in [from, to). */
  postureSnapshots(range: TimeRange): MaybePromise<StoredSnapshot[]>;
  /** Root events whose event time is in [from, to). */
  events(range: TimeRange): MaybePromise<RootEvent[]>;
  /** How many root events have an event time in [from, to). */
  eventCount(range: TimeRange): MaybePromise<number>;
  /** Alerts not acknowledged yet. */
  unacknowledgedAlerts(): MaybePromise<UnacknowledgedAlertInput[]>;
  /** Acknowledgments made in [from, to). */
  acknowledgments(range: TimeRange): MaybePromise<AcknowledgmentInput[]>;
  /** The activity coverage line now ("watching 143 accounts × 17 Regions; 2 could not be read"), or null. */
  coverage?(): MaybePromise<string | null>;
}

/**
 * Once per week, whatever restarts and replicas do. The store implements it with its weekly summary ledger: the week
 * key is unique, and recording the week queues the post (and its thread replies) in the same transaction, so a crash
 * either loses the whole run (and catch-up redoes it) or leaves a post that the outbox delivers exactly once.
 */
export interface SummaryLedger {
  /** True when the summary of this week is recorded: posted, or queued to be posted. */
  isRecorded(weekKey: string): MaybePromise<boolean>;
  /** Records the week and queues its post, atomically; false, with nothing queued, when the week was already recorded. */
  claimWeek(weekKey: string, summary: WeeklySummary): MaybePromise<boolean>;
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

/** One account's posture as the summary shows it, and where it came from. */
interface CurrentPosture extends AssessedAccount {
  checkedAt: string | null;
  checkedFresh: boolean;
}

function runFailure(error: unknown): FreshPosture {
  return { ok: false, error: postureRunError(error) };
}

/** Fresh checks of the accounts with no snapshot; checks that cannot start at all give each of them the reason. */
async function assessFresh(sources: SummarySources, accounts: readonly AccountIdentity[]): Promise<CurrentPosture[]> {
  if (accounts.length === 0) return [];
  let assessed: AssessedAccount[];
  try {
    assessed = await sources.assessFresh(accounts.map((account) => account.id));
  } catch (error) {
    return accounts.map((account) => ({ account, posture: runFailure(error), checkedAt: null, checkedFresh: true }));
  }
  const byId = new Map(assessed.map((entry) => [entry.account.id, entry]));
  return accounts.map((account) => {
    const entry = byId.get(account.id);
    if (!entry) return { account, posture: runFailure(new Error('the fresh check returned no result for this account')), checkedAt: null, checkedFresh: true };
    return { ...entry, checkedAt: entry.posture.ok ? entry.posture.report.generatedAt : null, checkedFresh: true };
  });
}

/**
 * Each watched account's newest snapshot (the scheduled scan keeps them, so the summary never waits on every
 * account); only an account with none is checked now. When the watched accounts cannot be listed, the accounts the
 * snapshots know stand in (their age shows how old they are); with no snapshot either, the summary says why.
 */
async function currentPosture(sources: SummarySources): Promise<CurrentPosture[]> {
  const latest = await sources.latestSnapshots();
  const snapshotOf = new Map(latest.map((snapshot) => [snapshot.accountId, snapshot]));
  let watched: AccountIdentity[];
  try {
    watched = await sources.watchedAccounts();
  } catch (error) {
    if (latest.length === 0) return [{ account: { id: '(unknown)', alias: null }, posture: runFailure(error), checkedAt: null, checkedFresh: false }];
    watched = latest.map((snapshot) => snapshot.report.account).sort((a, b) => a.id.localeCompare(b.id));
  }
  const missing = watched.filter((account) => !snapshotOf.has(account.id));
  const fresh = new Map((await assessFresh(sources, missing)).map((entry) => [entry.account.id, entry]));
  return watched.map((account): CurrentPosture => {
    const snapshot = snapshotOf.get(account.id);
    if (!snapshot) return fresh.get(account.id)!;
    // The account as listed now (Organizations name, OU), its alias as the snapshot read it.
    const identity = { ...snapshot.report.account, ...definedFields(account) };
    return { account: identity, posture: { ok: true, report: snapshot.report }, checkedAt: snapshot.takenAt, checkedFresh: false };
  });
}

function definedFields(account: AccountIdentity): Partial<AccountIdentity> {
  return Object.fromEntries(Object.entries(account).filter(([, value]) => value !== undefined && value !== null)) as Partial<AccountIdentity>;
}

interface BuildOptions {
  sources: SummarySources;
  window: SummaryWindow;
  now: Date;
}

/** Gathers every input (posture from the snapshots, the rest from the store) and builds the summary of `window`. */
async function gatherAndBuild({ sources, window, now }: BuildOptions): Promise<WeeklySummary> {
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

  const snapshots = await sources.postureSnapshots(snapshotRange);
  const baselines = firstSnapshotsIn(snapshots, { start: windowStart, end: windowEnd });
  const histories = weeklyScoreHistory(snapshots.filter((snapshot) => Date.parse(snapshot.takenAt) < checkWeek.start.getTime()), window.timezone);
  const [events, eventCountHistory, unacknowledgedAlerts, acknowledgments, coverage] = await Promise.all([
    sources.events({ from: windowStart, to: windowEnd }),
    Promise.all(earlierWindows.map(async (week): Promise<WeeklyCount> => ({ weekKey: week.key, count: await sources.eventCount({ from: week.start, to: week.end }) }))),
    sources.unacknowledgedAlerts(),
    sources.acknowledgments({ from: windowStart, to: windowEnd }),
    // A coverage that cannot be read leaves the line out rather than the summary.
    Promise.resolve(sources.coverage?.() ?? null).catch(() => null),
  ]);

  const current = await currentPosture(sources);

  return buildWeeklySummary({
    window,
    now: now.toISOString(),
    accounts: current.map((entry) => ({
      account: entry.account,
      posture: entry.posture,
      lastWeek: baselines.get(entry.account.id) ?? null,
      scoreHistory: histories.get(entry.account.id) ?? [],
      checkedAt: entry.checkedAt,
      checkedFresh: entry.checkedFresh,
    })),
    events,
    eventCountHistory,
    unacknowledgedAlerts,
    acknowledgments,
    coverage,
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
  if (await deps.ledger.isRecorded(week.key)) return { status: 'already-posted', weekKey: week.key };
  const summary = await gatherAndBuild({ sources: deps.sources, window: summaryWindow(week), now });
  if (!(await deps.ledger.claimWeek(week.key, summary))) return { status: 'already-posted', weekKey: week.key };
  return { status: 'posted', weekKey: week.key, summary };
}

/** On demand (`/aws-root-check summary`, `aws-root-guard summary`): nothing recorded, nothing posted to the channel. */
export async function buildSummaryOnDemand(options: { sources: SummarySources; timezone: string; now: Date; scope: 'last-week' | 'this-week' }): Promise<WeeklySummary> {
  const { sources, timezone, now, scope } = options;
  const window = scope === 'last-week' ? summaryWindow(reportWeekAt(now, timezone)) : summaryWindow(weekContaining(now, timezone), now);
  return gatherAndBuild({ sources, window, now });
}
