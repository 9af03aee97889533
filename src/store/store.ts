// The bot's durable state behind one interface: root events, alerts and their audit trail, the Slack
// outbox, poll cursors, posture snapshots and the weekly summary ledger. SQLite implements it
// (sqlite.ts) and, later, PostgreSQL: both through SqlStore (sql-store.ts), the operations written once over a
// SqlExecutor. Every operation is async and its own transaction, or part of one opened with transaction().
import type { AlertSeverity, RootEventKind } from '../activity/model.js';
import type { ActivitySourceName, IngestSink } from '../activity/ingest.js';
import type { PollSink } from '../activity/poll-sink.js';
import type { CoverageRecord, CursorReading } from '../activity/coverage/model.js';
import type { AlertAuditEntry, AlertRecord, OutboxKind, OutboxMessage, SlackMessageRef, StoredRootEvent } from '../alerts/model.js';
import type { AlertsServiceOperations } from '../alerts/service.js';
import type { AlertTransition } from '../alerts/state.js';
import type { ReminderStore } from '../alerts/reminders.js';
import type { AuditSession, AuditSessionRecorder } from '../aws/index.js';
import type { PostureReport } from '../posture/model.js';
import type { LastPollRead } from './repositories/cursors.js';

export type { LastPollRead };

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

export interface OutboxRetry {
  error: string;
  nextAttemptAt: Date;
  /** The send may have reached Slack (network error, 5xx): check before posting again. */
  uncertain?: boolean;
}

/** Who claims an outbox row and for how long (the sender's replica holder id, its lease). */
export interface OutboxClaim {
  holder: string;
  leaseMs: number;
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

export type { AlertTransition };

/** Every operation of the store: each one runs in its own transaction, or in the caller's when reached through a transaction handle. */
export interface StoreOperations extends IngestSink, PollSink, AuditSessionRecorder, ReminderStore, AlertsServiceOperations {
  // --- root events ---
  getEvent(eventId: string): Promise<StoredRootEvent | null>;
  /** Events of one alert, in event time order. */
  listAlertEvents(alertId: number): Promise<StoredRootEvent[]>;
  /** Events whose event time lies in the range, in event time order. */
  listEvents(range: TimeRange & { accountId?: string }): Promise<StoredRootEvent[]>;
  /** Counts of events in the range by account, kind and MFA use. */
  countEventsByKind(range: TimeRange & { accountId?: string }): Promise<EventKindCount[]>;
  /** Forgets seen events older than `before` that carry no alert (alerts keep their events). Returns how many. */
  pruneSeenEvents(before: string | Date): Promise<number>;
  /** Every poll cursor: which account-Regions the poller has read, and up to when (for coverage). */
  listPollCursors(): Promise<CursorReading[]>;
  /** The newest Region read to its window's end, by any replica (null before the first): is anyone polling? */
  lastPollRead(): Promise<LastPollRead | null>;
  /** The coverage record of the latest poll pass (one, whichever replica ran it); null before the first. */
  readCoverageRecord(): Promise<CoverageRecord | null>;
  writeCoverageRecord(record: CoverageRecord): Promise<void>;
  /** Records and messages the sources could not read, newest first. */
  listUnreadableRecords(options?: { limit?: number }): Promise<StoredUnreadableRecord[]>;
  countUnreadableRecords(): Promise<number>;

  // --- alerts ---
  getAlert(alertId: number): Promise<AlertRecord | null>;
  /** The alert whose Slack post is this message (for button presses). */
  findAlertByMessage(channel: string, ts: string): Promise<AlertRecord | null>;
  /** Alerts not yet acknowledged, oldest first. */
  listOpenAlerts(options?: { accountId?: string; limit?: number }): Promise<AlertRecord[]>;
  /** Alerts whose first event lies in the range, oldest first. */
  listAlerts(range: TimeRange & { accountId?: string }): Promise<AlertRecord[]>;
  listAudit(alertId: number): Promise<AlertAuditEntry[]>;
  /** Acknowledgments made in the range. */
  acknowledgmentDurations(range: TimeRange): Promise<AcknowledgmentDuration[]>;
  /** Enqueues a thread reply under an alert's post (e.g. "Show event"); returns the outbox id, or null if there is no such alert. */
  enqueueAlertThreadMessage(alertId: number, kind: Extract<OutboxKind, 'event-record' | 'alert-reply'>, payload: Record<string, unknown>): Promise<number | null>;

