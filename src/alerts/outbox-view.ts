// What an outbox message shows, read when it is sent (so a post and its chat.update after a state change show the
// current state): the view model the Slack renderer turns into blocks without reading anything itself. The sender
// loads it in one store transaction (one consistent read); this file decides what each kind needs read.
import type { RootEvent } from '../activity/model.js';
import type { WeeklySummaryEntry } from '../store/store.js';
import type { AlertAuditEntry, AlertRecord, OutboxMessage, StoredRootEvent } from './model.js';

export type OutboxView =
  /** An alert's post, or its chat.update: the alert now, its events in time order, its audit trail. */
  | { kind: 'alert'; message: OutboxMessage; alert: AlertRecord; events: RootEvent[]; audit: AlertAuditEntry[] }
  /** The calls that joined an alert in one poll; ids the store no longer holds are listed as such. */
  | { kind: 'joined-calls'; message: OutboxMessage; alert: AlertRecord; events: RootEvent[]; missingEventIds: string[] }
  /** An escalation's page: all in its payload. */
  | { kind: 'escalation'; message: OutboxMessage }
  | { kind: 'reminder'; message: OutboxMessage; alert: AlertRecord }
  /** "Show event": the record, or null when the store no longer holds the event. */
  | { kind: 'event-record'; message: OutboxMessage; eventId: string; stored: StoredRootEvent | null }
  /** The weekly summary's post or one of its thread parts, as its ledger recorded them. */
  | { kind: 'summary'; message: OutboxMessage; entry: WeeklySummaryEntry }
  /** A posture alert: all in its payload. */
  | { kind: 'posture-alert'; message: OutboxMessage };

/** The reads a view needs (the store's operations include them). */
export interface OutboxViewReader {
  getAlert(alertId: number): Promise<AlertRecord | null>;
  /** Events of one alert, in event time order. */
  listAlertEvents(alertId: number): Promise<StoredRootEvent[]>;
  listAudit(alertId: number): Promise<AlertAuditEntry[]>;
  getEvent(eventId: string): Promise<StoredRootEvent | null>;
  getWeeklySummary(weekKey: string): Promise<WeeklySummaryEntry | null>;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

async function alertOf(message: OutboxMessage, reader: OutboxViewReader): Promise<AlertRecord> {
  const alert = message.alertId === null ? null : await reader.getAlert(message.alertId);
  // Thrown: the sender logs it and retries later instead of posting something wrong.
  if (!alert) throw new Error(`outbox row ${message.id} (${message.kind}): alert ${String(message.alertId)} is not in the store`);
  return alert;
}

async function joinedCalls(message: OutboxMessage, reader: OutboxViewReader): Promise<OutboxView> {
  const eventIds = Array.isArray(message.payload.eventIds) ? message.payload.eventIds.filter((id): id is string => typeof id === 'string') : [];
  const events: RootEvent[] = [];
  const missingEventIds: string[] = [];
  for (const eventId of eventIds) {
    const stored = await reader.getEvent(eventId);
    if (stored) events.push(stored.event);
    else missingEventIds.push(eventId);
  }
  return { kind: 'joined-calls', message, alert: await alertOf(message, reader), events, missingEventIds };
}

/** Reads what `message` shows. Throws when what it needs is gone (the sender retries later). */
export async function loadOutboxView(message: OutboxMessage, reader: OutboxViewReader): Promise<OutboxView> {
  switch (message.kind) {
    case 'alert-post':
    case 'alert-update': {
      const alert = await alertOf(message, reader);
      return { kind: 'alert', message, alert, events: (await reader.listAlertEvents(alert.id)).map((stored) => stored.event), audit: await reader.listAudit(alert.id) };
    }
    case 'alert-reply':
      // An alert-reply is either an escalation ({escalatedBy, mention}) or the calls that joined the alert ({eventIds}).
      return nonEmptyString(message.payload.escalatedBy) ? { kind: 'escalation', message } : joinedCalls(message, reader);
    case 'reminder':
      return { kind: 'reminder', message, alert: await alertOf(message, reader) };
    case 'event-record': {
      const eventId = nonEmptyString(message.payload.eventId) ?? '';
      return { kind: 'event-record', message, eventId, stored: eventId ? await reader.getEvent(eventId) : null };
    }
    case 'summary-post':
    case 'summary-reply': {
      const weekKey = message.weekKey ?? nonEmptyString(message.payload.weekKey) ?? '';
      const entry = await reader.getWeeklySummary(weekKey);
      if (!entry) throw new Error(`outbox row ${message.id} (${message.kind}): the summary of week "${weekKey}" is not in the store`);
      return { kind: 'summary', message, entry };
    }
    case 'posture-alert':
      return { kind: 'posture-alert', message };
  }
}
