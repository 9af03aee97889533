// Folding a finished list of root events into groups, so a storm reads as one (pure). `scan` uses it to show
// what belongs together. The bot's store groups each new event against its open alerts with other rules
// (src/alerts/grouping.ts: a session is a 60-minute window from the alert's first call, not a 30-minute gap
// between calls; every failed sign-in joins or starts a failed-logins alert, with no threshold), so these
// groups are close to the alerts posted, not the same.
//
// - Failed root sign-ins of one account: when at least `failedLoginThreshold` of them fall within
//   `failedLoginWindowMinutes` of each other (last - first <= window, inclusive), they are one
//   "failed-login-burst" alert. Overlapping bursts merge, so a 40-minute attack is one alert, not four.
//   Failures outside any burst stay single alerts.
// - Root API calls of one session (same account and sessionKey: the access key, or the console session),
//   each within `sessionGapMinutes` of the previous one, are one "session-activity" alert listing the calls.
//   Only root-api-call events are folded: sign-ins, credential changes and root-only tasks are rare and
//   each deserves its own message.
// - Everything else is a "single" alert.
// The key of a group is derived from its first event, so regrouping the same events (plus later ones)
// gives the same key.
import type { AlertSeverity, RootEvent } from './model.js';

export type AlertGroupKind = 'failed-login-burst' | 'session-activity' | 'single';

export interface AlertGroup {
  /** Stable id: "failed-login-burst:<account>:<first event id>", "session:<account>:<session key>:<first event id>", "event:<event id>". */
  key: string;
  kind: AlertGroupKind;
  /** Oldest first. */
  events: RootEvent[];
  /** The most severe of the events (a burst is at least high). */
  severity: AlertSeverity;
  /** One line for the alert's title and the Slack text fallback. */
  headline: string;
  firstEventTime: string;
  lastEventTime: string;
}

export interface GroupingOptions {
  /** Failed sign-ins that make a burst (default 3, at least 2). */
  failedLoginThreshold?: number;
  /** The window they must fall within (default 10 minutes). */
  failedLoginWindowMinutes?: number;
  /** Largest gap between two calls of one session that still joins them (default 30 minutes). */
  sessionGapMinutes?: number;
}

export const DEFAULT_FAILED_LOGIN_THRESHOLD = 3;
export const DEFAULT_FAILED_LOGIN_WINDOW_MINUTES = 10;
export const DEFAULT_SESSION_GAP_MINUTES = 30;

const MINUTE_MS = 60_000;
const SEVERITY_RANK: Record<AlertSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

interface TimedEvent {
  event: RootEvent;
  timeMs: number;
}

function positive(value: number, name: string, minimum: number): number {
  if (!Number.isFinite(value) || value < minimum) throw new RangeError(`${name} must be a number >= ${minimum}, got ${value}`);
  return value;
}

function byTime(left: TimedEvent, right: TimedEvent): number {
  return left.timeMs - right.timeMs || (left.event.eventId < right.event.eventId ? -1 : left.event.eventId > right.event.eventId ? 1 : 0);
}

function maxSeverity(events: readonly RootEvent[], floor: AlertSeverity = 'low'): AlertSeverity {
  let highest = floor;
  for (const event of events) if (SEVERITY_RANK[event.severity] > SEVERITY_RANK[highest]) highest = event.severity;
  return highest;
}

function distinctList(values: readonly (string | null)[], limit: number): string {
  const distinct = [...new Set(values.filter((value): value is string => value !== null && value.length > 0))];
  if (distinct.length <= limit) return distinct.join(', ');
  return `${distinct.slice(0, limit).join(', ')} (+${distinct.length - limit} more)`;
}

function spanMinutes(first: TimedEvent, last: TimedEvent): number {
  return Math.max(1, Math.ceil((last.timeMs - first.timeMs) / MINUTE_MS));
}