  // --- outbox ---
  getOutboxMessage(id: number): Promise<OutboxMessage | null>;
  listOutbox(options?: { state?: OutboxMessage['state']; alertId?: number }): Promise<OutboxMessage[]>;
  /** Pending rows due at `now` whose parent (if any) is sent, in send order: new alerts by first event time, then the rest by age. */
  dueOutbox(now: Date, limit: number): Promise<OutboxMessage[]>;
  /** When the next pending row with a sent (or no) parent becomes due, or null. */
  nextOutboxDueAt(): Promise<string | null>;
  /**
   * Claims a pending row for sending, for `claim.holder` until `claim.leaseMs` from `at`; false if it is no longer
   * pending (another replica claimed it first). Without a claim the row has no lease: any recovery takes it back.
   */
  markOutboxSending(id: number, at?: Date, claim?: OutboxClaim): Promise<boolean>;
  /**
   * Reserves the next post to `channel` across every replica: the moment it may go, at least `intervalMs` after the
   * previous reservation (Slack allows about one message a second per channel for an app).
   */
  reserveChannelSlot(channel: string, intervalMs: number, now?: Date): Promise<Date>;
  /** Records Slack's answer; for an alert post also the alert's channel and ts, in the same transaction. */
  markOutboxSent(id: number, result: SlackMessageRef, at?: Date): Promise<void>;
  /**
   * Gives a claimed row back, pending and due at once, before anything was sent for it (this replica is stopping);
   * `uncertain` is the row's flag from before the claim, which the claim cleared.
   */
  releaseOutboxClaim(id: number, uncertain: boolean): Promise<void>;
  markOutboxRetry(id: number, retry: OutboxRetry): Promise<void>;
  markOutboxFailed(id: number, error: string, at?: Date): Promise<void>;
  /** Moves a pending row's next attempt later without counting an attempt (its channel is paused). */
  deferOutbox(id: number, until: Date): Promise<void>;
  /**
   * Rows left "sending" by a replica that died or hung: those whose claim's lease ended by `now` (and, with
   * `previousRunsOf`, those claimed by earlier runs of that replica, i.e. holders `<name>/…`), back to pending and
   * flagged uncertain so the history check runs before they are posted again.
   */
  recoverInterruptedSends(options?: { now?: Date; previousRunsOf?: string }): Promise<OutboxMessage[]>;
  outboxCounts(): Promise<OutboxCounts>;

  // --- root audit sessions (sts:AssumeRoot by the bot) ---
  /** Keeps the AccessKeyId an audit session was issued (idempotent). */
  recordAuditSession(session: AuditSession): Promise<void>;
  /** The bot's audit session that was issued this access key id, if any. */
  findAuditSession(accessKeyId: string): Promise<AuditSession | null>;
  /** Forgets sessions that expired before `before`; returns how many. */
  pruneAuditSessions(before: string | Date): Promise<number>;

  // --- posture snapshots ---
  savePostureSnapshot(report: PostureReport, takenAt?: Date): Promise<number>;
  /** Saves the snapshot and, in the same transaction, queues a 'posture-alert' post with `alert` as its payload, to `channel` (null: ALERT_CHANNEL). */
  savePostureSnapshotWithAlert(report: PostureReport, alert: Record<string, unknown> | null, channel?: string | null): Promise<{ snapshotId: number; outboxId: number | null }>;
  /** Snapshots taken in the range, by account then time. */
  listPostureSnapshots(range: TimeRange & { accountId?: string }): Promise<PostureSnapshot[]>;
  /** The newest snapshot of each account taken before `before`. */
  latestPostureSnapshots(before?: string | Date): Promise<PostureSnapshot[]>;

  // --- weekly summary ledger ---
  /** Records the week's summary and enqueues its post (and thread parts) once: false if this week already has one. */
  recordWeeklySummary(entry: { weekKey: string; summary: unknown; threadParts?: unknown[]; channel?: string | null }): Promise<{ created: boolean; outboxId: number }>;
  getWeeklySummary(weekKey: string): Promise<WeeklySummaryEntry | null>;

}

export interface Store extends StoreOperations {
  /** A random id made when the store was created: outbox keys that name a row (`<storeId>:<outboxId>`) are unique across stores. */
  readonly storeId: string;
  /** When the store was created (ISO): a root event older than this may have been alerted by a store before it. */
  readonly createdAt: string;
  /**
   * Several operations in one transaction (reads that see one consistent state, or reads then writes): call only the
   * handle's operations inside `work`, never the store's own (on SQLite they would wait for this transaction to end).
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
