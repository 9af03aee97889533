// Rows as both backends return them (snake_case columns, integers possibly as text from PostgreSQL) turned into
// the store's records, and the time values the store writes (ISO-8601 UTC text).
import type { RootEvent } from '../activity/model.js';
import type { AlertAuditEntry, AlertRecord, AlertState, OutboxKind, OutboxMessage, StoredRootEvent } from '../alerts/model.js';
import type { PostureReport } from '../posture/model.js';
import type { SqlRow } from './sql-executor.js';
import type { PostureSnapshot, StoredUnreadableRecord } from './store.js';

export function toIso(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid time: ${String(value)}`);
  return date.toISOString();
}

type Row = SqlRow;

export function text(row: Row, column: string): string {
  return row[column] as string;
}

export function textOrNull(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : (value as string);
}

export function int(row: Row, column: string): number {
  return Number(row[column]);
}

export function alertFromRow(row: Row): AlertRecord {
  const postChannel = textOrNull(row, 'post_channel');
  const postTs = textOrNull(row, 'post_ts');
  return {
    id: int(row, 'id'),
    accountId: text(row, 'account_id'),
    region: text(row, 'region'),
    kind: text(row, 'kind') as AlertRecord['kind'],
    severity: text(row, 'severity') as AlertRecord['severity'],
    groupKind: text(row, 'group_kind') as AlertRecord['groupKind'],
    groupKey: textOrNull(row, 'group_key'),
    firstEventId: text(row, 'first_event_id'),
    firstEventTime: text(row, 'first_event_time'),
    lastEventTime: text(row, 'last_event_time'),
    eventCount: int(row, 'event_count'),
    state: text(row, 'state') as AlertState,
    stateBy: textOrNull(row, 'state_by'),
    stateAt: textOrNull(row, 'state_at'),
    stateReason: textOrNull(row, 'state_reason'),
    createdAt: text(row, 'created_at'),
    post: postChannel !== null && postTs !== null ? { channel: postChannel, ts: postTs } : null,
    postedAt: textOrNull(row, 'posted_at'),
    remindersSent: int(row, 'reminders_sent'),
    lastReminderAt: textOrNull(row, 'last_reminder_at'),
  };
}

export function eventFromRow(row: Row): StoredRootEvent {
  const alertId = row.alert_id;
  return {
    event: JSON.parse(text(row, 'event_json')) as RootEvent,
    rawRecord: text(row, 'raw_record'),
    alertId: alertId === null || alertId === undefined ? null : Number(alertId),
    firstSeenAt: text(row, 'first_seen_at'),
  };
}

export function auditFromRow(row: Row): AlertAuditEntry {
  return {
    id: int(row, 'id'),
    alertId: int(row, 'alert_id'),
    action: text(row, 'action') as AlertAuditEntry['action'],
    fromState: text(row, 'from_state') as AlertState,
    toState: text(row, 'to_state') as AlertState,
    userId: text(row, 'user_id'),
    reason: textOrNull(row, 'reason'),
    at: text(row, 'at'),
  };
}

export function outboxFromRow(row: Row): OutboxMessage {
  const resultChannel = textOrNull(row, 'result_channel');
  const resultTs = textOrNull(row, 'result_ts');
  const parentChannel = textOrNull(row, 'parent_channel');
  const parentTs = textOrNull(row, 'parent_ts');
  const alertId = row.alert_id;
  const parentId = row.parent_id;
  return {
    id: int(row, 'id'),
    kind: text(row, 'kind') as OutboxKind,
    alertId: alertId === null ? null : Number(alertId),
    weekKey: textOrNull(row, 'week_key'),
    parentId: parentId === null ? null : Number(parentId),
    payload: JSON.parse(text(row, 'payload_json')) as Record<string, unknown>,
    channel: textOrNull(row, 'channel'),
    state: text(row, 'state') as OutboxMessage['state'],
    attempts: int(row, 'attempts'),
    nextAttemptAt: text(row, 'next_attempt_at'),
    lastError: textOrNull(row, 'last_error'),
    createdAt: text(row, 'created_at'),
    sendingSince: textOrNull(row, 'sending_since'),
    uncertain: int(row, 'uncertain') === 1,
    sentAt: textOrNull(row, 'sent_at'),
    result: resultChannel !== null && resultTs !== null ? { channel: resultChannel, ts: resultTs } : null,
    parent: parentChannel !== null && parentTs !== null ? { channel: parentChannel, ts: parentTs } : null,
  };
}

export function unreadableFromRow(row: Row): StoredUnreadableRecord {
  return {
    id: int(row, 'id'),
    source: text(row, 'source') as StoredUnreadableRecord['source'],
    recordId: textOrNull(row, 'record_id'),
    reason: text(row, 'reason'),
    body: text(row, 'body'),
    receivedAt: text(row, 'received_at'),
  };
}

export function snapshotFromRow(row: Row): PostureSnapshot {
  return {
    id: int(row, 'id'),
    accountId: text(row, 'account_id'),
    takenAt: text(row, 'taken_at'),
    passed: int(row, 'passed'),
    total: int(row, 'total'),
    report: JSON.parse(text(row, 'report_json')) as PostureReport,
  };
}
