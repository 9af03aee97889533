// Which alerts one ingest batch makes and which existing ones it grows (pure): the store reads the batch's new events
// and the unresolved alerts they may join, this folds chooseAlertGroup over the events in time order (an alert made
// earlier in the batch collects later events as a stored one would), and the store writes the plan in a few
// multi-row statements instead of several statements an event.
import type { AlertSeverity, RootEvent } from '../activity/model.js';
import { alertAfterAttach, chooseAlertGroup, isCrossAccountGroup, newGroupFor, type GroupCandidate, type GroupingPolicy } from './grouping.js';
import type { AlertGroupKind, AlertRecord } from './model.js';

/** A new event of the batch that raises an alert, with its event time as stored (normalized ISO). */
export interface IngestedAlertEvent {
  event: Pick<RootEvent, 'eventId' | 'accountId' | 'region' | 'kind' | 'severity' | 'sessionKey' | 'centralizedRootSession'>;
  eventTime: string;
  /** The channel ALERT_ROUTES chose for a new alert of this event (null: ALERT_CHANNEL). */
  alertChannel: string | null;
}

/**
 * An alert the batch makes: its row as it is after every event of the batch that joined it. Its firstEventId is
 * unique in the batch (an event starts one alert at most): the key the store maps the new row's id by.
 */
export interface PlannedAlert extends Pick<AlertRecord, 'accountId' | 'region' | 'kind' | 'severity' | 'groupKind' | 'groupKey' | 'firstEventId' | 'firstEventTime' | 'lastEventTime' | 'eventCount'> {
  channel: string | null;
  /** Every event of the alert, its first included. */
  eventIds: string[];
}

/** A stored alert the batch's events join: its new span and severity, and how many events it gains. */
export interface PlannedAttach {
  alertId: number;
  severity: AlertSeverity;
  firstEventTime: string;
  lastEventTime: string;
  eventIds: string[];
}

/** One thread reply listing the events that joined an alert in this batch, in the order the alerts were first touched. */
export type PlannedJoinReply = { alert: { created: true; firstEventId: string } | { created: false; alertId: number }; joinedEventIds: string[] };

export interface IngestGroupingPlan {
  created: PlannedAlert[];
  attached: PlannedAttach[];
  joinReplies: PlannedJoinReply[];
}

/** What the store must read before planning: the groups the batch's events may join, and the times they span. */
export interface CandidateQuery {
  groupKind: Exclude<AlertGroupKind, 'single'>;
  groupKey: string | null;
  /** Null for a group that spans accounts (a centralized root session). */
  accountId: string | null;
  earliestEventTime: string;
  latestEventTime: string;
}

/** The distinct groups the events could join stored alerts of (single events join nothing). */
export function candidateQueries(events: readonly IngestedAlertEvent[]): CandidateQuery[] {
  const queries = new Map<string, CandidateQuery>();
  for (const { event, eventTime } of events) {
    const group = newGroupFor(event);
    if (group.groupKind === 'single') continue;
    const accountId = isCrossAccountGroup(group.groupKey) ? null : event.accountId;
    const key = JSON.stringify([group.groupKind, group.groupKey, accountId]);
    const query = queries.get(key);
    if (query === undefined) {
      queries.set(key, { groupKind: group.groupKind, groupKey: group.groupKey, accountId, earliestEventTime: eventTime, latestEventTime: eventTime });
    } else {
      if (eventTime < query.earliestEventTime) query.earliestEventTime = eventTime;
      if (eventTime > query.latestEventTime) query.latestEventTime = eventTime;
    }
  }
  return [...queries.values()];
}

/**
 * The plan for the batch's alerting events, oldest first as given, against the stored alerts they may join. Alerts
 * made in the batch get ids above every stored one while planning, so "the newest alert collects" holds for them too.
 */
export function planIngestGrouping(events: readonly IngestedAlertEvent[], stored: readonly GroupCandidate[], policy: GroupingPolicy): IngestGroupingPlan {
  const candidates: GroupCandidate[] = stored.map((candidate) => ({ ...candidate }));
  let nextPlannedId = candidates.reduce((max, candidate) => Math.max(max, candidate.id), 0) + 1;
  const createdById = new Map<number, PlannedAlert>();
  const attachedById = new Map<number, PlannedAttach>();
  // Every alert the batch touches, in the order it first did (made, or first joined): its reply's place in the outbox.
  const replies = new Map<number, PlannedJoinReply>();

  for (const { event, eventTime, alertChannel } of events) {
    const grouped = { ...event, eventTime };
    const decision = chooseAlertGroup(grouped, candidates, policy);
    const joined = decision.action === 'attach' ? candidates.find((candidate) => candidate.id === decision.alertId) : undefined;
    if (joined === undefined) {
      const group = newGroupFor(grouped);
      const id = nextPlannedId++;
      const alert: PlannedAlert = {
        accountId: event.accountId,
        region: event.region,
        kind: event.kind,
        severity: event.severity,
        groupKind: group.groupKind,
        groupKey: group.groupKey,
        firstEventId: event.eventId,
        firstEventTime: eventTime,
        lastEventTime: eventTime,
        eventCount: 1,
        channel: alertChannel,
        eventIds: [event.eventId],
      };
      createdById.set(id, alert);
      replies.set(id, { alert: { created: true, firstEventId: event.eventId }, joinedEventIds: [] });
      candidates.push({ id, accountId: alert.accountId, groupKind: alert.groupKind, groupKey: alert.groupKey, severity: alert.severity, state: 'open', firstEventTime: eventTime, lastEventTime: eventTime });
      continue;
    }
    // The candidate is what later events of the batch see: it grows as a stored row would.
    Object.assign(joined, alertAfterAttach(joined, { eventTime, severity: event.severity }));
    const created = createdById.get(joined.id);
    if (created !== undefined) {
      Object.assign(created, { severity: joined.severity, firstEventTime: joined.firstEventTime, lastEventTime: joined.lastEventTime, eventCount: created.eventCount + 1 });
      created.eventIds.push(event.eventId);
    } else {
      const attach = attachedById.get(joined.id) ?? { alertId: joined.id, severity: joined.severity, firstEventTime: joined.firstEventTime, lastEventTime: joined.lastEventTime, eventIds: [] };
      Object.assign(attach, { severity: joined.severity, firstEventTime: joined.firstEventTime, lastEventTime: joined.lastEventTime });
      attach.eventIds.push(event.eventId);
      attachedById.set(joined.id, attach);
    }
    const reply = replies.get(joined.id) ?? { alert: { created: false, alertId: joined.id }, joinedEventIds: [] };
    reply.joinedEventIds.push(event.eventId);
    replies.set(joined.id, reply);
  }
  return { created: [...createdById.values()], attached: [...attachedById.values()], joinReplies: [...replies.values()].filter((reply) => reply.joinedEventIds.length > 0) };
}
