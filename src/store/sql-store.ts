// The store's operations, written once over a SqlExecutor: SQLite (sqlite-executor.ts) and PostgreSQL run the same
// SQL, the common subset of both (sql-executor.ts). Each record kind's SQL is its repository's (repositories/); an
// operation here is one repository call, or a few in one transaction when it reads, calls the pure decision of the
// room that owns it (alerts/ grouping, lifecycle, reminders and post updates; summary/ the ledger), and writes what
// it decided.
//
// A write that reads and then decides takes `tx.lock(<kind>)` first: PostgreSQL then serializes it across replicas
// (SQLite's BEGIN IMMEDIATE already does). A conditional state change stays one UPDATE ... WHERE state IN (...),
// atomic on both: of two presses, exactly one matches the row.
import { randomUUID } from 'node:crypto';
import type { RootEvent } from '../activity/model.js';
import type { IngestBatch, IngestResult } from '../activity/ingest.js';
import type { CommitResult, PollBatch } from '../activity/poll-sink.js';
import type { CoverageRecord, CursorReading } from '../activity/coverage/model.js';
import { earlierEventRecord } from '../alerts/event-record.js';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from '../alerts/grouping.js';
import { planAlertTransition } from '../alerts/lifecycle.js';
import type { AlertAuditEntry, AlertRecord, OutboxMessage, SlackMessageRef, StateChangeResult, StoredRootEvent } from '../alerts/model.js';
import { reminderMayBeCounted } from '../alerts/reminders.js';
import type { AuditSession } from '../aws/index.js';
import type { PostureReport } from '../posture/model.js';
import { weeklySummaryOutbox } from '../summary/ledger.js';
import { queueAlertUpdate } from './alert-update-queue.js';
import { writeIngestBatch, type IngestSettings } from './ingest-writer.js';
import { repositoriesOn, type LastPollRead, type Repositories } from './repositories/index.js';
import type { SqlExecutor, SqlQueries, SqlRow } from './sql-executor.js';
import { text, toIso } from './sql-rows.js';
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

export interface SqlStoreOptions {
  clock?: () => Date;
  grouping?: Partial<GroupingPolicy>;
  /**
   * Whether a new root event raises an alert. Default: every one but the bot's own audits (auditByThisBot). Events it declines are kept only as
   * seen ids for deduplication and are pruned after the overlap window.
   */
  shouldAlert?: (event: RootEvent) => boolean;
  /** The replica this process is (host:port), kept with each Region it reads (poll_cursors.read_by, for readiness). */
  replicaName?: string;
}

/** Who the store is: made at its first open and kept in store_meta. */
export interface StoreIdentity {
  storeId: string;
  createdAt: string;
}

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

interface StoreSettings extends IngestSettings {
  dialect: SqlExecutor['dialect'];
  clock: () => Date;
  replicaName: string | null;
}

/**
 * The operations on one connection scope: the executor itself (each operation its own transaction) or one open
 * transaction (every operation part of it).
 */
class SqlOperations implements StoreOperations {
  /** Every record kind's SQL, on this scope. */
  private readonly repos: Repositories;

  constructor(
    protected readonly settings: StoreSettings,
    /** Where statements go: the executor, or the open transaction. */
    private readonly q: SqlQueries,
    /** The executor when not inside a transaction (then a write opens its own), else null. */
    private readonly outsideTransaction: SqlExecutor | null,
  ) {
    this.repos = repositoriesOn(q, settings.dialect);
  }

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

  // --- PollSink, IngestSink (every source) ---

  readCursor(accountId: string, region: string): Promise<string | null> {
    return this.repos.cursors.read(accountId, region);
  }

  commitBatch(batch: PollBatch): Promise<CommitResult> {
    return this.atomically('ingest', async (ops) => {
      const now = ops.now();
      const result = await writeIngestBatch(ops.repos, ops.settings, batch, now);
      await ops.repos.cursors.advance(batch, now, ops.settings.replicaName);
      return result;
    });
  }

  ingestEvents(batch: IngestBatch): Promise<IngestResult> {
    return this.atomically('ingest', (ops) => writeIngestBatch(ops.repos, ops.settings, batch, ops.now()));
  }

  listUnreadableRecords(options: { limit?: number } = {}): Promise<StoredUnreadableRecord[]> {
    return this.repos.unreadable.list(options.limit ?? 100);
  }

  countUnreadableRecords(): Promise<number> {
    return this.repos.unreadable.count();
  }

  listPollCursors(): Promise<CursorReading[]> {
    return this.repos.cursors.list();
  }

  lastPollRead(): Promise<LastPollRead | null> {
    return this.repos.cursors.lastRead();
  }

  readCoverageRecord(): Promise<CoverageRecord | null> {
    return this.repos.coverage.read();
  }

  writeCoverageRecord(record: CoverageRecord): Promise<void> {
    return this.repos.coverage.write(record, this.now());
  }

  // --- root events ---

  getEvent(eventId: string): Promise<StoredRootEvent | null> {
    return this.repos.events.get(eventId);
  }