/** The alert title for one event on its own. */
export function headlineFor(event: RootEvent): string {
  let what: string;
  switch (event.kind) {
    case 'console-login-success':
      what = `Root console sign-in ${event.mfaUsed === false ? 'WITHOUT MFA' : event.mfaUsed === true ? 'with MFA' : '(MFA unknown)'}`;
      break;
    case 'console-login-failure':
      what = event.mfaUsed === true ? 'Failed root console sign-in at the MFA step (the password was accepted)' : 'Failed root console sign-in';
      break;
    case 'root-credential-change':
      what = `Root credential change: ${event.eventName}`;
      break;
    case 'root-only-task':
      what = `Root-only task (expected root use): ${event.eventName}`;
      break;
    case 'root-api-call':
      what = `Root API call: ${event.eventName} (${event.eventSource})`;
      break;
  }
  const parts = [event.centralizedRootSession ? `${what}, in a centralized root session` : what, `account ${event.accountId}`, event.region];
  if (event.sourceIp) parts.push(`from ${event.sourceIp}`);
  if (event.errorCode) parts.push(`failed: ${event.errorCode}`);
  return parts.join(' — ');
}

function singleGroup(timed: TimedEvent): AlertGroup {
  return {
    key: `event:${timed.event.eventId}`,
    kind: 'single',
    events: [timed.event],
    severity: timed.event.severity,
    headline: headlineFor(timed.event),
    firstEventTime: timed.event.eventTime,
    lastEventTime: timed.event.eventTime,
  };
}

/** Splits one account's failed sign-ins (time order) into bursts and leftovers. */
function burstsOf(failures: readonly TimedEvent[], threshold: number, windowMs: number): { bursts: TimedEvent[][]; singles: TimedEvent[] } {
  // inBurst[i] is the burst number of failure i, or -1.
  const inBurst = new Array<number>(failures.length).fill(-1);
  let burstCount = 0;
  let lastMarkedIndex = -1;
  let end = 0;
  for (let start = 0; start < failures.length; start += 1) {
    if (end < start) end = start;
    while (end + 1 < failures.length && (failures[end + 1] as TimedEvent).timeMs - (failures[start] as TimedEvent).timeMs <= windowMs) end += 1;
    if (end - start + 1 < threshold) continue;
    // A qualifying window overlapping the previous burst extends it; otherwise it starts a new one.
    const burstNumber = start <= lastMarkedIndex ? burstCount - 1 : burstCount++;
    for (let index = start; index <= end; index += 1) inBurst[index] = burstNumber;
    lastMarkedIndex = end;
  }
  const bursts: TimedEvent[][] = Array.from({ length: burstCount }, () => []);
  const singles: TimedEvent[] = [];
  failures.forEach((failure, index) => {
    const burstNumber = inBurst[index] as number;
    if (burstNumber >= 0) (bursts[burstNumber] as TimedEvent[]).push(failure);
    else singles.push(failure);
  });
  return { bursts, singles };
}

function burstGroup(burst: readonly TimedEvent[]): AlertGroup {
  const first = burst[0] as TimedEvent;
  const last = burst[burst.length - 1] as TimedEvent;
  const events = burst.map((timed) => timed.event);
  const sources = distinctList(events.map((event) => event.sourceIp), 3);
  const passwordAccepted = events.some((event) => event.mfaUsed === true);
  const parts = [
    `${events.length} failed root console sign-ins within ${spanMinutes(first, last)} min${passwordAccepted ? ' (some failed at the MFA step: the password was accepted)' : ''}`,
    `account ${first.event.accountId}`,
  ];
  if (sources) parts.push(`from ${sources}`);
  return {
    key: `failed-login-burst:${first.event.accountId}:${first.event.eventId}`,
    kind: 'failed-login-burst',
    events,
    severity: maxSeverity(events, 'high'),
    headline: parts.join(' — '),
    firstEventTime: first.event.eventTime,
    lastEventTime: last.event.eventTime,
  };
}

