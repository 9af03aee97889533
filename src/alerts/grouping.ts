// Which alert a new root event belongs to (pure). One root session's calls make one alert with the
// calls in its thread; a run of failed root sign-ins makes one alert; anything else is an alert alone.
// The ONE rule set: the store applies it to each new event against the alerts it already holds, and
// alerts/batch-grouping.ts folds it over a finished list of events (`scan`), so both group alike.
//
// Rules, checked in this order:
// 1. A failed console sign-in joins an unresolved failed-login alert of the same account whose events
//    span to within `failedLoginWindowMinutes` of it (a sliding window: a slow brute force stays one
//    alert while nobody has acknowledged it). Otherwise it starts one, posted at once: the first failure
//    is not held back to see whether a burst follows. `isFailedLoginBurst` tells when it became a burst
//    (`failedLoginBurstThreshold` failures).
// 2. An sts:AssumeRoot call and every call made with the key it issued (any kind, in the member account) share
//    one session alert across accounts, keyed by that key (ROOT_SESSION_KEY_PREFIX).
// 3. A root API call with a sessionKey joins an unresolved session alert of the same account and
//    sessionKey whose first event is within `sessionWindowMinutes` of it (an anchored window, so a session
//    that runs for hours is re-announced every window). Sign-ins, credential changes and root-only tasks
//    are rare and each gets its own message.
// 4. Otherwise a new alert.
// Windows compare event times, not arrival times, so a backlog read late groups the same as live events.
import type { AlertSeverity, RootEvent } from '../activity/model.js';
import { isUnresolved } from './lifecycle.js';
import type { AlertGroupKind, AlertRecord } from './model.js';

export interface GroupingPolicy {
  /** Calls of one session within this many minutes of its alert's first event share the alert (ALERT_GROUP_WINDOW_MINUTES). */
  sessionWindowMinutes: number;
  /** Failed root sign-ins within this many minutes of a failed-login alert's events join it (FAILED_LOGIN_BURST_WINDOW_MINUTES). */
  failedLoginWindowMinutes: number;
  /** Failed sign-ins in one failed-login alert that make it a burst (FAILED_LOGIN_BURST_THRESHOLD). */
  failedLoginBurstThreshold: number;
}

/**
 * Defaults, against the peers: Panther's AWS console login failures rule fires at 5 failures in 15 minutes,
 * Elastic's root brute-force rule at 10. Root sign-ins are rare and every failed one is already an alert
 * here, so the burst label comes earlier: 3 within a 10-minute sliding window.
 */
export const DEFAULT_GROUPING_POLICY: GroupingPolicy = { sessionWindowMinutes: 60, failedLoginWindowMinutes: 10, failedLoginBurstThreshold: 3 };

/** A failed-login alert that has collected enough failures to be called a burst (for renderers). */
export function isFailedLoginBurst(alert: Pick<AlertRecord, 'groupKind' | 'eventCount'>, threshold: number = DEFAULT_GROUPING_POLICY.failedLoginBurstThreshold): boolean {
  return alert.groupKind === 'failed-logins' && alert.eventCount >= threshold;
}

/** What grouping needs to know about an existing alert. */
export type GroupCandidate = Pick<AlertRecord, 'id' | 'accountId' | 'groupKind' | 'groupKey' | 'severity' | 'state' | 'firstEventTime' | 'lastEventTime'>;

export type GroupDecision = { action: 'attach'; alertId: number } | { action: 'create'; groupKind: AlertGroupKind; groupKey: string | null };

type GroupedEvent = Pick<RootEvent, 'accountId' | 'kind' | 'severity' | 'eventTime' | 'sessionKey' | 'centralizedRootSession'>;

const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
const MINUTE_MS = 60_000;

function severityRank(severity: AlertSeverity): number {
  return SEVERITY_RANK[severity];
}

export function higherSeverity(left: AlertSeverity, right: AlertSeverity): AlertSeverity {
  return severityRank(left) >= severityRank(right) ? left : right;
}

/**
 * Group key of a centralized root session: the key sts:AssumeRoot issued. It is unique across the organization,
 * so it groups across accounts: the AssumeRoot call (management account) and the calls made with its key (member).
 */
export const ROOT_SESSION_KEY_PREFIX = 'assume-root:';

/** What an alert's row becomes when an event joins it (pure): its time span widens, its severity only rises. */
export function alertAfterAttach(
  alert: Pick<GroupCandidate, 'severity' | 'firstEventTime' | 'lastEventTime'>,
  event: { eventTime: string; severity: AlertSeverity },
): Pick<GroupCandidate, 'severity' | 'firstEventTime' | 'lastEventTime'> {
  // ISO times in one format: text order is time order.
  const [firstEventTime] = [alert.firstEventTime, event.eventTime].sort();
  const [, lastEventTime] = [alert.lastEventTime, event.eventTime].sort();
  return { severity: higherSeverity(alert.severity, event.severity), firstEventTime: firstEventTime!, lastEventTime: lastEventTime! };
}

/** The group a new alert for this event starts. */
export function newGroupFor(event: Pick<RootEvent, 'kind' | 'sessionKey' | 'centralizedRootSession'>): { groupKind: AlertGroupKind; groupKey: string | null } {
  if (event.kind === 'console-login-failure') return { groupKind: 'failed-logins', groupKey: null };
  // Whatever a root session does (credential changes and root-only tasks included) threads under its AssumeRoot alert.
  if ((event.kind === 'root-session-opened' || event.centralizedRootSession) && event.sessionKey) return { groupKind: 'session', groupKey: `${ROOT_SESSION_KEY_PREFIX}${event.sessionKey}` };
  if (event.kind === 'root-api-call' && event.sessionKey) return { groupKind: 'session', groupKey: event.sessionKey };
  return { groupKind: 'single', groupKey: null };
}

/** Whether a group spans accounts (a centralized root session), so candidates of other accounts may match. */
export function isCrossAccountGroup(groupKey: string | null): boolean {
  return groupKey?.startsWith(ROOT_SESSION_KEY_PREFIX) === true;
}

export function chooseAlertGroup(event: GroupedEvent, candidates: readonly GroupCandidate[], policy: GroupingPolicy = DEFAULT_GROUPING_POLICY): GroupDecision {
  const eventMs = Date.parse(event.eventTime);
  const fresh = newGroupFor(event);
  if (Number.isNaN(eventMs) || fresh.groupKind === 'single') return { action: 'create', ...fresh };

  const crossAccount = isCrossAccountGroup(fresh.groupKey);
  const sameAccountUnresolved = candidates.filter((candidate) => (crossAccount || candidate.accountId === event.accountId) && isUnresolved(candidate.state) && candidate.groupKind === fresh.groupKind);
  let matches: GroupCandidate[];
  if (fresh.groupKind === 'failed-logins') {
    const windowMs = policy.failedLoginWindowMinutes * MINUTE_MS;
    matches = sameAccountUnresolved.filter((candidate) => eventMs >= Date.parse(candidate.firstEventTime) - windowMs && eventMs <= Date.parse(candidate.lastEventTime) + windowMs);
  } else {
    const windowMs = policy.sessionWindowMinutes * MINUTE_MS;
    matches = sameAccountUnresolved.filter((candidate) => candidate.groupKey === fresh.groupKey && Math.abs(eventMs - Date.parse(candidate.firstEventTime)) <= windowMs);
  }
  if (matches.length === 0) return { action: 'create', ...fresh };
  // Several can match when a long session was re-announced: the newest one collects.
  const chosen = matches.reduce((newest, candidate) => (candidate.id > newest.id ? candidate : newest));
  return { action: 'attach', alertId: chosen.id };
}
