// The bot's durable state behind one interface: root events, alerts and their audit trail, the Slack
// outbox, poll cursors, posture snapshots and the weekly summary ledger. SQLite implements it
// (sqlite.ts); every method is synchronous because better-sqlite3 is, and each one is one transaction.
import type { AlertSeverity, RootEventKind } from '../activity/model.js';
import type { ActivitySourceName, IngestSink } from '../activity/ingest.js';
import type { PollSink } from '../activity/poll-sink.js';
import type { CursorReading } from '../activity/coverage/model.js';
import type { AlertAction, AlertAuditEntry, AlertRecord, AlertState, OutboxKind, OutboxMessage, SlackMessageRef, StateChangeResult, StoredRootEvent } from '../alerts/model.js';
import type { AuditSession, AuditSessionRecorder } from '../aws/index.js';
import type { PostureReport } from '../posture/model.js';

/** A half-open time range [from, to), ISO strings or Dates. */
export interface TimeRange {
  from: string | Date;
  to: string | Date;
}

export interface EventKindCount {
  accountId: string;
  kind: Exclude<RootEventKind, 'none'>;
  /** Console sign-ins split by MFA: true / false / null when the record could not tell. */
  mfaUsed: boolean | null;
  count: number;
}

export interface AcknowledgmentDuration {
  alertId: number;
  accountId: string;
  severity: AlertSeverity;
  firstEventTime: string;
  createdAt: string;
  postedAt: string | null;
  acknowledgedAt: string;
  acknowledgedBy: string;
  /** From the Slack post (or, if it was never posted, from the alert's creation) to the acknowledgment. */
  secondsToAcknowledge: number;
}

export interface PostureSnapshot {
  id: number;
  accountId: string;
  takenAt: string;
  passed: number;
  total: number;
  report: PostureReport;
}

export interface WeeklySummaryEntry {
  weekKey: string;
  createdAt: string;
  /** The built summary, as given to recordWeeklySummary. */
  summary: unknown;
  /** Details posted in the summary's thread, as given. */
  threadParts: unknown[];
  outboxId: number;
  /** The Slack message, once posted. */
  post: SlackMessageRef | null;
}

/** An atomic conditional state change; the rule (which states allow it) comes from alerts/lifecycle. */
export interface AlertTransition {
  alertId: number;
  action: AlertAction;
  toState: AlertState;
  allowedFrom: readonly AlertState[];
  userId: string;
  reason: string | null;
  at?: Date;
  /**
   * A thread reply to queue with the change, in the same transaction (an escalation's page): decided from the
   * alert's audit before this change and the time of the change; null queues nothing.
   */
  threadReply?: (history: readonly AlertAuditEntry[], at: Date) => Record<string, unknown> | null;
}

export interface OutboxRetry {
  error: string;
  nextAttemptAt: Date;
  /** The send may have reached Slack (network error, 5xx): check before posting again. */
  uncertain?: boolean;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  /** Pending rows waiting for a parent that is not sent yet. */
  waitingForParent: number;
  oldestPendingCreatedAt: string | null;
}

/** A record or message a source could not read, as kept by ingestEvents. */
export interface StoredUnreadableRecord {
  id: number;
  source: ActivitySourceName;
  recordId: string | null;
  reason: string;
  body: string;
  receivedAt: string;
}

export interface Store extends IngestSink, PollSink, AuditSessionRecorder {
  /** A random id made when the store was created: outbox keys that name a row (`<storeId>:<outboxId>`) are unique across stores. */
  readonly storeId: string;
  /** When the store was created (ISO): a root event older than this may have been alerted by a store before it. */
  readonly createdAt: string;

  // --- root events ---
  getEvent(eventId: string): StoredRootEvent | null;
  /** Events of one alert, in event time order. */
  listAlertEvents(alertId: number): StoredRootEvent[];
  /** Events whose event time lies in the range, in event time order. */
  listEvents(range: TimeRange & { accountId?: string }): StoredRootEvent[];
  /** Counts of events in the range by account, kind and MFA use. */
  countEventsByKind(range: TimeRange & { accountId?: string }): EventKindCount[];
  /** Forgets seen events older than `before` that carry no alert (alerts keep their events). Returns how many. */
  pruneSeenEvents(before: string | Date): number;
  /** Every poll cursor: which account-Regions the poller has read, and up to when (for coverage). */
  listPollCursors(): CursorReading[];
  /** Records and messages the sources could not read, newest first. */
  listUnreadableRecords(options?: { limit?: number }): StoredUnreadableRecord[];
  countUnreadableRecords(): number;

