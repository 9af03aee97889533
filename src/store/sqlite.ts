// The embedded store: one SQLite file in DATA_DIR, opened with better-sqlite3.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL is safe against a process crash but
// may lose the last commits on power loss or an OS crash; an acknowledgment or a "sent" mark lost that
// way would re-post an alert or forget who acknowledged it. FULL syncs the WAL on every commit, and the
// bot commits a handful of times a minute, so the cost is negligible.
// Concurrency: every write runs in a BEGIN IMMEDIATE transaction (takes the write lock up front, so two
// handles never interleave a read-then-write), with a busy timeout for the other handle to wait.
// One process should run the outbox sender for a file (see recoverInterruptedSends).
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor, { type Database, type Statement } from 'better-sqlite3';
import type { RootEvent } from '../activity/model.js';
import type { IngestBatch, IngestResult, UnreadableRecord } from '../activity/ingest.js';
import type { CommitResult, PollBatch } from '../activity/poll-sink.js';
import type { CursorReading } from '../activity/coverage/model.js';
import { chooseAlertGroup, DEFAULT_GROUPING_POLICY, higherSeverity, isCrossAccountGroup, newGroupFor, type GroupingPolicy } from '../alerts/grouping.js';
import type { AlertAuditEntry, AlertRecord, AlertState, OutboxKind, OutboxMessage, SlackMessageRef, StateChangeResult, StoredRootEvent } from '../alerts/model.js';
import type { PostureReport } from '../posture/model.js';
import type { AuditSession } from '../aws/index.js';
import { redactRecordText } from '../secrets.js';
import { migrate } from './migrations.js';
import { fileIdentity, fileIdentityProblem, type FileIdentity } from './file-identity.js';
import { assertDirectoryWritable, assertFileWritable, StoreNotWritableError } from './writable.js';
import { SqliteRunLeases, type RunLeases } from './run-leases.js';
import { SqliteSeenSignatures } from './seen-signatures.js';
import type { SeenSignatures } from '../slack/replay-guard.js';
import type { AcknowledgmentDuration, AlertTransition, EventKindCount, OutboxCounts, OutboxRetry, PostureSnapshot, Store, StoredUnreadableRecord, TimeRange, WeeklySummaryEntry } from './store.js';

export const STORE_FILE_NAME = 'aws-root-guard.sqlite';
/** An unreadable message is kept for a person to look at, not replayed: its first 64 KB are enough. */
const UNREADABLE_BODY_MAX_CHARS = 64 * 1024;

export interface SqliteStoreOptions {
  clock?: () => Date;
  grouping?: Partial<GroupingPolicy>;
  /**
   * Whether a new root event raises an alert. Default: every one but the bot's own audits (auditByThisBot). Events it declines are kept only as
   * seen ids for deduplication and are pruned after the overlap window.
   */
  shouldAlert?: (event: RootEvent) => boolean;
  /** How long a write waits for another handle's lock before failing. */
  busyTimeoutMs?: number;
}

export type SqliteStoreLocation = { dataDir: string } | { path: string };

