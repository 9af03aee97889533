// The shared ingest inside its transaction, in a few statements a batch whatever its size: the new events in one
// multi-row insert (the conflict on event_id tells the duplicates), the alerts they may join read once per group, the
// grouping planned in memory (alerts/ingest-grouping.ts), then the new alerts, their posts and every event's alert
// written a multi-row statement each. On PostgreSQL each statement is a round trip: 10,000 events take about 110.
import type { RootEvent } from '../activity/model.js';
import type { IngestBatch, IngestResult } from '../activity/ingest.js';
import type { GroupingPolicy } from '../alerts/grouping.js';
import { candidateQueries, planIngestGrouping, type CandidateQuery, type IngestedAlertEvent } from '../alerts/ingest-grouping.js';
import type { AlertRecord } from '../alerts/model.js';
import { queueAlertUpdate } from './alert-update-queue.js';
import type { EventInsert, Repositories } from './repositories/index.js';

export interface IngestSettings {
  grouping: GroupingPolicy;
  shouldAlert: (event: RootEvent) => boolean;
}

/** A record with an unreadable eventTime must not block its batch (and so the cursor): it is filed under now. */
function normalizedEventTime(eventTime: string, now: string): string {
  const parsed = Date.parse(eventTime);
  return Number.isNaN(parsed) ? now : new Date(parsed).toISOString();
}

/** Oldest first, so an alert's first event is its earliest and grouping sees events in order (LookupEvents answers newest first). */
function inEventTimeOrder(batch: IngestBatch, now: string): EventInsert[] {
  return batch.events
    .map((polled) => ({ polled, eventTime: normalizedEventTime(polled.event.eventTime, now) }))
    .sort((left, right) => (left.eventTime === right.eventTime ? left.polled.event.eventId.localeCompare(right.polled.event.eventId) : left.eventTime < right.eventTime ? -1 : 1));
}

async function storedCandidates(repos: Repositories, queries: readonly CandidateQuery[], grouping: GroupingPolicy): Promise<AlertRecord[]> {
  const spanMs = Math.max(grouping.sessionWindowMinutes, grouping.failedLoginWindowMinutes) * 60_000;
  const candidates: AlertRecord[] = [];
  for (const query of queries) candidates.push(...(await repos.alerts.groupCandidates(query, spanMs)));
  return candidates;
}

/** Writes the batch through `repos` (bound to the caller's transaction, which holds the 'ingest' lock). */
export async function writeIngestBatch(repos: Repositories, settings: IngestSettings, batch: IngestBatch, now: string): Promise<IngestResult> {
  const unreadable = batch.unreadable ?? [];
  if (unreadable.length > 0) await repos.unreadable.keep(unreadable, now);
  const events = inEventTimeOrder(batch, now);
  if (events.length === 0) return { inserted: 0, duplicates: 0 };

  const insertedIds = await repos.events.insertNew(events, now);
  // Inside one batch the first of two equal ids is the one stored (the insert takes its rows in order).
  const fresh = events.filter(({ polled }) => insertedIds.delete(polled.event.eventId));
  const result = { inserted: fresh.length, duplicates: events.length - fresh.length };
  const alerting: IngestedAlertEvent[] = fresh
    .filter(({ polled }) => settings.shouldAlert(polled.event))
    .map(({ polled, eventTime }) => ({ event: polled.event, eventTime, alertChannel: polled.alertChannel ?? null }));
  if (alerting.length === 0) return result;

  const plan = planIngestGrouping(alerting, await storedCandidates(repos, candidateQueries(alerting), settings.grouping), settings.grouping);
  const alertIdOf = await repos.alerts.insertPlanned(plan.created, now);
  const created = plan.created.map((alert) => ({ alert, id: alertIdOf.get(alert.firstEventId) as number }));
  // The channel ALERT_ROUTES chose for the event's account, fixed now: a route changed later does not move it.
  const posts = await repos.outbox.insertMany(created.map(({ alert, id }) => ({ kind: 'alert-post', alertId: id, parentId: null, payload: {}, channel: alert.channel, now })));
  const postIdOf = new Map(posts.map((post) => [post.alertId as number, post.id]));
  await repos.alerts.setPostOutboxes(created.map(({ id }) => ({ alertId: id, outboxId: postIdOf.get(id) as number })));
  await repos.alerts.attach(plan.attached);
  await repos.events.linkToAlerts([
    ...created.flatMap(({ alert, id }) => alert.eventIds.map((eventId) => ({ eventId, alertId: id }))),
    ...plan.attached.flatMap((attach) => attach.eventIds.map((eventId) => ({ eventId, alertId: attach.alertId }))),
  ]);

  for (const reply of plan.joinReplies) {
    const alertId = reply.alert.created ? (alertIdOf.get(reply.alert.firstEventId) as number) : reply.alert.alertId;
    const postId = postIdOf.get(alertId) ?? (await repos.alerts.postOutboxId(alertId));
    // One thread reply lists the calls that joined in this commit, not one reply per call.
    await repos.outbox.insert({ kind: 'alert-reply', alertId, parentId: postId, payload: { eventIds: reply.joinedEventIds }, channel: null, now });
    // An alert posted earlier shows its event count and severity: refresh it.
    if (!reply.alert.created) await queueAlertUpdate(repos, alertId, postId, now);
  }
  return result;
}
