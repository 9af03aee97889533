// The store's operations, written once over a SqlExecutor: SQLite (sqlite-executor.ts) and PostgreSQL run the same
// SQL, the common subset of both (sql-executor.ts). The store reads, calls the pure decision of the room that owns
// it (alerts/ grouping, lifecycle, reminders and post updates; summary/ the ledger), and writes what it decided.
//
// A write that reads and then decides takes `tx.lock(<kind>)` first: PostgreSQL then serializes it across replicas
// (SQLite's BEGIN IMMEDIATE already does). A conditional state change stays one UPDATE ... WHERE state IN (...),
// atomic on both: of two presses, exactly one matches the row.
import { randomUUID } from 'node:crypto';
import type { RootEvent } from '../activity/model.js';
import type { IngestBatch, IngestedRootEvent, IngestResult, UnreadableRecord } from '../activity/ingest.js';
import type { CommitResult, PollBatch } from '../activity/poll-sink.js';
import type { CursorReading } from '../activity/coverage/model.js';
import { alertUpdateNeeded } from '../alerts/alert-update.js';
import { earlierEventRecord } from '../alerts/event-record.js';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from '../alerts/grouping.js';
import { candidateQueries, planIngestGrouping, type CandidateQuery, type IngestedAlertEvent, type PlannedAlert } from '../alerts/ingest-grouping.js';
import { planAlertTransition } from '../alerts/lifecycle.js';
import type { AlertAuditEntry, AlertRecord, OutboxKind, OutboxMessage, OutboxState, SlackMessageRef, StateChangeResult, StoredRootEvent } from '../alerts/model.js';
import { reminderMayBeCounted } from '../alerts/reminders.js';
import type { AuditSession } from '../aws/index.js';
import type { PostureReport } from '../posture/model.js';
import { redactRecordText } from '../secrets.js';
import { weeklySummaryOutbox } from '../summary/ledger.js';
import { allRows, runRows, type MultiRowStatement } from './sql-batch.js';
import type { SqlExecutor, SqlQueries, SqlRow, SqlValue } from './sql-executor.js';
import { alertFromRow, auditFromRow, eventFromRow, int, outboxFromRow, snapshotFromRow, text, textOrNull, toIso, unreadableFromRow } from './sql-rows.js';
import type {
  AcknowledgmentDuration,
  AlertTransition,
  EventKindCount,
  OutboxClaim,
  OutboxCounts,
  OutboxRetry,
  PostureSnapshot,
  Store,
  StoreOperations,
  StoredUnreadableRecord,
  TimeRange,
  WeeklySummaryEntry,
} from './store.js';

/** An unreadable message is kept for a person to look at, not replayed: its first 64 KB are enough. */
const UNREADABLE_BODY_MAX_CHARS = 64 * 1024;

export interface SqlStoreOptions {
  clock?: () => Date;
  grouping?: Partial<GroupingPolicy>;
  /**
   * Whether a new root event raises an alert. Default: every one but the bot's own audits (auditByThisBot). Events it declines are kept only as
   * seen ids for deduplication and are pruned after the overlap window.
   */
  shouldAlert?: (event: RootEvent) => boolean;
}

/** Who the store is: made at its first open and kept in store_meta. */
export interface StoreIdentity {
  storeId: string;
  createdAt: string;
}

/** New alerts jump the queue; replies, updates, reminders and summaries follow in the order they were enqueued. */
const OUTBOX_PRIORITY: Readonly<Record<OutboxKind, number>> = {
  'alert-post': 0,
  'alert-reply': 1,
  'alert-update': 1,
  reminder: 1,
  'event-record': 1,
  'summary-post': 1,
  'summary-reply': 1,
  // A check that newly fails is as urgent as a new root activity alert.
  'posture-alert': 0,
};