export interface SqliteStore extends Store {
  /** The database file (or ":memory:"). */
  readonly location: string;
  /** Null while the database file is the one opened; a description when it was deleted or replaced. */
  fileProblem(): string | null;
  /** Schedule occurrences claimed across every process on this file (run-leases.ts). */
  readonly runLeases: RunLeases;
  /** The replay guard's memory, shared by every process on this file (seen-signatures.ts). */
  readonly seenSignatures: SeenSignatures;
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

function toIso(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid time: ${String(value)}`);
  return date.toISOString();
}

type Row = Record<string, unknown>;

function text(row: Row, column: string): string {
  return row[column] as string;
}

function textOrNull(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : (value as string);
}

function int(row: Row, column: string): number {
  return Number(row[column]);
}

function alertFromRow(row: Row): AlertRecord {
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

function eventFromRow(row: Row): StoredRootEvent {
  const alertId = row.alert_id;
  return {
    event: JSON.parse(text(row, 'event_json')) as RootEvent,
    rawRecord: text(row, 'raw_record'),
    alertId: alertId === null || alertId === undefined ? null : Number(alertId),
    firstSeenAt: text(row, 'first_seen_at'),
  };
}

function auditFromRow(row: Row): AlertAuditEntry {
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

function outboxFromRow(row: Row): OutboxMessage {
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

function unreadableFromRow(row: Row): StoredUnreadableRecord {
  return {
    id: int(row, 'id'),
    source: text(row, 'source') as StoredUnreadableRecord['source'],
    recordId: textOrNull(row, 'record_id'),
    reason: text(row, 'reason'),
    body: text(row, 'body'),
    receivedAt: text(row, 'received_at'),
  };
}

function snapshotFromRow(row: Row): PostureSnapshot {
  return {
    id: int(row, 'id'),
    accountId: text(row, 'account_id'),
    takenAt: text(row, 'taken_at'),
    passed: int(row, 'passed'),
    total: int(row, 'total'),
    report: JSON.parse(text(row, 'report_json')) as PostureReport,
  };
}

const OUTBOX_SELECT = `SELECT o.*, p.result_channel AS parent_channel, p.result_ts AS parent_ts FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id`;

export function openSqliteStore(location: SqliteStoreLocation, options: SqliteStoreOptions = {}): SqliteStore {
  let path: string;
  if ('dataDir' in location) {
    // Created if missing, so a fresh container with an empty volume just works; owner-only, since it
    // holds CloudTrail records (source IPs, user agents) and who acknowledged what.
    try {
      mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StoreNotWritableError(location.dataDir, (error as { code?: string }).code ?? 'Error', `cannot create the data directory ${location.dataDir}`);
    }
    restrictToOwner(location.dataDir, 0o700, 'directory');
    // WAL needs to create its -wal and -shm files beside the database.
    assertDirectoryWritable(location.dataDir);
    path = join(location.dataDir, STORE_FILE_NAME);
  } else {
    path = location.path;
  }
  const onDisk = path !== ':memory:';
  if (onDisk) {
    assertFileWritable(path);
    createOwnerOnlyDatabaseFile(path);
  }
  const db = new DatabaseConstructor(path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (onDisk) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Replaced and deleted content is zeroed, not left in free pages: the raw records migration 3 redacted.
    db.pragma('secure_delete = ON');
    migrate(db, path);
    return new SqliteStoreImpl(db, path, onDisk ? fileIdentity(path) : null, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * chmod, tolerating a directory we do not own (a volume mounted by the platform): the file inside is what holds
 * the records, and it is always ours. Any other failure (a read-only file system, say) is left to the open.
 */
function restrictToOwner(path: string, mode: number, what: 'directory' | 'file'): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (what === 'directory' && (code === 'EPERM' || code === 'EACCES')) return;
    if (code === 'ENOENT') return;
    throw error;
  }
}

/**
 * The database file owner-only (0600) before SQLite opens it: SQLite creates its -wal and -shm files with the
 * mode of the database file, so they follow. A file an older version left 0644 is tightened, with its companions.
 */
function createOwnerOnlyDatabaseFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) restrictToOwner(file, 0o600, 'file');
}

class SqliteStoreImpl implements SqliteStore {
  readonly storeId: string;
  readonly createdAt: string;
  private readonly clock: () => Date;
  private readonly grouping: GroupingPolicy;
  private readonly shouldAlert: (event: RootEvent) => boolean;
  private readonly statements: ReturnType<typeof prepareStatements>;
  readonly runLeases: RunLeases;
  readonly seenSignatures: SqliteSeenSignatures;

  constructor(
    private readonly db: Database,
    readonly location: string,
    private readonly openedFile: FileIdentity | null,
    options: SqliteStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.grouping = { ...DEFAULT_GROUPING_POLICY, ...options.grouping };
    // The bot's own AssumeRoot audits are recorded (seen, deduplicated, in the summary's counts) but never alerted.
    this.shouldAlert = options.shouldAlert ?? ((event) => !event.auditByThisBot);
    this.statements = prepareStatements(db);
    this.runLeases = new SqliteRunLeases(db, this.clock);
    this.seenSignatures = new SqliteSeenSignatures(openedFile === null ? db : location, options.busyTimeoutMs);
    // A store made before created_at was kept counts from its first open by this build.
    const meta = (key: string, initial: () => string): string => {
      const existing = db.prepare(`SELECT value FROM store_meta WHERE key = ?`).get(key) as Row | undefined;
      if (existing) return text(existing, 'value');
      const created = initial();
      db.prepare(`INSERT INTO store_meta (key, value) VALUES (?, ?)`).run(key, created);
      return created;
    };
    [this.storeId, this.createdAt] = this.write(() => [meta('store_id', () => randomUUID()), meta('created_at', () => this.now())]);
    // A write on every open: a database SQLite fell back to opening read-only fails here, not at the first alert.
    this.write(() => db.prepare(`INSERT INTO store_meta (key, value) VALUES ('opened_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(this.now()));
  }

  fileProblem(): string | null {
    return this.openedFile === null ? null : fileIdentityProblem(this.location, this.openedFile);
  }

  private now(at?: Date): string {
    return toIso(at ?? this.clock(), 'now');
  }

  /** A write transaction that holds the write lock from its first statement. */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  read<T>(reader: () => T): T {
    return this.db.transaction(reader).deferred();
  }

  close(): void {
    this.seenSignatures.close();
    if (this.db.open) this.db.close();
  }

  // --- PollSink ---

  readCursor(accountId: string, region: string): string | null {
    const row = this.statements.readCursor.get(accountId, region) as Row | undefined;
    return row ? text(row, 'cursor') : null;
  }

  commitBatch(batch: PollBatch): CommitResult {
    return this.write(() => {
      const result = this.ingestInTransaction(batch);
      this.statements.upsertCursor.run({ account_id: batch.accountId, region: batch.region, cursor: batch.cursor, updated_at: this.now() });
      return result;
    });
  }

  // --- IngestSink (every source) ---

  ingestEvents(batch: IngestBatch): IngestResult {
    return this.write(() => this.ingestInTransaction(batch));
  }

  listUnreadableRecords(options: { limit?: number } = {}): StoredUnreadableRecord[] {
    return (this.statements.listUnreadable.all(options.limit ?? 100) as Row[]).map(unreadableFromRow);
  }

  listPollCursors(): CursorReading[] {
    return (this.statements.listCursors.all() as Row[]).map((row) => ({ accountId: text(row, 'account_id'), region: text(row, 'region'), cursor: text(row, 'cursor') }));
  }

  countUnreadableRecords(): number {
    return int(this.statements.countUnreadable.get() as Row, 'count');
  }

  private ingestInTransaction(batch: IngestBatch): IngestResult {
    const now = this.now();
    for (const unreadable of batch.unreadable ?? []) this.keepUnreadable(unreadable, now);
    let inserted = 0;
    let duplicates = 0;
    // Oldest first, so an alert's first event is its earliest and grouping sees events in order
    // (LookupEvents answers newest first).
    const events = batch.events
      .map((polled) => ({ polled, eventTime: normalizedEventTime(polled.event.eventTime, now) }))
      .sort((left, right) => (left.eventTime === right.eventTime ? left.polled.event.eventId.localeCompare(right.polled.event.eventId) : left.eventTime < right.eventTime ? -1 : 1));
    const touched = new Map<number, { created: boolean; joinedEventIds: string[] }>();

    for (const { polled, eventTime } of events) {
      const event = polled.event;
      const insert = this.statements.insertEvent.run({
        event_id: event.eventId,
        account_id: event.accountId,
        region: event.region,
        kind: event.kind,
        severity: event.severity,
        mfa_used: event.mfaUsed === null ? null : event.mfaUsed ? 1 : 0,
        event_time: eventTime,
        session_key: event.sessionKey,
        event_json: JSON.stringify(event),
        // Redacted before it is kept: a record can carry a session token or a password (Show event displays it).
        raw_record: redactRecordText(polled.rawRecord),
        first_seen_at: now,
      });
      if (insert.changes === 0) {
        duplicates += 1;
        continue;
      }
      inserted += 1;
      if (!this.shouldAlert(event)) continue;

      const grouped = { ...event, eventTime };
      const decision = chooseAlertGroup(grouped, this.groupCandidates(grouped), this.grouping);
      if (decision.action === 'attach') {
        this.statements.attachEventToAlert.run({ id: decision.alertId, event_time: eventTime });
        const currentSeverity = (this.statements.alertSeverity.get(decision.alertId) as Row).severity as RootEvent['severity'];
        this.statements.setAlertSeverity.run(higherSeverity(currentSeverity, event.severity), decision.alertId);
        this.statements.setEventAlert.run(decision.alertId, event.eventId);
        const entry = touched.get(decision.alertId) ?? { created: false, joinedEventIds: [] };
        entry.joinedEventIds.push(event.eventId);
        touched.set(decision.alertId, entry);
      } else {
        const group = newGroupFor(grouped);
        const alertId = Number(
          this.statements.insertAlert.run({
            account_id: event.accountId,
            region: event.region,
            kind: event.kind,
            severity: event.severity,
            group_kind: group.groupKind,
            group_key: group.groupKey,
            first_event_id: event.eventId,
            event_time: eventTime,
            created_at: now,
          }).lastInsertRowid,
        );
        // The channel ALERT_ROUTES chose for the event's account, fixed now: a route changed later does not move it.
        const postId = this.insertOutbox({ kind: 'alert-post', alertId, parentId: null, payload: {}, channel: polled.alertChannel ?? null, now });
        this.statements.setAlertPostOutbox.run(postId, alertId);
        this.statements.setEventAlert.run(alertId, event.eventId);
        touched.set(alertId, { created: true, joinedEventIds: [] });
      }
    }

    for (const [alertId, change] of touched) {
      if (change.joinedEventIds.length === 0) continue;
      const postId = this.alertPostOutboxId(alertId);
      // One thread reply lists the calls that joined in this commit, not one reply per call.
      this.insertOutbox({ kind: 'alert-reply', alertId, parentId: postId, payload: { eventIds: change.joinedEventIds }, channel: null, now });
      // An alert posted earlier shows its event count and severity: refresh it.
      if (!change.created) this.enqueueAlertUpdate(alertId, postId, now);
    }

    return { inserted, duplicates };
  }

  private keepUnreadable(record: UnreadableRecord, now: string): void {
    this.statements.insertUnreadable.run({
      source: record.source,
      record_id: record.recordId,
      reason: record.reason,
      body: keptUnreadableBody(record.body),
      received_at: now,
    });
  }

  private groupCandidates(event: Pick<RootEvent, 'accountId' | 'kind' | 'sessionKey' | 'eventTime' | 'centralizedRootSession'>): AlertRecord[] {
    const group = newGroupFor(event);
    if (group.groupKind === 'single') return [];
    // A generous time range around the event; chooseAlertGroup applies the exact windows.
    const spanMs = Math.max(this.grouping.sessionWindowMinutes, this.grouping.failedLoginWindowMinutes) * 60_000;
    const eventMs = Date.parse(event.eventTime);
    const statement = isCrossAccountGroup(group.groupKey) ? this.statements.crossAccountGroupCandidates : this.statements.groupCandidates;
    const rows = statement.all({
      ...(isCrossAccountGroup(group.groupKey) ? {} : { account_id: event.accountId }),
      group_kind: group.groupKind,
      group_key: group.groupKey,
      earliest: new Date(eventMs - spanMs).toISOString(),
      latest: new Date(eventMs + spanMs).toISOString(),
    }) as Row[];
    return rows.map(alertFromRow);
  }

  private alertPostOutboxId(alertId: number): number {
    const row = this.statements.alertPostOutboxId.get(alertId) as Row | undefined;
    if (!row || row.post_outbox_id === null) throw new Error(`alert ${alertId} has no post in the outbox`);
    return Number(row.post_outbox_id);
  }

  private insertOutbox(message: { kind: OutboxKind; alertId: number | null; parentId: number | null; payload: Record<string, unknown>; channel: string | null; now: string; weekKey?: string | null }): number {
    return Number(
      this.statements.insertOutbox.run({
        kind: message.kind,
        priority: OUTBOX_PRIORITY[message.kind],
        alert_id: message.alertId,
        week_key: message.weekKey ?? null,
        parent_id: message.parentId,
        payload_json: JSON.stringify(message.payload),
        channel: message.channel,
        now: message.now,
      }).lastInsertRowid,
    );
  }

  /**
   * A chat.update of the alert's post, coalesced: messages are rendered when sent, so one update still
   * pending covers every change before it. A post not yet handed to Slack needs no update at all.
   */
  private enqueueAlertUpdate(alertId: number, postId: number, now: string): void {
    const post = this.statements.outboxStateById.get(postId) as Row | undefined;
    if (post && text(post, 'state') === 'pending' && int(post, 'uncertain') === 0) return;
    if (this.statements.pendingAlertUpdate.get(alertId)) return;
    this.insertOutbox({ kind: 'alert-update', alertId, parentId: postId, payload: {}, channel: null, now });
  }

  // --- root events ---

  getEvent(eventId: string): StoredRootEvent | null {
    const row = this.statements.getEvent.get(eventId) as Row | undefined;
    return row ? eventFromRow(row) : null;
  }

  listAlertEvents(alertId: number): StoredRootEvent[] {
    return (this.statements.alertEvents.all(alertId) as Row[]).map(eventFromRow);
  }

  listEvents(range: TimeRange & { accountId?: string }): StoredRootEvent[] {
    const rows = this.db
      .prepare(`SELECT * FROM root_events WHERE event_time >= @from AND event_time < @to ${range.accountId ? 'AND account_id = @account_id' : ''} ORDER BY event_time, event_id`)
      .all({ ...rangeParams(range), ...(range.accountId ? { account_id: range.accountId } : {}) }) as Row[];
    return rows.map(eventFromRow);
  }

  countEventsByKind(range: TimeRange & { accountId?: string }): EventKindCount[] {
    const rows = this.db
      .prepare(
        `SELECT account_id, kind, mfa_used, COUNT(*) AS count FROM root_events
         WHERE event_time >= @from AND event_time < @to ${range.accountId ? 'AND account_id = @account_id' : ''}
         GROUP BY account_id, kind, mfa_used ORDER BY account_id, kind, mfa_used`,
      )
      .all({ ...rangeParams(range), ...(range.accountId ? { account_id: range.accountId } : {}) }) as Row[];
    return rows.map((row) => ({
      accountId: text(row, 'account_id'),
      kind: text(row, 'kind') as EventKindCount['kind'],
      mfaUsed: row.mfa_used === null ? null : Number(row.mfa_used) === 1,
      count: int(row, 'count'),
    }));
  }

  pruneSeenEvents(before: string | Date): number {
    const cutoff = toIso(before, 'before');
    return this.write(() => this.statements.pruneSeen.run(cutoff).changes);
  }

  // --- alerts ---

  getAlert(alertId: number): AlertRecord | null {
    const row = this.statements.getAlert.get(alertId) as Row | undefined;
    return row ? alertFromRow(row) : null;
  }

  findAlertByMessage(channel: string, ts: string): AlertRecord | null {
    const row = this.statements.alertByMessage.get(channel, ts) as Row | undefined;
    return row ? alertFromRow(row) : null;
  }

  listOpenAlerts(options: { accountId?: string; limit?: number } = {}): AlertRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM alerts WHERE state != 'acknowledged' ${options.accountId ? 'AND account_id = @account_id' : ''} ORDER BY created_at, id LIMIT @limit`)
      .all({ limit: options.limit ?? -1, ...(options.accountId ? { account_id: options.accountId } : {}) }) as Row[];
    return rows.map(alertFromRow);
  }

  listAlerts(range: TimeRange & { accountId?: string }): AlertRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM alerts WHERE first_event_time >= @from AND first_event_time < @to ${range.accountId ? 'AND account_id = @account_id' : ''} ORDER BY first_event_time, id`)
      .all({ ...rangeParams(range), ...(range.accountId ? { account_id: range.accountId } : {}) }) as Row[];
    return rows.map(alertFromRow);
  }

  transitionAlert(transition: AlertTransition): StateChangeResult {
    return this.write((): StateChangeResult => {
      const before = this.getAlert(transition.alertId);
      if (!before) return { changed: false, current: null };
      const at = this.now(transition.at);
      const history = transition.threadReply ? this.listAudit(transition.alertId) : [];
      // The condition on the current state makes the change and its refusal one atomic step: of two
      // presses, exactly one matches the row.
      const update = this.statements.transitionAlert.run({
        id: transition.alertId,
        to_state: transition.toState,
        allowed_from: JSON.stringify(transition.allowedFrom),
        user_id: transition.userId,
        at,
        reason: transition.reason,
      });
      if (update.changes === 0) return { changed: false, current: before };
      const auditId = Number(
        this.statements.insertAudit.run({
          alert_id: transition.alertId,
          action: transition.action,
          from_state: before.state,
          to_state: transition.toState,
          user_id: transition.userId,
          reason: transition.reason,
          at,
        }).lastInsertRowid,
      );
      this.enqueueAlertUpdate(transition.alertId, this.alertPostOutboxId(transition.alertId), at);
      const reply = transition.threadReply?.(history, new Date(at)) ?? null;
      if (reply) this.insertOutbox({ kind: 'alert-reply', alertId: transition.alertId, parentId: this.alertPostOutboxId(transition.alertId), payload: reply, channel: null, now: at });
      const alert = this.getAlert(transition.alertId) as AlertRecord;
      return { changed: true, alert, audit: auditFromRow(this.statements.getAudit.get(auditId) as Row) };
    });
  }

  listAudit(alertId: number): AlertAuditEntry[] {
    return (this.statements.listAudit.all(alertId) as Row[]).map(auditFromRow);
  }

  acknowledgmentDurations(range: TimeRange): AcknowledgmentDuration[] {
    const rows = this.statements.acknowledgments.all(rangeParams(range)) as Row[];
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

  listAlertsAwaitingResponse(): AlertRecord[] {
    return (this.statements.awaitingResponse.all() as Row[]).map(alertFromRow);
  }

  enqueueReminder(alertId: number, reminderNumber: number, payload: Record<string, unknown>, at?: Date): boolean {
    return this.write(() => {
      const now = this.now(at);
      const counted = this.statements.countReminder.run({ id: alertId, number: reminderNumber, at: now });
      if (counted.changes === 0) return false;
      this.insertOutbox({ kind: 'reminder', alertId, parentId: this.alertPostOutboxId(alertId), payload, channel: null, now });
      return true;
    });
  }

  enqueueAlertThreadMessage(alertId: number, kind: 'event-record' | 'alert-reply', payload: Record<string, unknown>): number | null {
    return this.write(() => {
      if (!this.statements.getAlert.get(alertId)) return null;
      return this.insertOutbox({ kind, alertId, parentId: this.alertPostOutboxId(alertId), payload, channel: null, now: this.now() });
    });
  }

  // --- outbox ---

  getOutboxMessage(id: number): OutboxMessage | null {
    const row = this.statements.getOutbox.get(id) as Row | undefined;
    return row ? outboxFromRow(row) : null;
  }

  listOutbox(options: { state?: OutboxMessage['state']; alertId?: number } = {}): OutboxMessage[] {
    const conditions: string[] = [];
    if (options.state) conditions.push('o.state = @state');
    if (options.alertId !== undefined) conditions.push('o.alert_id = @alert_id');
    const rows = this.db
      .prepare(`${OUTBOX_SELECT} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY o.id`)
      .all({ ...(options.state ? { state: options.state } : {}), ...(options.alertId !== undefined ? { alert_id: options.alertId } : {}) }) as Row[];
    return rows.map(outboxFromRow);
  }

  dueOutbox(now: Date, limit: number): OutboxMessage[] {
    return (this.statements.dueOutbox.all({ now: toIso(now, 'now'), limit }) as Row[]).map(outboxFromRow);
  }

  nextOutboxDueAt(): string | null {
    const row = this.statements.nextDue.get() as Row | undefined;
    return row ? textOrNull(row, 'next_due') : null;
  }

  markOutboxSending(id: number, at?: Date): boolean {
    return this.write(() => this.statements.markSending.run({ id, at: this.now(at) }).changes === 1);
  }

  markOutboxSent(id: number, result: SlackMessageRef, at?: Date): void {
    this.write(() => {
      const now = this.now(at);
      const marked = this.statements.markSent.run({ id, channel: result.channel, ts: result.ts, at: now });
      if (marked.changes === 0) return;
      // The alert learns where its post lives in the same step: replies and updates can follow it.
      this.statements.recordAlertPost.run({ outbox_id: id, channel: result.channel, ts: result.ts, at: now });
    });
  }

  markOutboxRetry(id: number, retry: OutboxRetry): void {
    this.write(() => {
      this.statements.markRetry.run({ id, error: retry.error, next_attempt_at: toIso(retry.nextAttemptAt, 'nextAttemptAt'), uncertain: retry.uncertain ? 1 : 0 });
    });
  }

  markOutboxFailed(id: number, error: string, at?: Date): void {
    this.write(() => {
      this.statements.markFailed.run({ id, error, at: this.now(at) });
    });
  }

  deferOutbox(id: number, until: Date): void {
    this.write(() => {
      this.statements.deferOutbox.run({ id, until: toIso(until, 'until') });
    });
  }

  recoverInterruptedSends(): OutboxMessage[] {
    return this.write(() => {
      const ids = (this.statements.recoverSending.all() as Row[]).map((row) => int(row, 'id'));
      return ids.map((id) => this.getOutboxMessage(id) as OutboxMessage);
    });
  }

  outboxCounts(): OutboxCounts {
    return this.read(() => {
      const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0, waitingForParent: 0, oldestPendingCreatedAt: null };
      for (const row of this.statements.countOutbox.all() as Row[]) counts[text(row, 'state') as OutboxMessage['state']] = int(row, 'count');
      const waiting = this.statements.waitingForParent.get() as Row;
      counts.waitingForParent = int(waiting, 'count');
      counts.oldestPendingCreatedAt = textOrNull(waiting, 'oldest');
      return counts;
    });
  }

  // --- root audit sessions ---

  recordAuditSession(session: AuditSession): void {
    this.write(() => {
      this.statements.insertAuditSession.run({
        access_key_id: session.accessKeyId,
        account_id: session.accountId,
        issued_at: toIso(session.issuedAt, 'issuedAt'),
        expires_at: toIso(session.expiresAt, 'expiresAt'),
      });
    });
  }

  findAuditSession(accessKeyId: string): AuditSession | null {
    const row = this.statements.findAuditSession.get({ access_key_id: accessKeyId }) as Row | undefined;
    if (!row) return null;
    return { accessKeyId: String(row.access_key_id), accountId: String(row.account_id), issuedAt: String(row.issued_at), expiresAt: String(row.expires_at) };
  }

  pruneAuditSessions(before: string | Date): number {
    return this.write(() => this.statements.pruneAuditSessions.run({ before: toIso(before, 'before') }).changes);
  }

  // --- posture snapshots ---

  savePostureSnapshotWithAlert(report: PostureReport, alert: Record<string, unknown> | null, channel: string | null = null): { snapshotId: number; outboxId: number | null } {
    return this.write(() => {
      const snapshotId = this.savePostureSnapshot(report);
      const outboxId = alert ? this.insertOutbox({ kind: 'posture-alert', alertId: null, parentId: null, payload: alert, channel, now: this.now() }) : null;
      return { snapshotId, outboxId };
    });
  }

  savePostureSnapshot(report: PostureReport, takenAt?: Date): number {
    return this.write(() =>
      Number(
        this.statements.insertSnapshot.run({
          account_id: report.account.id,
          taken_at: takenAt ? toIso(takenAt, 'takenAt') : toIso(report.generatedAt, 'report.generatedAt'),
          passed: report.score.passed,
          total: report.score.total,
          report_json: JSON.stringify(report),
        }).lastInsertRowid,
      ),
    );
  }

  listPostureSnapshots(range: TimeRange & { accountId?: string }): PostureSnapshot[] {
    const rows = this.db
      .prepare(`SELECT * FROM posture_snapshots WHERE taken_at >= @from AND taken_at < @to ${range.accountId ? 'AND account_id = @account_id' : ''} ORDER BY account_id, taken_at, id`)
      .all({ ...rangeParams(range), ...(range.accountId ? { account_id: range.accountId } : {}) }) as Row[];
    return rows.map(snapshotFromRow);
  }

  latestPostureSnapshots(before?: string | Date): PostureSnapshot[] {
    const cutoff = before === undefined ? '9999-12-31T23:59:59.999Z' : toIso(before, 'before');
    return (this.statements.latestSnapshots.all({ before: cutoff }) as Row[]).map(snapshotFromRow);
  }

  // --- weekly summary ledger ---

  recordWeeklySummary(entry: { weekKey: string; summary: unknown; threadParts?: unknown[]; channel?: string | null }): { created: boolean; outboxId: number } {
    return this.write(() => {
      const existing = this.statements.getWeekly.get(entry.weekKey) as Row | undefined;
      if (existing) return { created: false, outboxId: int(existing, 'outbox_id') };
      const now = this.now();
      const threadParts = entry.threadParts ?? [];
      const postId = this.insertOutbox({ kind: 'summary-post', alertId: null, parentId: null, payload: { weekKey: entry.weekKey }, channel: entry.channel ?? null, now, weekKey: entry.weekKey });
      this.statements.insertWeekly.run({ week_key: entry.weekKey, created_at: now, summary_json: JSON.stringify(entry.summary ?? null), thread_parts_json: JSON.stringify(threadParts), outbox_id: postId });
      threadParts.forEach((_part, index) => {
        this.insertOutbox({ kind: 'summary-reply', alertId: null, parentId: postId, payload: { weekKey: entry.weekKey, part: index }, channel: null, now, weekKey: entry.weekKey });
      });
      return { created: true, outboxId: postId };
    });
  }

  getWeeklySummary(weekKey: string): WeeklySummaryEntry | null {
    const row = this.statements.getWeeklyWithPost.get(weekKey) as Row | undefined;
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

function rangeParams(range: TimeRange): { from: string; to: string } {
  return { from: toIso(range.from, 'range.from'), to: toIso(range.to, 'range.to') };
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

function prepareStatements(db: Database) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  return {
    readCursor: prepare(`SELECT cursor FROM poll_cursors WHERE account_id = ? AND region = ?`),
    listCursors: prepare(`SELECT account_id, region, cursor FROM poll_cursors ORDER BY account_id, region`),
    insertUnreadable: prepare(`INSERT OR IGNORE INTO unreadable_records (source, record_id, reason, body, received_at) VALUES (@source, @record_id, @reason, @body, @received_at)`),
    listUnreadable: prepare(`SELECT * FROM unreadable_records ORDER BY id DESC LIMIT ?`),
    countUnreadable: prepare(`SELECT COUNT(*) AS count FROM unreadable_records`),
    upsertCursor: prepare(
      `INSERT INTO poll_cursors (account_id, region, cursor, updated_at) VALUES (@account_id, @region, @cursor, @updated_at)
       ON CONFLICT (account_id, region) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ),
    // ON CONFLICT (event_id) DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow a CHECK or
    // NOT NULL failure and count a bad event as a duplicate; this ignores only a repeated event id.
    insertEvent: prepare(
      `INSERT INTO root_events (event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, first_seen_at)
       VALUES (@event_id, @account_id, @region, @kind, @severity, @mfa_used, @event_time, @session_key, @event_json, @raw_record, @first_seen_at)
       ON CONFLICT (event_id) DO NOTHING`,
    ),
    getEvent: prepare(`SELECT * FROM root_events WHERE event_id = ?`),
    alertEvents: prepare(`SELECT * FROM root_events WHERE alert_id = ? ORDER BY event_time, event_id`),
    setEventAlert: prepare(`UPDATE root_events SET alert_id = ? WHERE event_id = ?`),
    pruneSeen: prepare(`DELETE FROM root_events WHERE alert_id IS NULL AND event_time < ?`),
    // A centralized root session's key is unique across the organization: its alert may be in another account.
    crossAccountGroupCandidates: prepare(
      `SELECT * FROM alerts
       WHERE group_kind = @group_kind AND group_key IS @group_key AND state != 'acknowledged'
         AND last_event_time >= @earliest AND first_event_time <= @latest
       ORDER BY id DESC LIMIT 50`,
    ),
    groupCandidates: prepare(
      `SELECT * FROM alerts
       WHERE account_id = @account_id AND group_kind = @group_kind AND group_key IS @group_key AND state != 'acknowledged'
         AND last_event_time >= @earliest AND first_event_time <= @latest
       ORDER BY id DESC LIMIT 50`,
    ),
    insertAlert: prepare(
      `INSERT INTO alerts (account_id, region, kind, severity, group_kind, group_key, first_event_id, first_event_time, last_event_time, event_count, created_at)
       VALUES (@account_id, @region, @kind, @severity, @group_kind, @group_key, @first_event_id, @event_time, @event_time, 1, @created_at)`,
    ),
    attachEventToAlert: prepare(
      `UPDATE alerts SET event_count = event_count + 1,
         first_event_time = MIN(first_event_time, @event_time), last_event_time = MAX(last_event_time, @event_time)
       WHERE id = @id`,
    ),
    alertSeverity: prepare(`SELECT severity FROM alerts WHERE id = ?`),
    setAlertSeverity: prepare(`UPDATE alerts SET severity = ? WHERE id = ?`),
    setAlertPostOutbox: prepare(`UPDATE alerts SET post_outbox_id = ? WHERE id = ?`),
    alertPostOutboxId: prepare(`SELECT post_outbox_id FROM alerts WHERE id = ?`),
    getAlert: prepare(`SELECT * FROM alerts WHERE id = ?`),
    alertByMessage: prepare(`SELECT * FROM alerts WHERE post_channel = ? AND post_ts = ?`),
    transitionAlert: prepare(
      `UPDATE alerts SET state = @to_state, state_by = @user_id, state_at = @at, state_reason = @reason
       WHERE id = @id AND state IN (SELECT value FROM json_each(@allowed_from))`,
    ),
    insertAudit: prepare(
      `INSERT INTO alert_audit (alert_id, action, from_state, to_state, user_id, reason, at)
       VALUES (@alert_id, @action, @from_state, @to_state, @user_id, @reason, @at)`,
    ),
    getAudit: prepare(`SELECT * FROM alert_audit WHERE id = ?`),
    listAudit: prepare(`SELECT * FROM alert_audit WHERE alert_id = ? ORDER BY id`),
    acknowledgments: prepare(
      `SELECT a.*, au.at AS ack_at, au.user_id AS ack_by FROM alert_audit au JOIN alerts a ON a.id = au.alert_id
       WHERE au.to_state = 'acknowledged' AND au.at >= @from AND au.at < @to ORDER BY au.at, au.id`,
    ),
    awaitingResponse: prepare(`SELECT * FROM alerts WHERE state = 'open' AND post_ts IS NOT NULL ORDER BY posted_at, id`),
    countReminder: prepare(
      `UPDATE alerts SET reminders_sent = @number, last_reminder_at = @at
       WHERE id = @id AND reminders_sent = @number - 1 AND state = 'open' AND post_ts IS NOT NULL`,
    ),
    insertOutbox: prepare(
      `INSERT INTO outbox (kind, priority, alert_id, week_key, parent_id, payload_json, channel, next_attempt_at, created_at)
       VALUES (@kind, @priority, @alert_id, @week_key, @parent_id, @payload_json, @channel, @now, @now)`,
    ),
    outboxStateById: prepare(`SELECT state, uncertain FROM outbox WHERE id = ?`),
    pendingAlertUpdate: prepare(`SELECT id FROM outbox WHERE alert_id = ? AND kind = 'alert-update' AND state = 'pending' LIMIT 1`),
    getOutbox: prepare(`${OUTBOX_SELECT} WHERE o.id = ?`),
    // New alerts in the order their first events happened (Regions' batches interleave, most of all after an
    // outage), then everything else in the order it was queued.
    dueOutbox: prepare(
      `${OUTBOX_SELECT} LEFT JOIN alerts a ON a.id = o.alert_id AND o.kind = 'alert-post'
       WHERE o.state = 'pending' AND o.next_attempt_at <= @now AND (o.parent_id IS NULL OR p.state = 'sent')
       ORDER BY o.priority, a.first_event_time, o.id LIMIT @limit`,
    ),
    nextDue: prepare(
      `SELECT MIN(o.next_attempt_at) AS next_due FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id
       WHERE o.state = 'pending' AND (o.parent_id IS NULL OR p.state = 'sent')`,
    ),
    markSending: prepare(`UPDATE outbox SET state = 'sending', sending_since = @at, uncertain = 0 WHERE id = @id AND state = 'pending'`),
    markSent: prepare(
      `UPDATE outbox SET state = 'sent', result_channel = @channel, result_ts = @ts, sent_at = @at, sending_since = NULL, last_error = NULL, uncertain = 0
       WHERE id = @id AND state IN ('pending', 'sending')`,
    ),
    recordAlertPost: prepare(`UPDATE alerts SET post_channel = @channel, post_ts = @ts, posted_at = @at WHERE post_outbox_id = @outbox_id`),
    markRetry: prepare(
      `UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = @error, next_attempt_at = @next_attempt_at,
         sending_since = NULL, uncertain = MAX(uncertain, @uncertain)
       WHERE id = @id AND state IN ('pending', 'sending')`,
    ),
    markFailed: prepare(
      `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = @error, sending_since = NULL
       WHERE id = @id AND state IN ('pending', 'sending')`,
    ),
    deferOutbox: prepare(`UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, @until) WHERE id = @id AND state = 'pending'`),
    recoverSending: prepare(`UPDATE outbox SET state = 'pending', uncertain = 1 WHERE state = 'sending' RETURNING id`),
    countOutbox: prepare(`SELECT state, COUNT(*) AS count FROM outbox GROUP BY state`),
    waitingForParent: prepare(
      `SELECT SUM(CASE WHEN o.parent_id IS NOT NULL AND p.state != 'sent' THEN 1 ELSE 0 END) AS count, MIN(o.created_at) AS oldest
       FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id WHERE o.state = 'pending'`,
    ),
    insertAuditSession: prepare(`INSERT OR IGNORE INTO audit_sessions (access_key_id, account_id, issued_at, expires_at) VALUES (@access_key_id, @account_id, @issued_at, @expires_at)`),
    findAuditSession: prepare(`SELECT * FROM audit_sessions WHERE access_key_id = @access_key_id`),
    pruneAuditSessions: prepare(`DELETE FROM audit_sessions WHERE expires_at < @before`),
    insertSnapshot: prepare(`INSERT INTO posture_snapshots (account_id, taken_at, passed, total, report_json) VALUES (@account_id, @taken_at, @passed, @total, @report_json)`),
    latestSnapshots: prepare(
      `SELECT s.* FROM posture_snapshots s
       WHERE s.id = (SELECT s2.id FROM posture_snapshots s2 WHERE s2.account_id = s.account_id AND s2.taken_at < @before ORDER BY s2.taken_at DESC, s2.id DESC LIMIT 1)
       ORDER BY s.account_id`,
    ),
    getWeekly: prepare(`SELECT * FROM weekly_summaries WHERE week_key = ?`),
    getWeeklyWithPost: prepare(`SELECT w.*, o.result_channel, o.result_ts FROM weekly_summaries w JOIN outbox o ON o.id = w.outbox_id WHERE w.week_key = ?`),
    insertWeekly: prepare(
      `INSERT INTO weekly_summaries (week_key, created_at, summary_json, thread_parts_json, outbox_id)
       VALUES (@week_key, @created_at, @summary_json, @thread_parts_json, @outbox_id)`,
    ),
  };
}
