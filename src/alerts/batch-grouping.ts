// Grouping a finished list of root events (pure), for `scan`: a fold of the bot's incremental rule
// (grouping.ts chooseAlertGroup) over the events in time order, each group standing in for an open alert.
// So the terminal shows the groups the bot would post, with the same headline.
import type { AlertSeverity, RootEvent } from '../activity/model.js';
import { chooseAlertGroup, DEFAULT_GROUPING_POLICY, higherSeverity, isFailedLoginBurst, newGroupFor, type GroupCandidate, type GroupingPolicy } from './grouping.js';
import type { AlertGroupKind } from './model.js';
import { alertHeadline } from './title.js';

export interface EventGroup {
  groupKind: AlertGroupKind;
  /** The session key of a session group, else null. */
  groupKey: string | null;
  /** Oldest first. */
  events: RootEvent[];
  severity: AlertSeverity;
  /** A failed-login group with at least the burst threshold of failures. */
  burst: boolean;
  firstEventTime: string;
  lastEventTime: string;
  /** alertHeadline of the group, as the alert would show it (no account alias). */
  headline: string;
}

function byTime(left: RootEvent, right: RootEvent): number {
  return Date.parse(left.eventTime) - Date.parse(right.eventTime) || (left.eventId < right.eventId ? -1 : left.eventId > right.eventId ? 1 : 0);
}

/** Groups events as the store would alert them (duplicates by eventId count once), oldest group first. */
export function groupRootEvents(events: readonly RootEvent[], policy: Partial<GroupingPolicy> = {}): EventGroup[] {
  const fullPolicy: GroupingPolicy = { ...DEFAULT_GROUPING_POLICY, ...policy };
  const seen = new Set<string>();
  const unique = events.filter((event) => !seen.has(event.eventId) && seen.add(event.eventId)).sort(byTime);
  const candidates: Array<GroupCandidate & { group: Omit<EventGroup, 'headline' | 'burst'> }> = [];
  for (const event of unique) {
    const decision = chooseAlertGroup(event, candidates, fullPolicy);
    const attached = decision.action === 'attach' ? candidates.find((candidate) => candidate.id === decision.alertId) : undefined;
    if (attached) {
      attached.group.events.push(event);
      attached.group.severity = attached.severity = higherSeverity(attached.severity, event.severity);
      attached.group.lastEventTime = attached.lastEventTime = event.eventTime;
      continue;
    }
    const { groupKind, groupKey } = newGroupFor(event);
    candidates.push({
      id: candidates.length + 1,
      accountId: event.accountId,
      groupKind,
      groupKey,
      severity: event.severity,
      state: 'open',
      firstEventTime: event.eventTime,
      lastEventTime: event.eventTime,
      group: { groupKind, groupKey, events: [event], severity: event.severity, firstEventTime: event.eventTime, lastEventTime: event.eventTime },
    });
  }
  return candidates.map(({ group }) => {
    const first = group.events[0] as RootEvent;
    const alertLike = { accountId: first.accountId, region: first.region, kind: first.kind, groupKind: group.groupKind, eventCount: group.events.length };
    return { ...group, burst: isFailedLoginBurst(alertLike, fullPolicy.failedLoginBurstThreshold), headline: alertHeadline(alertLike, group.events, null) };
  });
}