  listAlertEvents(alertId: number): Promise<StoredRootEvent[]> {
    return this.repos.events.listOfAlert(alertId);
  }

  listEvents(range: TimeRange & { accountId?: string }): Promise<StoredRootEvent[]> {
    return this.repos.events.list(range);
  }

  countEventsByKind(range: TimeRange & { accountId?: string }): Promise<EventKindCount[]> {
    return this.repos.events.countByKind(range);
  }

  pruneSeenEvents(before: string | Date): Promise<number> {
    return this.repos.events.pruneSeen(before);
  }

  // --- alerts ---

  getAlert(alertId: number): Promise<AlertRecord | null> {
    return this.repos.alerts.get(alertId);
  }

  findAlertByMessage(channel: string, ts: string): Promise<AlertRecord | null> {
    return this.repos.alerts.findByMessage(channel, ts);
  }

  listOpenAlerts(options: { accountId?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    return this.repos.alerts.listOpen(options);
  }

  listAlerts(range: TimeRange & { accountId?: string }): Promise<AlertRecord[]> {
    return this.repos.alerts.list(range);
  }

  transitionAlert(transition: AlertTransition): Promise<StateChangeResult> {
    return this.atomically(`alert:${transition.alertId}`, async (ops): Promise<StateChangeResult> => {
      const { repos } = ops;
      const before = await repos.alerts.get(transition.alertId);
      if (!before) return { changed: false, current: null };
      const at = ops.now(transition.at);
      const plan = planAlertTransition(before.state, transition, at);
      if (!plan.allowed) return { changed: false, current: before };
      const history = transition.threadReply ? await repos.audit.listOf(transition.alertId) : [];
      // The condition on the current state makes the change and its refusal one atomic step on every backend.
      if (!(await repos.alerts.changeState(transition.alertId, transition.allowedFrom, { toState: transition.toState, userId: transition.userId, at, reason: transition.reason }))) {
        return { changed: false, current: before };
      }
      const audit = await repos.audit.insert({ alertId: transition.alertId, ...plan.audit });
      const postId = await repos.alerts.postOutboxId(transition.alertId);
      await queueAlertUpdate(repos, transition.alertId, postId, at);
      const reply = transition.threadReply?.(history, new Date(at)) ?? null;
      if (reply) await repos.outbox.insert({ kind: 'alert-reply', alertId: transition.alertId, parentId: postId, payload: reply, channel: null, now: at });
      return { changed: true, alert: (await repos.alerts.get(transition.alertId)) as AlertRecord, audit };
    });
  }

  listAudit(alertId: number): Promise<AlertAuditEntry[]> {
    return this.repos.audit.listOf(alertId);
  }

  acknowledgmentDurations(range: TimeRange): Promise<AcknowledgmentDuration[]> {
    return this.repos.audit.acknowledgmentDurations(range);
  }

  listAlertsAwaitingResponse(): Promise<AlertRecord[]> {
    return this.repos.alerts.listAwaitingResponse();
  }

  enqueueReminder(alertId: number, reminderNumber: number, payload: Record<string, unknown>, at?: Date): Promise<boolean> {
    return this.atomically(`alert:${alertId}`, async (ops) => {
      const alert = await ops.repos.alerts.get(alertId);
      if (alert === null || !reminderMayBeCounted(alert, reminderNumber)) return false;
      const now = ops.now(at);
      if (!(await ops.repos.alerts.countReminder(alertId, reminderNumber, now))) return false;
      await ops.repos.outbox.insert({ kind: 'reminder', alertId, parentId: await ops.repos.alerts.postOutboxId(alertId), payload, channel: null, now });
      return true;
    });
  }

  requestEventRecord(alertId: number, request: { eventId: string; requestedBy: string }): Promise<{ queued: true; outboxId: number } | { queued: false; earlier: OutboxMessage } | null> {
    return this.atomically(`alert:${alertId}`, async (ops) => {
      const earlier = earlierEventRecord(await ops.repos.outbox.list({ alertId }), request.eventId);
      if (earlier) return { queued: false, earlier };
      const outboxId = await ops.enqueueAlertThreadMessage(alertId, 'event-record', { eventId: request.eventId, requestedBy: request.requestedBy });
      return outboxId === null ? null : { queued: true, outboxId };
    });
  }

  enqueueAlertThreadMessage(alertId: number, kind: 'event-record' | 'alert-reply', payload: Record<string, unknown>): Promise<number | null> {
    return this.atomically(null, async (ops) => {
      if (!(await ops.repos.alerts.exists(alertId))) return null;
      return ops.repos.outbox.insert({ kind, alertId, parentId: await ops.repos.alerts.postOutboxId(alertId), payload, channel: null, now: ops.now() });
    });
  }

  // --- outbox ---

  getOutboxMessage(id: number): Promise<OutboxMessage | null> {
    return this.repos.outbox.get(id);
  }

  listOutbox(options: { state?: OutboxMessage['state']; alertId?: number } = {}): Promise<OutboxMessage[]> {
    return this.repos.outbox.list(options);
  }

  dueOutbox(now: Date, limit: number): Promise<OutboxMessage[]> {
    return this.repos.outbox.due(toIso(now, 'now'), limit);
  }

  nextOutboxDueAt(): Promise<string | null> {
    return this.repos.outbox.nextDueAt();
  }

  markOutboxSending(id: number, at?: Date, claim?: OutboxClaim): Promise<boolean> {
    return this.repos.outbox.markSending(id, at ?? this.settings.clock(), claim);
  }

  reserveChannelSlot(channel: string, intervalMs: number, now?: Date): Promise<Date> {
    return this.repos.pacing.reserve(channel, intervalMs, (now ?? this.settings.clock()).getTime());
  }

  markOutboxSent(id: number, result: SlackMessageRef, at?: Date): Promise<void> {
    return this.atomically(null, async (ops) => {
      const now = ops.now(at);
      if (!(await ops.repos.outbox.markSent(id, result, now))) return;
      // The alert learns where its post lives in the same step: replies and updates can follow it.
      await ops.repos.alerts.recordPost(id, result, now);
    });
  }

  releaseOutboxClaim(id: number, uncertain: boolean): Promise<void> {
    return this.repos.outbox.releaseClaim(id, uncertain);
  }

  markOutboxRetry(id: number, retry: OutboxRetry): Promise<void> {
    return this.repos.outbox.markRetry(id, retry);
  }

  markOutboxFailed(id: number, error: string, _at?: Date): Promise<void> {
    return this.repos.outbox.markFailed(id, error);
  }

  deferOutbox(id: number, until: Date): Promise<void> {
    return this.repos.outbox.defer(id, until);
  }

  recoverInterruptedSends(options: { now?: Date; previousRunsOf?: string } = {}): Promise<OutboxMessage[]> {
    return this.atomically('outbox', async (ops) => {
      const ids = await ops.repos.outbox.releaseExpiredClaims(ops.now(options.now), options.previousRunsOf ? `${options.previousRunsOf}/` : null);
      const recovered: OutboxMessage[] = [];
      for (const id of ids) recovered.push((await ops.repos.outbox.get(id)) as OutboxMessage);
      return recovered;
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    // Two reads of one consistent state.
    return this.atomically(null, (ops) => ops.repos.outbox.counts());
  }

  // --- root audit sessions ---

  recordAuditSession(session: AuditSession): Promise<void> {
    return this.repos.auditSessions.record(session);
  }

  findAuditSession(accessKeyId: string): Promise<AuditSession | null> {
    return this.repos.auditSessions.find(accessKeyId);
  }

  pruneAuditSessions(before: string | Date): Promise<number> {
    return this.repos.auditSessions.prune(before);
  }

  // --- posture snapshots ---

  savePostureSnapshotWithAlert(report: PostureReport, alert: Record<string, unknown> | null, channel: string | null = null): Promise<{ snapshotId: number; outboxId: number | null }> {
    return this.atomically(null, async (ops) => {
      const snapshotId = await ops.repos.snapshots.save(report);
      const outboxId = alert ? await ops.repos.outbox.insert({ kind: 'posture-alert', alertId: null, parentId: null, payload: alert, channel, now: ops.now() }) : null;
      return { snapshotId, outboxId };
    });
  }

  savePostureSnapshot(report: PostureReport, takenAt?: Date): Promise<number> {
    return this.repos.snapshots.save(report, takenAt);
  }

  listPostureSnapshots(range: TimeRange & { accountId?: string }): Promise<PostureSnapshot[]> {
    return this.repos.snapshots.list(range);
  }

  latestPostureSnapshots(before?: string | Date): Promise<PostureSnapshot[]> {
    return this.repos.snapshots.latest(before);
  }

  // --- weekly summary ledger ---

  recordWeeklySummary(entry: { weekKey: string; summary: unknown; threadParts?: unknown[]; channel?: string | null }): Promise<{ created: boolean; outboxId: number }> {
    return this.atomically('weekly-summary', async (ops) => {
      const existing = await ops.repos.ledger.postOutboxIdOf(entry.weekKey);
      if (existing !== null) return { created: false, outboxId: existing };
      const now = ops.now();
      const planned = weeklySummaryOutbox(entry);
      const postId = await ops.repos.outbox.insert({ kind: 'summary-post', alertId: null, parentId: null, payload: planned.post.payload, channel: planned.post.channel, now, weekKey: entry.weekKey });
      await ops.repos.ledger.insert({ weekKey: entry.weekKey, createdAt: now, summary: entry.summary, threadParts: planned.threadParts, outboxId: postId });
      await ops.repos.outbox.insertMany(planned.replies.map((reply) => ({ kind: 'summary-reply', alertId: null, parentId: postId, payload: reply.payload, channel: null, now, weekKey: entry.weekKey })));
      return { created: true, outboxId: postId };
    });
  }

  getWeeklySummary(weekKey: string): Promise<WeeklySummaryEntry | null> {
    return this.repos.ledger.get(weekKey);
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
        replicaName: options.replicaName ?? null,
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
