// The weekly summary as a pure function of plain data: no clock, no store, no AWS, no Slack.
import type { RootEvent } from '../activity/model.js';
import type { FindingStatus, PostureReport } from '../posture/model.js';
import {
  TREND_WEEKS,
  type AccountSummaryInput,
  type AccountWeek,
  type EventCounts,
  type FindingChange,
  type PostureSource,
  type ScoreDirection,
  type SummaryInput,
  type UnacknowledgedAlert,
  type WeeklySummary,
} from './model.js';
import { precedingWeekKeys, weekContaining } from './week.js';

type Score = { passed: number; total: number };

/** Statuses that ask for action: a change into one is "newly failing", out of one into pass is "fixed". */
const NEEDS_ACTION: ReadonlySet<FindingStatus> = new Set(['fail', 'warn']);

function emptyEventCounts(): EventCounts {
  return {
    total: 0,
    consoleSignInWithMfa: 0,
    consoleSignInWithoutMfa: 0,
    consoleSignInMfaUnknown: 0,
    failedSignIns: 0,
    apiCalls: 0,
    credentialChanges: 0,
    loggingDisabled: 0,
    accessChanges: 0,
    rootOnlyTasks: 0,
    centralizedRootSessionActions: 0,
  };
}

function countEvent(counts: EventCounts, event: RootEvent): void {
  counts.total += 1;
  if (event.centralizedRootSession) counts.centralizedRootSessionActions += 1;
  switch (event.kind) {
    case 'console-login-success':
      if (event.mfaUsed === true) counts.consoleSignInWithMfa += 1;
      else if (event.mfaUsed === false) counts.consoleSignInWithoutMfa += 1;
      else counts.consoleSignInMfaUnknown += 1;
      break;
    case 'console-login-failure':
      counts.failedSignIns += 1;
      break;
    case 'root-credential-change':
      counts.credentialChanges += 1;
      break;
    case 'root-logging-disabled':
      counts.loggingDisabled += 1;
      break;
    case 'root-access-change':
      counts.accessChanges += 1;
      break;
    case 'root-only-task':
      counts.rootOnlyTasks += 1;
      break;
    case 'root-api-call':
      counts.apiCalls += 1;
      break;
  }
}

/** A score as a fraction 0..1; null when no check applied (0/0 says nothing). */
function scoreRatio(score: Score | null): number | null {
  return score && score.total > 0 ? score.passed / score.total : null;
}

function compareScores(current: Score, previous: Score): ScoreDirection {
  const now = scoreRatio(current);
  const before = scoreRatio(previous);
  // With no applicable check on one side, the count of passes is all there is to compare.
  const difference = now !== null && before !== null ? now - before : current.passed - previous.passed;
  if (Math.abs(difference) < 1e-9) return 'same';
  return difference > 0 ? 'up' : 'down';
}

function sumScores(scores: ReadonlyArray<Score | null>): Score | null {
  const known = scores.filter((score): score is Score => score !== null);
  if (known.length === 0) return null;
  return known.reduce((sum, score) => ({ passed: sum.passed + score.passed, total: sum.total + score.total }), { passed: 0, total: 0 });
}

function findingChanges(report: PostureReport, lastWeek: NonNullable<AccountSummaryInput['lastWeek']>): { newlyFailing: FindingChange[]; newlyFixed: FindingChange[] } {
  const newlyFailing: FindingChange[] = [];
  const newlyFixed: FindingChange[] = [];
  for (const finding of report.findings) {
    const from = lastWeek.statuses[finding.id] ?? null;
    const change = { id: finding.id, title: finding.title, from, to: finding.status };
    // A check that is new since last week and fails counts as newly failing: it is news to the reader.
    if (NEEDS_ACTION.has(finding.status) && (from === null || !NEEDS_ACTION.has(from))) newlyFailing.push(change);
    else if (finding.status === 'pass' && from !== null && NEEDS_ACTION.has(from)) newlyFixed.push(change);
  }
  return { newlyFailing, newlyFixed };
}

