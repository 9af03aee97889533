// Plain data of the alert lifecycle: an alert groups root events, moves through states, and reaches
// Slack through outbox messages. Nothing here knows SQLite or the Slack SDK.
import type { AlertSeverity, RootEvent } from '../activity/model.js';

export type AlertState = 'open' | 'investigating' | 'acknowledged' | 'escalated';

/** What a responder's button asks for. */
export type AlertAction = 'acknowledge' | 'investigate' | 'escalate';

/**
 * Why events share an alert: one event alone, the calls of one root session, or a run of failed root
 * sign-ins (a burst).
 */
export type AlertGroupKind = 'single' | 'session' | 'failed-logins';

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface AlertRecord {
  id: number;
  accountId: string;
  /** Region of the first event. */
  region: string;
  /** Kind of the first event of the group. */
  kind: RootEvent['kind'];
  /** The highest severity among the alert's events. */
  severity: AlertSeverity;
  groupKind: AlertGroupKind;
  /** The sessionKey for a session group, otherwise null. */
  groupKey: string | null;
  firstEventId: string;
  /** ISO times of the earliest and latest event of the group. */
  firstEventTime: string;
  lastEventTime: string;
  eventCount: number;
  state: AlertState;
  /** Who made the last state change, when, and why (null while the alert is untouched). */
  stateBy: string | null;
  stateAt: string | null;
  stateReason: string | null;
  /** When the store created the alert (ISO). */
  createdAt: string;
  /** The alert's top-level Slack message, once Slack accepted it. */
  post: SlackMessageRef | null;
  postedAt: string | null;
  remindersSent: number;
  lastReminderAt: string | null;
}

/** A root event as the store keeps it. */
export interface StoredRootEvent {
  event: RootEvent;
  /** The raw CloudTrail record, for "Show event". */
  rawRecord: string;
  alertId: number | null;
  firstSeenAt: string;
}

/** One state change, kept forever. */
export interface AlertAuditEntry {
  id: number;
  alertId: number;
  action: AlertAction;
  fromState: AlertState;
  toState: AlertState;
  userId: string;
  reason: string | null;
  at: string;
}

export type StateChangeResult =
  | { changed: true; alert: AlertRecord; audit: AlertAuditEntry }
  /** Nothing changed: the alert was already past this step (double press, or someone else was first), or there is no such alert. */
  | { changed: false; current: AlertRecord | null };

/**
 * One Slack message to send. Top-level posts: an alert, a weekly summary. Thread replies: calls that
 * joined an alert, reminders, a raw event record, summary details. Updates: chat.update of an alert's post.
 */
export type OutboxKind = 'alert-post' | 'alert-reply' | 'alert-update' | 'reminder' | 'event-record' | 'summary-post' | 'summary-reply' | 'posture-alert';

/** pending: waiting (maybe for a retry); sending: handed to Slack, outcome not yet recorded; sent; failed: Slack refused it for good. */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

export interface AlertReplyPayload {
  /** The events that joined the alert in one commit, in event time order. */
  eventIds: string[];
}

export interface ReminderPayload {
  reminderNumber: number;
  reminderMax: number;
  /** `<!subteam^S…>` or null when no responder group is configured. */
  mention: string | null;
}

export interface EventRecordPayload {
  eventId: string;
  requestedBy: string | null;
}

export interface SummaryPostPayload {
  weekKey: string;
}

export interface SummaryReplyPayload {
  weekKey: string;
  /** Index into the ledger's stored thread parts. */
  part: number;
}

export interface OutboxMessage {
  id: number;
  kind: OutboxKind;
  alertId: number | null;
  weekKey: string | null;
  /** The top-level message this one threads under or updates; null for top-level posts. */
  parentId: number | null;
  payload: Record<string, unknown>;
  /** Where a top-level post goes; null = the sender's default (the alert channel). Replies and updates follow their parent. */
  channel: string | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  /** When the current (or interrupted) send began. */
  sendingSince: string | null;
  /** A send may have reached Slack without its answer being recorded (crash, network error). */
  uncertain: boolean;
  sentAt: string | null;
  /** Where Slack put it, once accepted. */
  result: SlackMessageRef | null;
  /** The parent's Slack message, once the parent is sent. */
  parent: SlackMessageRef | null;
}