  // --- alerts ---
  getAlert(alertId: number): AlertRecord | null;
  /** The alert whose Slack post is this message (for button presses). */
  findAlertByMessage(channel: string, ts: string): AlertRecord | null;
  /** Alerts not yet acknowledged, oldest first. */
  listOpenAlerts(options?: { accountId?: string; limit?: number }): AlertRecord[];
  /** Alerts whose first event lies in the range, oldest first. */
  listAlerts(range: TimeRange & { accountId?: string }): AlertRecord[];
  /** One atomic conditional update: state, audit row and a chat.update of the post, or nothing. */
  transitionAlert(transition: AlertTransition): StateChangeResult;
  listAudit(alertId: number): AlertAuditEntry[];
  /** Acknowledgments made in the range. */
  acknowledgmentDurations(range: TimeRange): AcknowledgmentDuration[];
  /** Open alerts (state "open") already posted: the candidates for a reminder. */
  listAlertsAwaitingResponse(): AlertRecord[];
  /** Counts reminder `reminderNumber` and enqueues its thread reply, only if it is the next one and the alert is still open. */
  enqueueReminder(alertId: number, reminderNumber: number, payload: Record<string, unknown>, at?: Date): boolean;
  /** Enqueues a thread reply under an alert's post (e.g. "Show event"); returns the outbox id, or null if there is no such alert. */
  enqueueAlertThreadMessage(alertId: number, kind: Extract<OutboxKind, 'event-record' | 'alert-reply'>, payload: Record<string, unknown>): number | null;

  // --- outbox ---
  getOutboxMessage(id: number): OutboxMessage | null;
  listOutbox(options?: { state?: OutboxMessage['state']; alertId?: number }): OutboxMessage[];
  /** Pending rows due at `now` whose parent (if any) is sent, in send order: new alerts by first event time, then the rest by age. */
  dueOutbox(now: Date, limit: number): OutboxMessage[];
  /** When the next pending row with a sent (or no) parent becomes due, or null. */
  nextOutboxDueAt(): string | null;
  /** Claims a pending row for sending; false if it is no longer pending. */
  markOutboxSending(id: number, at?: Date): boolean;
  /** Records Slack's answer; for an alert post also the alert's channel and ts, in the same transaction. */
  markOutboxSent(id: number, result: SlackMessageRef, at?: Date): void;
  markOutboxRetry(id: number, retry: OutboxRetry): void;
  markOutboxFailed(id: number, error: string, at?: Date): void;
  /** Moves a pending row's next attempt later without counting an attempt (its channel is paused). */
  deferOutbox(id: number, until: Date): void;
  /** Rows left "sending" by a process that died: back to pending, flagged uncertain. Call once at sender start. */
  recoverInterruptedSends(): OutboxMessage[];
  outboxCounts(): OutboxCounts;

  // --- root audit sessions (sts:AssumeRoot by the bot) ---
  /** Keeps the AccessKeyId an audit session was issued (idempotent). */
  recordAuditSession(session: AuditSession): void;
  /** The bot's audit session that was issued this access key id, if any. */
  findAuditSession(accessKeyId: string): AuditSession | null;
  /** Forgets sessions that expired before `before`; returns how many. */
  pruneAuditSessions(before: string | Date): number;

  // --- posture snapshots ---
  savePostureSnapshot(report: PostureReport, takenAt?: Date): number;
  /** Saves the snapshot and, in the same transaction, queues a 'posture-alert' post with `alert` as its payload, to `channel` (null: ALERT_CHANNEL). */
  savePostureSnapshotWithAlert(report: PostureReport, alert: Record<string, unknown> | null, channel?: string | null): { snapshotId: number; outboxId: number | null };
  /** Snapshots taken in the range, by account then time. */
  listPostureSnapshots(range: TimeRange & { accountId?: string }): PostureSnapshot[];
  /** The newest snapshot of each account taken before `before`. */
  latestPostureSnapshots(before?: string | Date): PostureSnapshot[];

  // --- weekly summary ledger ---
  /** Records the week's summary and enqueues its post (and thread parts) once: false if this week already has one. */
  recordWeeklySummary(entry: { weekKey: string; summary: unknown; threadParts?: unknown[]; channel?: string | null }): { created: boolean; outboxId: number };
  getWeeklySummary(weekKey: string): WeeklySummaryEntry | null;

  /** A read transaction: several reads see one consistent state. */
  read<T>(reader: () => T): T;
  close(): void;
}