/** Values for the weeks before this one, aligned on week keys so a missing week is a gap, not a shift. */
function alignToWeeks<Entry extends { weekKey: string }, Value>(entries: readonly Entry[], keys: readonly string[], pick: (entry: Entry) => Value, missing: Value): Value[] {
  const byKey = new Map<string, Value>();
  for (const entry of entries) byKey.set(entry.weekKey, pick(entry));
  return keys.map((key) => (byKey.has(key) ? (byKey.get(key) as Value) : missing));
}

function buildAccountWeek(input: AccountSummaryInput, events: EventCounts, earlierScores: ReadonlyArray<Score | null>, nowMs: number): AccountWeek {
  const report = input.posture.ok ? input.posture.report : null;
  const score = report ? { ...report.score } : null;
  const lastWeekScore = input.lastWeek ? { ...input.lastWeek.score } : null;
  let direction: ScoreDirection = 'unknown';
  if (score) direction = lastWeekScore ? compareScores(score, lastWeekScore) : 'first';
  const changes = report && input.lastWeek ? findingChanges(report, input.lastWeek) : { newlyFailing: [], newlyFixed: [] };
  return {
    account: { ...input.account },
    score,
    lastWeekScore,
    direction,
    ...changes,
    stillFailing: (report?.findings ?? [])
      .filter((finding) => NEEDS_ACTION.has(finding.status))
      .map((finding) => ({ id: finding.id, title: finding.title, status: finding.status })),
    checksError: input.posture.ok ? null : { ...input.posture.error },
    events,
    scoreTrend: [...earlierScores.map(scoreRatio), scoreRatio(score)],
    checkedAt: input.checkedAt ?? null,
    checkedAgeMs: input.checkedAt ? Math.max(0, nowMs - Date.parse(input.checkedAt)) : null,
    checkedFresh: input.checkedFresh === true,
  };
}

function postureSource(accounts: readonly AccountWeek[], nowMs: number): PostureSource {
  const snapshots = accounts.filter((account) => !account.checkedFresh && account.checkedAt);
  const oldest = snapshots.reduce<string | null>((soonest, account) => (soonest === null || Date.parse(account.checkedAt!) < Date.parse(soonest) ? account.checkedAt! : soonest), null);
  return {
    fromSnapshots: snapshots.length,
    checkedFresh: accounts.filter((account) => account.checkedFresh).length,
    oldestSnapshotAt: oldest,
    oldestSnapshotAgeMs: oldest === null ? null : Math.max(0, nowMs - Date.parse(oldest)),
  };
}

/** Lower is more urgent: a reader scanning a long list sees what moved the wrong way first. */
function attentionRank(account: AccountWeek): number {
  if (account.direction === 'down' || account.newlyFailing.length > 0) return 0;
  if (account.checksError) return 1;
  if (account.events.total > 0) return 2;
  if (account.stillFailing.length > 0) return 3;
  return 4;
}