function sessionGroup(calls: readonly TimedEvent[]): AlertGroup {
  if (calls.length === 1) return singleGroup(calls[0] as TimedEvent);
  const first = calls[0] as TimedEvent;
  const last = calls[calls.length - 1] as TimedEvent;
  const events = calls.map((timed) => timed.event);
  const centralized = events.every((event) => event.centralizedRootSession);
  const failedCalls = events.filter((event) => event.errorCode !== null).length;
  const parts = [
    `${events.length} root API calls in one ${centralized ? 'centralized root session' : 'session'} within ${spanMinutes(first, last)} min${failedCalls > 0 ? ` (${failedCalls} failed)` : ''}`,
    `account ${first.event.accountId}`,
    distinctList(events.map((event) => event.region), 3),
  ];
  const sources = distinctList(events.map((event) => event.sourceIp), 3);
  if (sources) parts.push(`from ${sources}`);
  return {
    key: `session:${first.event.accountId}:${first.event.sessionKey}:${first.event.eventId}`,
    kind: 'session-activity',
    events,
    severity: maxSeverity(events),
    headline: parts.join(' — '),
    firstEventTime: first.event.eventTime,
    lastEventTime: last.event.eventTime,
  };
}

/** Groups root events into alerts (see the top of this file). Events may come in any order; duplicates (same eventId) count once. */
export function groupRootEvents(events: readonly RootEvent[], options: GroupingOptions = {}): AlertGroup[] {
  const threshold = Math.floor(positive(options.failedLoginThreshold ?? DEFAULT_FAILED_LOGIN_THRESHOLD, 'failedLoginThreshold', 2));
  const windowMs = positive(options.failedLoginWindowMinutes ?? DEFAULT_FAILED_LOGIN_WINDOW_MINUTES, 'failedLoginWindowMinutes', 0) * MINUTE_MS;
  const sessionGapMs = positive(options.sessionGapMinutes ?? DEFAULT_SESSION_GAP_MINUTES, 'sessionGapMinutes', 0) * MINUTE_MS;

  const seenEventIds = new Set<string>();
  const failuresByAccount = new Map<string, TimedEvent[]>();
  const callsBySession = new Map<string, TimedEvent[]>();
  const groups: AlertGroup[] = [];

  for (const event of events) {
    if (seenEventIds.has(event.eventId)) continue;
    seenEventIds.add(event.eventId);
    const parsedMs = Date.parse(event.eventTime);
    const timed: TimedEvent = { event, timeMs: Number.isNaN(parsedMs) ? 0 : parsedMs };
    if (event.kind === 'console-login-failure') {
      const failures = failuresByAccount.get(event.accountId) ?? [];
      failures.push(timed);
      failuresByAccount.set(event.accountId, failures);
    } else if (event.kind === 'root-api-call' && event.sessionKey !== null) {
      const sessionId = `${event.accountId}\u0000${event.sessionKey}`;
      const calls = callsBySession.get(sessionId) ?? [];
      calls.push(timed);
      callsBySession.set(sessionId, calls);
    } else {
      groups.push(singleGroup(timed));
    }
  }

  for (const failures of failuresByAccount.values()) {
    failures.sort(byTime);
    const { bursts, singles } = burstsOf(failures, threshold, windowMs);
    for (const burst of bursts) groups.push(burstGroup(burst));
    for (const single of singles) groups.push(singleGroup(single));
  }

  for (const calls of callsBySession.values()) {
    calls.sort(byTime);
    let run: TimedEvent[] = [];
    for (const call of calls) {
      const previous = run[run.length - 1];
      if (previous !== undefined && call.timeMs - previous.timeMs > sessionGapMs) {
        groups.push(sessionGroup(run));
        run = [];
      }
      run.push(call);
    }
    if (run.length > 0) groups.push(sessionGroup(run));
  }

  return groups.sort((left, right) => Date.parse(left.firstEventTime) - Date.parse(right.firstEventTime) || (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
}