/** The store_meta statements every backend runs when it opens (sqlite.ts runs them synchronously). */
export const STORE_META_SQL = {
  read: `SELECT value FROM store_meta WHERE key = ?`,
  insert: `INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
  // A write on every open: a database opened read-only fails here, not at the first alert.
  opened: `INSERT INTO store_meta (key, value) VALUES ('opened_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
} as const;

/** Reads the store's identity (making it at the first open) and records the open, in one transaction. */
export async function openSqlStore(executor: SqlExecutor, options: SqlStoreOptions = {}): Promise<SqlStore> {
  return new SqlStore(executor, await readSqlStoreIdentity(executor, options.clock), options);
}

/** openSqlStore's first step, for a backend whose store class extends SqlStore. */
export async function readSqlStoreIdentity(executor: SqlExecutor, clock: () => Date = () => new Date()): Promise<StoreIdentity> {
  const now = toIso(clock(), 'now');
  return executor.transaction(async (tx) => {
    await tx.lock('store-meta');
    const meta = async (key: string, initial: string): Promise<string> => {
      await tx.run(STORE_META_SQL.insert, [key, initial]);
      return text((await tx.get(STORE_META_SQL.read, [key])) as SqlRow, 'value');
    };
    // A store made before created_at was kept counts from its first open by this build.
    const storeId = await meta('store_id', randomUUID());
    const createdAt = await meta('created_at', now);
    await tx.run(STORE_META_SQL.opened, [now]);
    return { storeId, createdAt };
  });
}

/**
 * The multi-row statements of the ingest (sql-batch.ts): one text per chunk size, the same on both backends.
 * ON CONFLICT (event_id) DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow a CHECK or NOT NULL failure
 * and count a bad event as a duplicate; this ignores only a repeated event id.
 */
const ROWS = {
  events: {
    head: `INSERT INTO root_events (event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, first_seen_at)`,
    row: `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    tail: `ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
  },
  unreadable: { head: `INSERT INTO unreadable_records (source, record_id, reason, body, received_at)`, row: `(?, ?, ?, ?, ?)`, tail: `ON CONFLICT (source, record_id) DO NOTHING` },
  alerts: {
    head: `INSERT INTO alerts (account_id, region, kind, severity, group_kind, group_key, first_event_id, first_event_time, last_event_time, event_count, created_at)`,
    row: `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    tail: `RETURNING id, first_event_id`,
  },
  outbox: {
    head: `INSERT INTO outbox (kind, priority, alert_id, week_key, parent_id, payload_json, channel, next_attempt_at, created_at)`,
    row: `(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    tail: `RETURNING id, alert_id`,
  },
  // UPDATE ... FROM (VALUES ...): SQLite 3.33+ and PostgreSQL both name the columns column1, column2, ...; the casts
  // type PostgreSQL's parameters, which a VALUES list would otherwise take as text.
  alertPosts: { head: `UPDATE alerts SET post_outbox_id = v.column2 FROM (`, row: `(CAST(? AS INTEGER), CAST(? AS INTEGER))`, tail: `) AS v WHERE alerts.id = v.column1` },
  attach: {
    head: `UPDATE alerts SET event_count = alerts.event_count + v.column2, first_event_time = v.column3, last_event_time = v.column4, severity = v.column5 FROM (`,
    row: `(CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?, ?)`,
    tail: `) AS v WHERE alerts.id = v.column1`,
  },
  eventAlerts: { head: `UPDATE root_events SET alert_id = v.column2 FROM (`, row: `(?, CAST(? AS INTEGER))`, tail: `) AS v WHERE root_events.event_id = v.column1` },
} as const satisfies Record<string, MultiRowStatement>;

function eventRow(polled: IngestedRootEvent, eventTime: string, now: string): SqlValue[] {
  const event = polled.event;
  return [
    event.eventId,
    event.accountId,
    event.region,
    event.kind,
    event.severity,
    event.mfaUsed === null ? null : event.mfaUsed ? 1 : 0,
    eventTime,
    event.sessionKey,
    JSON.stringify(event),
    // Redacted before it is kept: a record can carry a session token or a password (Show event displays it).
    redactRecordText(polled.rawRecord),
    now,
  ];
}

function alertRow(alert: PlannedAlert, now: string): SqlValue[] {
  return [alert.accountId, alert.region, alert.kind, alert.severity, alert.groupKind, alert.groupKey, alert.firstEventId, alert.firstEventTime, alert.lastEventTime, alert.eventCount, now];
}

function unreadableRow(record: UnreadableRecord, now: string): SqlValue[] {
  return [record.source, record.recordId, record.reason, keptUnreadableBody(record.body), now];
}

const OUTBOX_SELECT = `SELECT o.*, p.result_channel AS parent_channel, p.result_ts AS parent_ts FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id`;

const SQL = {
  readCursor: `SELECT cursor FROM poll_cursors WHERE account_id = ? AND region = ?`,
  listCursors: `SELECT account_id, region, cursor FROM poll_cursors ORDER BY account_id, region`,
  upsertCursor: `INSERT INTO poll_cursors (account_id, region, cursor, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (account_id, region) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
  listUnreadable: `SELECT * FROM unreadable_records ORDER BY id DESC LIMIT ?`,
  countUnreadable: `SELECT COUNT(*) AS count FROM unreadable_records`,
  getEvent: `SELECT * FROM root_events WHERE event_id = ?`,
  alertEvents: `SELECT * FROM root_events WHERE alert_id = ? ORDER BY event_time, event_id`,
  pruneSeen: `DELETE FROM root_events WHERE alert_id IS NULL AND event_time < ?`,
  alertPostOutboxId: `SELECT post_outbox_id FROM alerts WHERE id = ?`,
  getAlert: `SELECT * FROM alerts WHERE id = ?`,
  alertByMessage: `SELECT * FROM alerts WHERE post_channel = ? AND post_ts = ?`,
  insertAudit: `INSERT INTO alert_audit (alert_id, action, from_state, to_state, user_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  listAudit: `SELECT * FROM alert_audit WHERE alert_id = ? ORDER BY id`,
  acknowledgments: `SELECT a.*, au.at AS ack_at, au.user_id AS ack_by FROM alert_audit au JOIN alerts a ON a.id = au.alert_id
    WHERE au.to_state = 'acknowledged' AND au.at >= ? AND au.at < ? ORDER BY au.at, au.id`,
  awaitingResponse: `SELECT * FROM alerts WHERE state = 'open' AND post_ts IS NOT NULL ORDER BY posted_at, id`,
  countReminder: `UPDATE alerts SET reminders_sent = ?, last_reminder_at = ?
    WHERE id = ? AND reminders_sent = ? AND state = 'open' AND post_ts IS NOT NULL`,
  alertPostProgress: `SELECT (SELECT state FROM outbox WHERE id = ?) AS post_state, (SELECT uncertain FROM outbox WHERE id = ?) AS post_uncertain,
    (SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND kind = 'alert-update' AND state = 'pending') AS pending_updates`,
  getOutbox: `${OUTBOX_SELECT} WHERE o.id = ?`,
  // New alerts in the order their first events happened (Regions' batches interleave, most of all after an
  // outage), then everything else in the order it was queued. NULLS FIRST: SQLite's order, said for PostgreSQL.
  dueOutbox: `${OUTBOX_SELECT} LEFT JOIN alerts a ON a.id = o.alert_id AND o.kind = 'alert-post'
    WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND (o.parent_id IS NULL OR p.state = 'sent')
    ORDER BY o.priority, a.first_event_time NULLS FIRST, o.id LIMIT ?`,
  nextDue: `SELECT MIN(o.next_attempt_at) AS next_due FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id
    WHERE o.state = 'pending' AND (o.parent_id IS NULL OR p.state = 'sent')`,
  // A claim: the row is this replica's until its lease ends (a replica that dies leaves it to the others after that).
  markSending: `UPDATE outbox SET state = 'sending', sending_since = ?, uncertain = 0, claimed_by = ?, lease_until = ? WHERE id = ? AND state = 'pending'`,
  // PostgreSQL: a row another replica is claiming this instant is skipped at once rather than waited for.
  markSendingSkipLocked: `UPDATE outbox SET state = 'sending', sending_since = ?, uncertain = 0, claimed_by = ?, lease_until = ?
    WHERE id = (SELECT id FROM outbox WHERE id = ? AND state = 'pending' FOR UPDATE SKIP LOCKED)`,
  markSent: `UPDATE outbox SET state = 'sent', result_channel = ?, result_ts = ?, sent_at = ?, sending_since = NULL, last_error = NULL, uncertain = 0,
      claimed_by = NULL, lease_until = NULL
    WHERE id = ? AND state IN ('pending', 'sending')`,
  recordAlertPost: `UPDATE alerts SET post_channel = ?, post_ts = ?, posted_at = ? WHERE post_outbox_id = ?`,
  // An uncertain send stays uncertain until it is sent: a later clean failure does not clear it.
  markRetry: `UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, sending_since = NULL,
      claimed_by = NULL, lease_until = NULL, uncertain = CASE WHEN uncertain = 1 THEN 1 ELSE ? END
    WHERE id = ? AND state IN ('pending', 'sending')`,
  markFailed: `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, sending_since = NULL, claimed_by = NULL, lease_until = NULL
    WHERE id = ? AND state IN ('pending', 'sending')`,
  // Only ever later: a row already due after `until` keeps its time.
  deferOutbox: `UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND next_attempt_at < ?`,
  // A claim whose lease ended (or made before claims had one): its replica died or hung mid-send. Flagged uncertain, so
  // the history check runs before it is posted again.
  recoverSending: `UPDATE outbox SET state = 'pending', uncertain = 1, claimed_by = NULL, lease_until = NULL
    WHERE state = 'sending' AND (lease_until IS NULL OR lease_until <= ?) RETURNING id`,
  // …and at a replica's start, also the claims of its previous run (same replica name, an earlier process).
  recoverSendingOfReplica: `UPDATE outbox SET state = 'pending', uncertain = 1, claimed_by = NULL, lease_until = NULL
    WHERE state = 'sending' AND (lease_until IS NULL OR lease_until <= ? OR substr(claimed_by, 1, ?) = ?) RETURNING id`,
  // One statement reserves a channel's next post slot: max(the channel's next slot, now), and moves the slot on.
  reservePacing: `INSERT INTO slack_channel_pacing (channel, next_post_at_ms) VALUES (?, ?)
    ON CONFLICT (channel) DO UPDATE SET next_post_at_ms = CASE WHEN slack_channel_pacing.next_post_at_ms > ? THEN slack_channel_pacing.next_post_at_ms ELSE ? END + ?
    RETURNING next_post_at_ms`,
  countOutbox: `SELECT state, COUNT(*) AS count FROM outbox GROUP BY state`,
  waitingForParent: `SELECT SUM(CASE WHEN o.parent_id IS NOT NULL AND p.state != 'sent' THEN 1 ELSE 0 END) AS count, MIN(o.created_at) AS oldest
    FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id WHERE o.state = 'pending'`,
  insertAuditSession: `INSERT INTO audit_sessions (access_key_id, account_id, issued_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (access_key_id) DO NOTHING`,
  findAuditSession: `SELECT * FROM audit_sessions WHERE access_key_id = ?`,
  pruneAuditSessions: `DELETE FROM audit_sessions WHERE expires_at < ?`,
  insertSnapshot: `INSERT INTO posture_snapshots (account_id, taken_at, passed, total, report_json) VALUES (?, ?, ?, ?, ?) RETURNING id`,
  latestSnapshots: `SELECT s.* FROM posture_snapshots s
    WHERE s.id = (SELECT s2.id FROM posture_snapshots s2 WHERE s2.account_id = s.account_id AND s2.taken_at < ? ORDER BY s2.taken_at DESC, s2.id DESC LIMIT 1)
    ORDER BY s.account_id`,
  getWeekly: `SELECT outbox_id FROM weekly_summaries WHERE week_key = ?`,
  getWeeklyWithPost: `SELECT w.*, o.result_channel, o.result_ts FROM weekly_summaries w JOIN outbox o ON o.id = w.outbox_id WHERE w.week_key = ?`,
  insertWeekly: `INSERT INTO weekly_summaries (week_key, created_at, summary_json, thread_parts_json, outbox_id) VALUES (?, ?, ?, ?, ?)`,
} as const;

/** One placeholder per value, for `IN (...)`. */
function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** `column = ?` with its value, or `column IS NULL` (PostgreSQL cannot type a bare `? IS NULL`). */
function equalsOrNull(column: string, value: string | null): { sql: string; params: SqlValue[] } {
  return value === null ? { sql: `${column} IS NULL`, params: [] } : { sql: `${column} = ?`, params: [value] };
}

/** An optional `AND account_id = ?`. */
function accountFilter(accountId: string | undefined, column = 'account_id'): { sql: string; params: SqlValue[] } {
  return accountId ? { sql: `AND ${column} = ?`, params: [accountId] } : { sql: '', params: [] };
}

function rangeParams(range: TimeRange): [string, string] {
  return [toIso(range.from, 'range.from'), toIso(range.to, 'range.to')];
}

/** Redacted (JSON by its fields, anything else as text) before it is cut, so a cut cannot leave half a secret unmatched. */
function keptUnreadableBody(body: string): string {
  const redacted = redactRecordText(body);
  return redacted.length > UNREADABLE_BODY_MAX_CHARS ? `${redacted.slice(0, UNREADABLE_BODY_MAX_CHARS)}…` : redacted;
}

/** A record with an unreadable eventTime must not block its batch (and so the cursor): it is filed under now. */
function normalizedEventTime(eventTime: string, now: string): string {
  const parsed = Date.parse(eventTime);
  return Number.isNaN(parsed) ? now : new Date(parsed).toISOString();
}

interface StoreSettings {
  dialect: SqlExecutor['dialect'];
  clock: () => Date;
  grouping: GroupingPolicy;
  shouldAlert: (event: RootEvent) => boolean;
}

interface OutboxInsert {
  kind: OutboxKind;
  alertId: number | null;
  parentId: number | null;
  payload: Record<string, unknown>;
  channel: string | null;
  now: string;
  weekKey?: string | null;
}

/**
 * The operations on one connection scope: the executor itself (each operation its own transaction) or one open
 * transaction (every operation part of it).
 */
class SqlOperations implements StoreOperations {
  constructor(
    protected readonly settings: StoreSettings,
    /** Where statements go: the executor, or the open transaction. */
    private readonly q: SqlQueries,
    /** The executor when not inside a transaction (then a write opens its own), else null. */
    private readonly outsideTransaction: SqlExecutor | null,
  ) {}

  protected now(at?: Date): string {
    return toIso(at ?? this.settings.clock(), 'now');
  }

  /**
   * Runs `work` in a transaction: this one's if it is open, else a new one. `lockKey` serializes writers that read
   * before they decide across replicas (PostgreSQL); null for transactions whose statements are safe in any order.
   */
  private atomically<T>(lockKey: string | null, work: (ops: SqlOperations) => Promise<T>): Promise<T> {
    if (this.outsideTransaction === null) return lockKey === null ? work(this) : this.q.lock(lockKey).then(() => work(this));
    return this.outsideTransaction.transaction(async (tx) => {
      if (lockKey !== null) await tx.lock(lockKey);
      return work(new SqlOperations(this.settings, tx, null));
    });
  }

  /** Operations bound to a new transaction of the executor. */
  protected inTransaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    return this.atomically(null, work);
  }

  // --- PollSink ---

  async readCursor(accountId: string, region: string): Promise<string | null> {
    const row = await this.q.get(SQL.readCursor, [accountId, region]);
    return row ? text(row, 'cursor') : null;
  }

  commitBatch(batch: PollBatch): Promise<CommitResult> {
    return this.atomically('ingest', async (ops) => {
      const result = await ops.ingestInTransaction(batch);
      await ops.q.run(SQL.upsertCursor, [batch.accountId, batch.region, batch.cursor, ops.now()]);
      return result;
    });
  }

  // --- IngestSink (every source) ---

  ingestEvents(batch: IngestBatch): Promise<IngestResult> {
    return this.atomically('ingest', (ops) => ops.ingestInTransaction(batch));
  }

  async listUnreadableRecords(options: { limit?: number } = {}): Promise<StoredUnreadableRecord[]> {
    return (await this.q.all(SQL.listUnreadable, [options.limit ?? 100])).map(unreadableFromRow);
  }

  async listPollCursors(): Promise<CursorReading[]> {
    return (await this.q.all(SQL.listCursors)).map((row) => ({ accountId: text(row, 'account_id'), region: text(row, 'region'), cursor: text(row, 'cursor') }));
  }

  async countUnreadableRecords(): Promise<number> {
    return int((await this.q.get(SQL.countUnreadable)) as SqlRow, 'count');
  }

  /**
   * The shared ingest in a few statements a batch, whatever its size: the new events in one multi-row insert (the
   * conflict on event_id tells the duplicates), the alerts they may join read once per group, the grouping planned
   * in memory (alerts/ingest-grouping.ts), then the new alerts, their posts and every event's alert written a
   * multi-row statement each.
   */
  private async ingestInTransaction(batch: IngestBatch): Promise<IngestResult> {
    const now = this.now();
    const unreadable = batch.unreadable ?? [];
    if (unreadable.length > 0) await runRows(this.q, ROWS.unreadable, unreadable.map((record) => unreadableRow(record, now)));
    // Oldest first, so an alert's first event is its earliest and grouping sees events in order
    // (LookupEvents answers newest first).
    const events = batch.events
      .map((polled) => ({ polled, eventTime: normalizedEventTime(polled.event.eventTime, now) }))
      .sort((left, right) => (left.eventTime === right.eventTime ? left.polled.event.eventId.localeCompare(right.polled.event.eventId) : left.eventTime < right.eventTime ? -1 : 1));
    if (events.length === 0) return { inserted: 0, duplicates: 0 };

    const insertedIds = new Set((await allRows(this.q, ROWS.events, events.map(({ polled, eventTime }) => eventRow(polled, eventTime, now)))).map((row) => text(row, 'event_id')));
    // Inside one batch the first of two equal ids is the one stored (the insert takes its rows in order).
    const fresh = events.filter(({ polled }) => insertedIds.delete(polled.event.eventId));
    const alerting: IngestedAlertEvent[] = fresh
      .filter(({ polled }) => this.settings.shouldAlert(polled.event))
      .map(({ polled, eventTime }) => ({ event: polled.event, eventTime, alertChannel: polled.alertChannel ?? null }));
    const duplicates = events.length - fresh.length;
    if (alerting.length === 0) return { inserted: fresh.length, duplicates };

    const stored = await this.storedGroupCandidates(candidateQueries(alerting));
    const plan = planIngestGrouping(alerting, stored, this.settings.grouping);

    const createdRows = await allRows(this.q, ROWS.alerts, plan.created.map((alert) => alertRow(alert, now)));
    const alertIdOf = new Map(createdRows.map((row) => [text(row, 'first_event_id'), int(row, 'id')]));
    const created = plan.created.map((alert) => ({ alert, id: alertIdOf.get(alert.firstEventId) as number }));
    // The channel ALERT_ROUTES chose for the event's account, fixed now: a route changed later does not move it.
    const posts = await this.insertOutboxRows(created.map(({ alert, id }) => ({ kind: 'alert-post', alertId: id, parentId: null, payload: {}, channel: alert.channel, now })));
    const postIdOf = new Map(posts.map((post) => [post.alertId as number, post.id]));
    await runRows(this.q, ROWS.alertPosts, created.map(({ id }) => [id, postIdOf.get(id) as number]));
    await runRows(this.q, ROWS.attach, plan.attached.map((attach) => [attach.alertId, attach.eventIds.length, attach.firstEventTime, attach.lastEventTime, attach.severity]));
    await runRows(this.q, ROWS.eventAlerts, [
      ...created.flatMap(({ alert, id }) => alert.eventIds.map((eventId) => [eventId, id])),
      ...plan.attached.flatMap((attach) => attach.eventIds.map((eventId) => [eventId, attach.alertId])),
    ]);

    for (const reply of plan.joinReplies) {
      const alertId = reply.alert.created ? (alertIdOf.get(reply.alert.firstEventId) as number) : reply.alert.alertId;
      const postId = postIdOf.get(alertId) ?? (await this.alertPostOutboxId(alertId));
      // One thread reply lists the calls that joined in this commit, not one reply per call.
      await this.insertOutbox({ kind: 'alert-reply', alertId, parentId: postId, payload: { eventIds: reply.joinedEventIds }, channel: null, now });
      // An alert posted earlier shows its event count and severity: refresh it.
      if (!reply.alert.created) await this.enqueueAlertUpdate(alertId, postId, now);
    }

    return { inserted: fresh.length, duplicates };
  }

  /** The unresolved stored alerts each group may join, over a generous span of its events' times (chooseAlertGroup applies the exact windows). */
  private async storedGroupCandidates(queries: readonly CandidateQuery[]): Promise<AlertRecord[]> {
    const spanMs = Math.max(this.settings.grouping.sessionWindowMinutes, this.settings.grouping.failedLoginWindowMinutes) * 60_000;
    const candidates: AlertRecord[] = [];
    for (const query of queries) {
      // A centralized root session's key is unique across the organization: its alert may be in another account.
      const account = query.accountId === null ? { sql: '', params: [] } : { sql: 'account_id = ? AND', params: [query.accountId] };
      const key = equalsOrNull('group_key', query.groupKey);
      const rows = await this.q.all(
        `SELECT * FROM alerts
         WHERE ${account.sql} group_kind = ? AND ${key.sql} AND state != 'acknowledged' AND last_event_time >= ? AND first_event_time <= ?
         ORDER BY id`,
        [...account.params, query.groupKind, ...key.params, new Date(Date.parse(query.earliestEventTime) - spanMs).toISOString(), new Date(Date.parse(query.latestEventTime) + spanMs).toISOString()],
      );
      candidates.push(...rows.map(alertFromRow));
    }
    return candidates;
  }

  private async alertPostOutboxId(alertId: number): Promise<number> {
    const row = await this.q.get(SQL.alertPostOutboxId, [alertId]);
    if (!row || row.post_outbox_id === null) throw new Error(`alert ${alertId} has no post in the outbox`);
    return Number(row.post_outbox_id);
  }

  private async insertOutbox(message: OutboxInsert): Promise<number> {
    return ((await this.insertOutboxRows([message]))[0] as { id: number }).id;
  }

  /** The new rows' ids with the alert each belongs to. */
  private async insertOutboxRows(messages: readonly OutboxInsert[]): Promise<Array<{ id: number; alertId: number | null }>> {
    const rows = messages.map((message) => [
      message.kind,
      OUTBOX_PRIORITY[message.kind],
      message.alertId,
      message.weekKey ?? null,
      message.parentId,
      JSON.stringify(message.payload),
      message.channel,
      message.now,
      message.now,
    ]);
    return (await allRows(this.q, ROWS.outbox, rows)).map((row) => ({ id: int(row, 'id'), alertId: row.alert_id === null ? null : int(row, 'alert_id') }));
  }

  /** A chat.update of the alert's post, if alerts/alert-update.ts says one is needed. */
  private async enqueueAlertUpdate(alertId: number, postId: number, now: string): Promise<void> {
    const row = (await this.q.get(SQL.alertPostProgress, [postId, postId, alertId])) as SqlRow;
    const postState = textOrNull(row, 'post_state') as OutboxState | null;
    const progress = { post: postState === null ? null : { state: postState, uncertain: int(row, 'post_uncertain') === 1 }, updatePending: int(row, 'pending_updates') > 0 };
    if (!alertUpdateNeeded(progress)) return;
    await this.insertOutbox({ kind: 'alert-update', alertId, parentId: postId, payload: {}, channel: null, now });
  }

  // --- root events ---

  async getEvent(eventId: string): Promise<StoredRootEvent | null> {
    const row = await this.q.get(SQL.getEvent, [eventId]);
    return row ? eventFromRow(row) : null;
  }

  async listAlertEvents(alertId: number): Promise<StoredRootEvent[]> {
    return (await this.q.all(SQL.alertEvents, [alertId])).map(eventFromRow);
  }

  async listEvents(range: TimeRange & { accountId?: string }): Promise<StoredRootEvent[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM root_events WHERE event_time >= ? AND event_time < ? ${account.sql} ORDER BY event_time, event_id`, [...rangeParams(range), ...account.params]);
    return rows.map(eventFromRow);
  }

  async countEventsByKind(range: TimeRange & { accountId?: string }): Promise<EventKindCount[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(
      `SELECT account_id, kind, mfa_used, COUNT(*) AS count FROM root_events
       WHERE event_time >= ? AND event_time < ? ${account.sql}
       GROUP BY account_id, kind, mfa_used ORDER BY account_id, kind, mfa_used NULLS FIRST`,
      [...rangeParams(range), ...account.params],
    );
    return rows.map((row) => ({
      accountId: text(row, 'account_id'),
      kind: text(row, 'kind') as EventKindCount['kind'],
      mfaUsed: row.mfa_used === null ? null : Number(row.mfa_used) === 1,
      count: int(row, 'count'),
    }));
  }

  async pruneSeenEvents(before: string | Date): Promise<number> {
    return (await this.q.run(SQL.pruneSeen, [toIso(before, 'before')])).changes;
  }

  // --- alerts ---

  async getAlert(alertId: number): Promise<AlertRecord | null> {
    const row = await this.q.get(SQL.getAlert, [alertId]);
    return row ? alertFromRow(row) : null;
  }

  async findAlertByMessage(channel: string, ts: string): Promise<AlertRecord | null> {
    const row = await this.q.get(SQL.alertByMessage, [channel, ts]);
    return row ? alertFromRow(row) : null;
  }

  async listOpenAlerts(options: { accountId?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    const account = accountFilter(options.accountId);
    const limit = options.limit === undefined ? { sql: '', params: [] } : { sql: 'LIMIT ?', params: [options.limit] };
    const rows = await this.q.all(`SELECT * FROM alerts WHERE state != 'acknowledged' ${account.sql} ORDER BY created_at, id ${limit.sql}`, [...account.params, ...limit.params]);
    return rows.map(alertFromRow);
  }

  async listAlerts(range: TimeRange & { accountId?: string }): Promise<AlertRecord[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM alerts WHERE first_event_time >= ? AND first_event_time < ? ${account.sql} ORDER BY first_event_time, id`, [...rangeParams(range), ...account.params]);
    return rows.map(alertFromRow);
  }

  transitionAlert(transition: AlertTransition): Promise<StateChangeResult> {
    return this.atomically(`alert:${transition.alertId}`, async (ops): Promise<StateChangeResult> => {
      const before = await ops.getAlert(transition.alertId);
      if (!before) return { changed: false, current: null };
      const at = ops.now(transition.at);
      const plan = planAlertTransition(before.state, transition, at);
      if (!plan.allowed) return { changed: false, current: before };
      const history = transition.threadReply ? await ops.listAudit(transition.alertId) : [];
      // The condition on the current state makes the change and its refusal one atomic step on every backend.
      const update = await ops.q.run(
        `UPDATE alerts SET state = ?, state_by = ?, state_at = ?, state_reason = ? WHERE id = ? AND state IN (${placeholders(transition.allowedFrom.length)})`,
        [transition.toState, transition.userId, at, transition.reason, transition.alertId, ...transition.allowedFrom],
      );
      if (update.changes === 0) return { changed: false, current: before };
      const { audit } = plan;
      const auditRow = (await ops.q.get(SQL.insertAudit, [transition.alertId, audit.action, audit.fromState, audit.toState, audit.userId, audit.reason, audit.at])) as SqlRow;
      const postId = await ops.alertPostOutboxId(transition.alertId);
      await ops.enqueueAlertUpdate(transition.alertId, postId, at);
      const reply = transition.threadReply?.(history, new Date(at)) ?? null;
      if (reply) await ops.insertOutbox({ kind: 'alert-reply', alertId: transition.alertId, parentId: postId, payload: reply, channel: null, now: at });
      const alert = (await ops.getAlert(transition.alertId)) as AlertRecord;
      return { changed: true, alert, audit: { id: int(auditRow, 'id'), alertId: transition.alertId, ...audit } };
    });
  }

  async listAudit(alertId: number): Promise<AlertAuditEntry[]> {
    return (await this.q.all(SQL.listAudit, [alertId])).map(auditFromRow);
  }

  async acknowledgmentDurations(range: TimeRange): Promise<AcknowledgmentDuration[]> {
    const rows = await this.q.all(SQL.acknowledgments, rangeParams(range));
    return rows.map((row) => {
      const alert = alertFromRow(row);
      const acknowledgedAt = text(row, 'ack_at');
      const startedAt = alert.postedAt ?? alert.createdAt;
      return {
        alertId: alert.id,
        accountId: alert.accountId,
        severity: alert.severity,
        firstEventTime: alert.firstEventTime,
        createdAt: alert.createdAt,
        postedAt: alert.postedAt,
        acknowledgedAt,
        acknowledgedBy: text(row, 'ack_by'),
        secondsToAcknowledge: Math.max(0, (Date.parse(acknowledgedAt) - Date.parse(startedAt)) / 1000),
      };
    });
  }

  async listAlertsAwaitingResponse(): Promise<AlertRecord[]> {
    return (await this.q.all(SQL.awaitingResponse)).map(alertFromRow);
  }

  enqueueReminder(alertId: number, reminderNumber: number, payload: Record<string, unknown>, at?: Date): Promise<boolean> {
    return this.atomically(`alert:${alertId}`, async (ops) => {
      const alert = await ops.getAlert(alertId);
      if (alert === null || !reminderMayBeCounted(alert, reminderNumber)) return false;
      const now = ops.now(at);
      const counted = await ops.q.run(SQL.countReminder, [reminderNumber, now, alertId, reminderNumber - 1]);
      if (counted.changes === 0) return false;
      await ops.insertOutbox({ kind: 'reminder', alertId, parentId: await ops.alertPostOutboxId(alertId), payload, channel: null, now });
      return true;
    });
  }

  requestEventRecord(alertId: number, request: { eventId: string; requestedBy: string }): Promise<{ queued: true; outboxId: number } | { queued: false; earlier: OutboxMessage } | null> {
    return this.atomically(`alert:${alertId}`, async (ops) => {
      const earlier = earlierEventRecord(await ops.listOutbox({ alertId }), request.eventId);
      if (earlier) return { queued: false, earlier };
      const outboxId = await ops.enqueueAlertThreadMessage(alertId, 'event-record', { eventId: request.eventId, requestedBy: request.requestedBy });
      return outboxId === null ? null : { queued: true, outboxId };
    });
  }

  enqueueAlertThreadMessage(alertId: number, kind: 'event-record' | 'alert-reply', payload: Record<string, unknown>): Promise<number | null> {
    return this.atomically(null, async (ops) => {
      if (!(await ops.q.get(SQL.alertPostOutboxId, [alertId]))) return null;
      return ops.insertOutbox({ kind, alertId, parentId: await ops.alertPostOutboxId(alertId), payload, channel: null, now: ops.now() });
    });
  }

  // --- outbox ---

  async getOutboxMessage(id: number): Promise<OutboxMessage | null> {
    const row = await this.q.get(SQL.getOutbox, [id]);
    return row ? outboxFromRow(row) : null;
  }

  async listOutbox(options: { state?: OutboxMessage['state']; alertId?: number } = {}): Promise<OutboxMessage[]> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (options.state) {
      conditions.push('o.state = ?');
      params.push(options.state);
    }
    if (options.alertId !== undefined) {
      conditions.push('o.alert_id = ?');
      params.push(options.alertId);
    }
    const rows = await this.q.all(`${OUTBOX_SELECT} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY o.id`, params);
    return rows.map(outboxFromRow);
  }

  async dueOutbox(now: Date, limit: number): Promise<OutboxMessage[]> {
    return (await this.q.all(SQL.dueOutbox, [toIso(now, 'now'), limit])).map(outboxFromRow);
  }

  async nextOutboxDueAt(): Promise<string | null> {
    const row = await this.q.get(SQL.nextDue);
    return row ? textOrNull(row, 'next_due') : null;
  }

  async markOutboxSending(id: number, at?: Date, claim?: OutboxClaim): Promise<boolean> {
    const now = at ?? this.settings.clock();
    const leaseUntil = claim ? toIso(new Date(now.getTime() + claim.leaseMs), 'lease end') : null;
    const sql = this.settings.dialect === 'postgres' ? SQL.markSendingSkipLocked : SQL.markSending;
    return (await this.q.run(sql, [this.now(now), claim?.holder ?? null, leaseUntil, id])).changes === 1;
  }

  async reserveChannelSlot(channel: string, intervalMs: number, now?: Date): Promise<Date> {
    const nowMs = (now ?? this.settings.clock()).getTime();
    const row = await this.q.get(SQL.reservePacing, [channel, nowMs + intervalMs, nowMs, nowMs, intervalMs]);
    return new Date(int(row as SqlRow, 'next_post_at_ms') - intervalMs);
  }

  markOutboxSent(id: number, result: SlackMessageRef, at?: Date): Promise<void> {
    return this.atomically(null, async (ops) => {
      const now = ops.now(at);
      const marked = await ops.q.run(SQL.markSent, [result.channel, result.ts, now, id]);
      if (marked.changes === 0) return;
      // The alert learns where its post lives in the same step: replies and updates can follow it.
      await ops.q.run(SQL.recordAlertPost, [result.channel, result.ts, now, id]);
    });
  }

  async markOutboxRetry(id: number, retry: OutboxRetry): Promise<void> {
    await this.q.run(SQL.markRetry, [retry.error, toIso(retry.nextAttemptAt, 'nextAttemptAt'), retry.uncertain ? 1 : 0, id]);
  }

  async markOutboxFailed(id: number, error: string, _at?: Date): Promise<void> {
    await this.q.run(SQL.markFailed, [error, id]);
  }

  async deferOutbox(id: number, until: Date): Promise<void> {
    const untilIso = toIso(until, 'until');
    await this.q.run(SQL.deferOutbox, [untilIso, id, untilIso]);
  }

  recoverInterruptedSends(options: { now?: Date; previousRunsOf?: string } = {}): Promise<OutboxMessage[]> {
    return this.atomically('outbox', async (ops) => {
      const now = ops.now(options.now);
      const prefix = options.previousRunsOf ? `${options.previousRunsOf}/` : null;
      const rows = prefix === null ? await ops.q.all(SQL.recoverSending, [now]) : await ops.q.all(SQL.recoverSendingOfReplica, [now, prefix.length, prefix]);
      const ids = rows.map((row) => int(row, 'id'));
      const recovered: OutboxMessage[] = [];
      for (const id of ids) recovered.push((await ops.getOutboxMessage(id)) as OutboxMessage);
      return recovered;
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    return this.atomically(null, async (ops) => {
      const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0, waitingForParent: 0, oldestPendingCreatedAt: null };
      for (const row of await ops.q.all(SQL.countOutbox)) counts[text(row, 'state') as OutboxMessage['state']] = int(row, 'count');
      const waiting = (await ops.q.get(SQL.waitingForParent)) as SqlRow;
      counts.waitingForParent = int(waiting, 'count');
      counts.oldestPendingCreatedAt = textOrNull(waiting, 'oldest');
      return counts;
    });
  }

  // --- root audit sessions ---

  async recordAuditSession(session: AuditSession): Promise<void> {
    await this.q.run(SQL.insertAuditSession, [session.accessKeyId, session.accountId, toIso(session.issuedAt, 'issuedAt'), toIso(session.expiresAt, 'expiresAt')]);
  }

  async findAuditSession(accessKeyId: string): Promise<AuditSession | null> {
    const row = await this.q.get(SQL.findAuditSession, [accessKeyId]);
    if (!row) return null;
    return { accessKeyId: String(row.access_key_id), accountId: String(row.account_id), issuedAt: String(row.issued_at), expiresAt: String(row.expires_at) };
  }

  async pruneAuditSessions(before: string | Date): Promise<number> {
    return (await this.q.run(SQL.pruneAuditSessions, [toIso(before, 'before')])).changes;
  }

  // --- posture snapshots ---

  savePostureSnapshotWithAlert(report: PostureReport, alert: Record<string, unknown> | null, channel: string | null = null): Promise<{ snapshotId: number; outboxId: number | null }> {
    return this.atomically(null, async (ops) => {
      const snapshotId = await ops.savePostureSnapshot(report);
      const outboxId = alert ? await ops.insertOutbox({ kind: 'posture-alert', alertId: null, parentId: null, payload: alert, channel, now: ops.now() }) : null;
      return { snapshotId, outboxId };
    });
  }

  async savePostureSnapshot(report: PostureReport, takenAt?: Date): Promise<number> {
    const row = (await this.q.get(SQL.insertSnapshot, [
      report.account.id,
      takenAt ? toIso(takenAt, 'takenAt') : toIso(report.generatedAt, 'report.generatedAt'),
      report.score.passed,
      report.score.total,
      JSON.stringify(report),
    ])) as SqlRow;
    return int(row, 'id');
  }

  async listPostureSnapshots(range: TimeRange & { accountId?: string }): Promise<PostureSnapshot[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM posture_snapshots WHERE taken_at >= ? AND taken_at < ? ${account.sql} ORDER BY account_id, taken_at, id`, [...rangeParams(range), ...account.params]);
    return rows.map(snapshotFromRow);
  }

  async latestPostureSnapshots(before?: string | Date): Promise<PostureSnapshot[]> {
    const cutoff = before === undefined ? '9999-12-31T23:59:59.999Z' : toIso(before, 'before');
    return (await this.q.all(SQL.latestSnapshots, [cutoff])).map(snapshotFromRow);
  }

  // --- weekly summary ledger ---

  recordWeeklySummary(entry: { weekKey: string; summary: unknown; threadParts?: unknown[]; channel?: string | null }): Promise<{ created: boolean; outboxId: number }> {
    return this.atomically('weekly-summary', async (ops) => {
      const existing = await ops.q.get(SQL.getWeekly, [entry.weekKey]);
      if (existing) return { created: false, outboxId: int(existing, 'outbox_id') };
      const now = ops.now();
      const planned = weeklySummaryOutbox(entry);
      const postId = await ops.insertOutbox({ kind: 'summary-post', alertId: null, parentId: null, payload: planned.post.payload, channel: planned.post.channel, now, weekKey: entry.weekKey });
      await ops.q.run(SQL.insertWeekly, [entry.weekKey, now, JSON.stringify(entry.summary ?? null), JSON.stringify(planned.threadParts), postId]);
      for (const reply of planned.replies) {
        await ops.insertOutbox({ kind: 'summary-reply', alertId: null, parentId: postId, payload: reply.payload, channel: null, now, weekKey: entry.weekKey });
      }
      return { created: true, outboxId: postId };
    });
  }

  async getWeeklySummary(weekKey: string): Promise<WeeklySummaryEntry | null> {
    const row = await this.q.get(SQL.getWeeklyWithPost, [weekKey]);
    if (!row) return null;
    const channel = textOrNull(row, 'result_channel');
    const ts = textOrNull(row, 'result_ts');
    return {
      weekKey: text(row, 'week_key'),
      createdAt: text(row, 'created_at'),
      summary: JSON.parse(text(row, 'summary_json')) as unknown,
      threadParts: JSON.parse(text(row, 'thread_parts_json')) as unknown[],
      outboxId: int(row, 'outbox_id'),
      post: channel !== null && ts !== null ? { channel, ts } : null,
    };
  }
}

/** The store over any SqlExecutor: every operation its own transaction, or several in one with transaction(). */
export class SqlStore extends SqlOperations implements Store {
  readonly storeId: string;
  readonly createdAt: string;

  constructor(
    readonly executor: SqlExecutor,
    identity: StoreIdentity,
    options: SqlStoreOptions = {},
  ) {
    super(
      {
        dialect: executor.dialect,
        clock: options.clock ?? (() => new Date()),
        grouping: { ...DEFAULT_GROUPING_POLICY, ...options.grouping },
        // The bot's own AssumeRoot audits are recorded (seen, deduplicated, in the summary's counts) but never alerted.
        shouldAlert: options.shouldAlert ?? ((event) => !event.auditByThisBot),
      },
      executor,
      executor,
    );
    this.storeId = identity.storeId;
    this.createdAt = identity.createdAt;
  }

  transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    return this.inTransaction(work);
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