/** Last week's overall score, only when it covers the same accounts as this week's: otherwise it would mislead. */
function comparableLastWeek(accounts: readonly AccountWeek[]): Score | null {
  const scored = accounts.filter((account) => account.score !== null);
  if (scored.length === 0 || scored.some((account) => account.lastWeekScore === null)) return null;
  return sumScores(scored.map((account) => account.lastWeekScore));
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function buildWeeklySummary(input: SummaryInput): WeeklySummary {
  const windowStart = Date.parse(input.window.start);
  const windowEnd = Date.parse(input.window.end);
  const now = Date.parse(input.now);
  const inWindow = (iso: string): boolean => {
    const time = Date.parse(iso);
    return time >= windowStart && time < windowEnd;
  };
  // Scores are keyed by the week the checks ran in: the scheduled summary checks on the Monday after its window.
  const weeksBeforeCheck = precedingWeekKeys(weekContaining(new Date(now), input.window.timezone).firstDay, TREND_WEEKS - 1);
  const weeksBeforeWindow = precedingWeekKeys(input.window.firstDay, TREND_WEEKS - 1);

  // The store dedupes by EventId already; counting once more here keeps the figures right whatever the caller passes.
  const seenEventIds = new Set<string>();
  const totalEvents = emptyEventCounts();
  const eventsByAccount = new Map<string, EventCounts>();
  for (const event of input.events) {
    if (seenEventIds.has(event.eventId) || !inWindow(event.eventTime)) continue;
    seenEventIds.add(event.eventId);
    countEvent(totalEvents, event);
    let accountCounts = eventsByAccount.get(event.accountId);
    if (!accountCounts) eventsByAccount.set(event.accountId, (accountCounts = emptyEventCounts()));
    countEvent(accountCounts, event);
  }

  const earlierScoresByAccount = input.accounts.map((account) => alignToWeeks(account.scoreHistory, weeksBeforeCheck, (entry) => entry.score, null));
  const accounts = input.accounts
    .map((account, order) => ({ week: buildAccountWeek(account, eventsByAccount.get(account.account.id) ?? emptyEventCounts(), earlierScoresByAccount[order]!, now), order }))
    .sort((a, b) => attentionRank(a.week) - attentionRank(b.week) || (scoreRatio(a.week.score) ?? 2) - (scoreRatio(b.week.score) ?? 2) || a.order - b.order)
    .map(({ week }) => week);

  // The overall trend sums each week's scores over the accounts that had one that week.
  const scoreTrend = [
    ...weeksBeforeCheck.map((_, index) => scoreRatio(sumScores(earlierScoresByAccount.map((scores) => scores[index] ?? null)))),
    scoreRatio(sumScores(accounts.map((account) => account.score))),
  ];
  const eventTrend = [...alignToWeeks(input.eventCountHistory, weeksBeforeWindow, (entry) => entry.count, 0), totalEvents.total];

  const unacknowledgedAlerts: UnacknowledgedAlert[] = input.unacknowledgedAlerts
    .map((alert) => ({ ...alert, ageMs: Math.max(0, now - Date.parse(alert.createdAt)) }))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.alertId.localeCompare(b.alertId));

  const timesToAcknowledge = input.acknowledgments
    .filter((ack) => inWindow(ack.acknowledgedAt))
    .map((ack) => Math.max(0, Date.parse(ack.acknowledgedAt) - Date.parse(ack.raisedAt)));

  const checksFailed = accounts.filter((account) => account.checksError).map((account) => ({ account: account.account, error: account.checksError! }));
  const postureMoved = accounts.some((account) => account.direction !== 'same' || account.newlyFailing.length > 0 || account.newlyFixed.length > 0);

  return {
    window: { ...input.window },
    accounts,
    totals: {
      accounts: accounts.length,
      score: sumScores(accounts.map((account) => account.score)),
      lastWeekScore: comparableLastWeek(accounts),
      accountsUp: accounts.filter((account) => account.direction === 'up').length,
      accountsDown: accounts.filter((account) => account.direction === 'down').length,
      accountsSame: accounts.filter((account) => account.direction === 'same').length,
      newlyFailing: accounts.reduce((sum, account) => sum + account.newlyFailing.length, 0),
      newlyFixed: accounts.reduce((sum, account) => sum + account.newlyFixed.length, 0),
    },
    events: totalEvents,
    scoreTrend,
    eventTrend,
    unacknowledgedAlerts,
    acknowledgments: { count: timesToAcknowledge.length, medianMs: median(timesToAcknowledge) },
    postureSource: postureSource(accounts, now),
    checksFailed,
    coverage: input.coverage ?? null,
    empty: totalEvents.total === 0 && unacknowledgedAlerts.length === 0 && checksFailed.length === 0 && !postureMoved,
  };
}
