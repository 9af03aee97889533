// The summary's wording, shared by the Slack and the terminal renderers so both say the same thing the same way.
import { ALERT_KIND_TITLE } from '../alerts/title.js';
import type { AccountIdentity } from '../posture/model.js';
import type { AccountWeek, EventCounts, SummaryWindow, WeeklySummary } from './model.js';
import { sparkline } from './sparkline.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseDay(day: string): { year: number; month: number; day: number } {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return { year, month, day: date };
}

/** "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "29 Dec 2025 – 4 Jan 2026". */
export function formatWeekRange(window: Pick<SummaryWindow, 'firstDay' | 'lastDay'>): string {
  const first = parseDay(window.firstDay);
  const last = parseDay(window.lastDay);
  const lastText = `${last.day} ${MONTHS[last.month - 1]} ${last.year}`;
  if (first.year !== last.year) return `${first.day} ${MONTHS[first.month - 1]} ${first.year} – ${lastText}`;
  if (first.month !== last.month) return `${first.day} ${MONTHS[first.month - 1]} – ${lastText}`;
  return `${first.day}–${lastText}`;
}

/** "123456789012 (prod)" or the bare id. */
export function accountLabel(account: AccountIdentity): string {
  return account.alias ? `${account.id} (${account.alias})` : account.id;
}

export function formatScore(score: { passed: number; total: number }): string {
  return `${score.passed}/${score.total}`;
}

/** "7/9, up from 5/9", "7/9, unchanged", "7/9 (first week)", "checks could not run". */
export function scoreChangePhrase(account: Pick<AccountWeek, 'score' | 'lastWeekScore' | 'direction'>): string {
  if (!account.score) return account.lastWeekScore ? `checks could not run (last week ${formatScore(account.lastWeekScore)})` : 'checks could not run';
  const now = formatScore(account.score);
  switch (account.direction) {
    case 'up':
      return `${now}, up from ${formatScore(account.lastWeekScore!)}`;
    case 'down':
      return `${now}, down from ${formatScore(account.lastWeekScore!)}`;
    case 'same':
      return `${now}, unchanged`;
    default:
      return `${now} (no earlier week to compare)`;
  }
}

export function percent(score: { passed: number; total: number }): string {
  return score.total > 0 ? `${Math.round((score.passed / score.total) * 100)}%` : 'n/a';
}

/** A score trend (ratios 0..1) drawn on a fixed 0..100% scale, so a steady 9/9 reads as full bars. */
export function scoreSparkline(trend: ReadonlyArray<number | null>): string {
  return sparkline(trend, { min: 0, max: 1 });
}

/** Counts from zero, so a quiet week is a low bar and a busy one stands out. */
export function countSparkline(trend: readonly number[]): string {
  return sparkline(trend, { min: 0 });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": the two largest units, enough to compare at a glance. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** Root event counts by kind, in the order a responder reads them, with a label for each. */
export function eventCountLines(counts: EventCounts): Array<{ label: string; count: number }> {
  return [
    { label: 'Console sign-ins without MFA', count: counts.consoleSignInWithoutMfa },
    { label: 'Console sign-ins with MFA', count: counts.consoleSignInWithMfa },
    { label: 'Console sign-ins, MFA not recorded', count: counts.consoleSignInMfaUnknown },
    { label: 'Failed sign-ins', count: counts.failedSignIns },
    { label: 'Credential changes', count: counts.credentialChanges },
    { label: 'Security logging turned off', count: counts.loggingDisabled },
    { label: 'IAM access changes (not expected root use)', count: counts.accessChanges },
    { label: 'Root-only tasks (expected root use)', count: counts.rootOnlyTasks },
    { label: 'Other API calls', count: counts.apiCalls },
  ];
}

/** "3 API calls, 1 sign-in without MFA": the non-zero kinds in one line, for per-account rows. */
export function eventCountsInline(counts: EventCounts): string {
  if (counts.total === 0) return 'no root activity';
  const parts = [
    [counts.consoleSignInWithoutMfa, 'sign-in without MFA', 'sign-ins without MFA'],
    [counts.consoleSignInWithMfa, 'sign-in with MFA', 'sign-ins with MFA'],
    [counts.consoleSignInMfaUnknown, 'sign-in (MFA not recorded)', 'sign-ins (MFA not recorded)'],
    [counts.failedSignIns, 'failed sign-in', 'failed sign-ins'],
    [counts.credentialChanges, 'credential change', 'credential changes'],
    [counts.loggingDisabled, 'logging turned off', 'logging turned off'],
    [counts.accessChanges, 'IAM access change', 'IAM access changes'],
    [counts.rootOnlyTasks, 'root-only task', 'root-only tasks'],
    [counts.apiCalls, 'API call', 'API calls'],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => plural(count, one, many))
    .join(', ');
}

/** What to call an alert's kind when its headline is missing: the alert room's words, looked up by any string. */
export const ALERT_KIND_LABEL: Readonly<Record<string, string>> = ALERT_KIND_TITLE;

/**
 * Where the posture came from and how old it is: "posture from the scheduled scan, 3 h old" (the oldest snapshot
 * shown), with the accounts that had no snapshot and were checked for this summary. '' for a summary recorded before
 * snapshots were read.
 */
export function postureSourcePhrase(summary: Pick<WeeklySummary, 'postureSource'>): string {
  const source = summary.postureSource;
  if (!source) return '';
  const parts: string[] = [];
  if (source.fromSnapshots > 0 && source.oldestSnapshotAgeMs !== null) {
    parts.push(`posture from the scheduled scan, ${source.fromSnapshots > 1 ? 'oldest snapshot ' : ''}${formatDuration(source.oldestSnapshotAgeMs)} old`);
  }
  if (source.checkedFresh > 0) {
    parts.push(source.fromSnapshots > 0 ? `${plural(source.checkedFresh, 'account')} without a snapshot checked now` : 'no scan snapshot yet: posture checked now');
  }
  return parts.join('; ');
}

