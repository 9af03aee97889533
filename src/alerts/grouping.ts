// Which alert a new root event belongs to (pure). One root session's calls make one alert with the
// calls in its thread; a run of failed root sign-ins makes one alert; anything else is an alert alone.
//
// Rules, checked in this order:
// 1. A failed console sign-in joins an unresolved failed-login alert of the same account whose events
//    span to within `failedLoginWindowMinutes` of it (a sliding window: a slow brute force stays one
//    alert while nobody has acknowledged it). Otherwise it starts one.
// 2. An event with a sessionKey joins an unresolved session alert of the same account and sessionKey
//    whose first event is within `sessionWindowMinutes` of it (an anchored window, so a session that runs
//    for hours is re-announced every window), unless the event is more severe than that alert: a root
//    credential change inside a session of routine calls gets its own notification, not a thread reply.
// 3. Otherwise a new alert.
// Windows compare event times, not arrival times, so a backlog read late groups the same as live events.
import type { AlertSeverity, RootEvent } from '../activity/model.js';
import { isUnresolved } from './lifecycle.js';
import type { AlertGroupKind, AlertRecord } from './model.js';

export interface GroupingPolicy {
  /** Calls of one session within this many minutes of its alert's first event share the alert. */
  sessionWindowMinutes: number;
  /** Failed root sign-ins within this many minutes of a failed-login alert's events join it. */
  failedLoginWindowMinutes: number;
}

export const DEFAULT_GROUPING_POLICY: GroupingPolicy = { sessionWindowMinutes: 60, failedLoginWindowMinutes: 10 };

/** What grouping needs to know about an existing alert. */
export type GroupCandidate = Pick<AlertRecord, 'id' | 'accountId' | 'groupKind' | 'groupKey' | 'severity' | 'state' | 'firstEventTime' | 'lastEventTime'>;

export type GroupDecision = { action: 'attach'; alertId: number } | { action: 'create'; groupKind: AlertGroupKind; groupKey: string | null };

type GroupedEvent = Pick<RootEvent, 'accountId' | 'kind' | 'severity' | 'eventTime' | 'sessionKey'>;

const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
const MINUTE_MS = 60_000;

export function severityRank(severity: AlertSeverity): number {
  return SEVERITY_RANK[severity];
}

export function higherSeverity(left: AlertSeverity, right: AlertSeverity): AlertSeverity {
  return severityRank(left) >= severityRank(right) ? left : right;
}

/** The group a new alert for this event starts. */
export function newGroupFor(event: Pick<RootEvent, 'kind' | 'sessionKey'>): { groupKind: AlertGroupKind; groupKey: string | null } {
  if (event.kind === 'console-login-failure') return { groupKind: 'failed-logins', groupKey: null };
  if (event.sessionKey) return { groupKind: 'session', groupKey: event.sessionKey };
  return { groupKind: 'single', groupKey: null };
}

export function chooseAlertGroup(event: GroupedEvent, candidates: readonly GroupCandidate[], policy: GroupingPolicy = DEFAULT_GROUPING_POLICY): GroupDecision {
  const eventMs = Date.parse(event.eventTime);
  const fresh = newGroupFor(event);
  if (Number.isNaN(eventMs) || fresh.groupKind === 'single') return { action: 'create', ...fresh };

  const sameAccountUnresolved = candidates.filter((candidate) => candidate.accountId === event.accountId && isUnresolved(candidate.state) && candidate.groupKind === fresh.groupKind);
  let matches: GroupCandidate[];
  if (fresh.groupKind === 'failed-logins') {
    const windowMs = policy.failedLoginWindowMinutes * MINUTE_MS;
    matches = sameAccountUnresolved.filter((candidate) => eventMs >= Date.parse(candidate.firstEventTime) - windowMs && eventMs <= Date.parse(candidate.lastEventTime) + windowMs);
  } else {
    const windowMs = policy.sessionWindowMinutes * MINUTE_MS;
    matches = sameAccountUnresolved.filter(
      (candidate) =>
        candidate.groupKey === fresh.groupKey &&
        Math.abs(eventMs - Date.parse(candidate.firstEventTime)) <= windowMs &&
        severityRank(event.severity) <= severityRank(candidate.severity),
    );
  }
  if (matches.length === 0) return { action: 'create', ...fresh };
  // The newest alert of the group: after a more severe event split a session, its later calls follow the newer alert.
  const chosen = matches.reduce((newest, candidate) => (candidate.id > newest.id ? candidate : newest));
  return { action: 'attach', alertId: chosen.id };
}
