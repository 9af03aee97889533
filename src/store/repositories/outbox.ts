// The Slack outbox (outbox): every message the bot will post or update, written in the transaction that decided it,
// claimed by one replica with a lease while it is sent, and marked with Slack's answer. A row with a parent waits
// until its parent is sent (a thread reply needs the thread's ts).
import type { OutboxKind, OutboxMessage, OutboxState } from '../../alerts/model.js';
import { allRows } from '../sql-batch.js';
import type { SqlExecutor, SqlQueries, SqlRow, SqlValue } from '../sql-executor.js';
import { int, text, textOrNull, toIso } from '../sql-rows.js';
import type { OutboxClaim, OutboxCounts, OutboxRetry } from '../store.js';

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

const SELECT = `SELECT o.*, p.result_channel AS parent_channel, p.result_ts AS parent_ts FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id`;

const SQL = {
  get: `${SELECT} WHERE o.id = ?`,
  // New alerts in the order their first events happened (Regions' batches interleave, most of all after an
  // outage), then everything else in the order it was queued. NULLS FIRST: SQLite's order, said for PostgreSQL.
  due: `${SELECT} LEFT JOIN alerts a ON a.id = o.alert_id AND o.kind = 'alert-post'
    WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND (o.parent_id IS NULL OR p.state = 'sent')
    ORDER BY o.priority, a.first_event_time NULLS FIRST, o.id LIMIT ?`,
  nextDue: `SELECT MIN(o.next_attempt_at) AS next_due FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id
    WHERE o.state = 'pending' AND (o.parent_id IS NULL OR p.state = 'sent')`,
  postProgress: `SELECT (SELECT state FROM outbox WHERE id = ?) AS post_state, (SELECT uncertain FROM outbox WHERE id = ?) AS post_uncertain,
    (SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND kind = 'alert-update' AND state = 'pending') AS pending_updates`,
  // A claim: the row is this replica's until its lease ends (a replica that dies leaves it to the others after that).
  markSending: `UPDATE outbox SET state = 'sending', sending_since = ?, uncertain = 0, claimed_by = ?, lease_until = ? WHERE id = ? AND state = 'pending'`,
  // PostgreSQL: a row another replica is claiming this instant is skipped at once rather than waited for.
  markSendingSkipLocked: `UPDATE outbox SET state = 'sending', sending_since = ?, uncertain = 0, claimed_by = ?, lease_until = ?
    WHERE id = (SELECT id FROM outbox WHERE id = ? AND state = 'pending' FOR UPDATE SKIP LOCKED)`,
  markSent: `UPDATE outbox SET state = 'sent', result_channel = ?, result_ts = ?, sent_at = ?, sending_since = NULL, last_error = NULL, uncertain = 0,
      claimed_by = NULL, lease_until = NULL
    WHERE id = ? AND state IN ('pending', 'sending')`,
  // An uncertain send stays uncertain until it is sent: a later clean failure does not clear it.
  markRetry: `UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, sending_since = NULL,
      claimed_by = NULL, lease_until = NULL, uncertain = CASE WHEN uncertain = 1 THEN 1 ELSE ? END
    WHERE id = ? AND state IN ('pending', 'sending')`,
  // A claim given back unused (the replica is stopping before the post): pending again at once, its flag as it was.
  releaseClaim: `UPDATE outbox SET state = 'pending', sending_since = NULL, claimed_by = NULL, lease_until = NULL, uncertain = ?
    WHERE id = ? AND state = 'sending'`,
  markFailed: `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, sending_since = NULL, claimed_by = NULL, lease_until = NULL
    WHERE id = ? AND state IN ('pending', 'sending')`,
  // Only ever later: a row already due after `until` keeps its time.
  defer: `UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending' AND next_attempt_at < ?`,
  // A claim whose lease ended (or made before claims had one): its replica died or hung mid-send. Flagged uncertain, so
  // the history check runs before it is posted again.
  recoverSending: `UPDATE outbox SET state = 'pending', uncertain = 1, claimed_by = NULL, lease_until = NULL
    WHERE state = 'sending' AND (lease_until IS NULL OR lease_until <= ?) RETURNING id`,
  // …and at a replica's start, also the claims of its previous run (same replica name, an earlier process).
  recoverSendingOfReplica: `UPDATE outbox SET state = 'pending', uncertain = 1, claimed_by = NULL, lease_until = NULL
    WHERE state = 'sending' AND (lease_until IS NULL OR lease_until <= ? OR substr(claimed_by, 1, ?) = ?) RETURNING id`,
  countByState: `SELECT state, COUNT(*) AS count FROM outbox GROUP BY state`,
  waitingForParent: `SELECT SUM(CASE WHEN o.parent_id IS NOT NULL AND p.state != 'sent' THEN 1 ELSE 0 END) AS count, MIN(o.created_at) AS oldest
    FROM outbox o LEFT JOIN outbox p ON p.id = o.parent_id WHERE o.state = 'pending'`,
} as const;

const INSERT = {
  head: `INSERT INTO outbox (kind, priority, alert_id, week_key, parent_id, payload_json, channel, next_attempt_at, created_at)`,
  row: `(?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  tail: `RETURNING id, alert_id`,
};

/** A message to queue, due at once. */
export interface OutboxInsert {
  kind: OutboxKind;
  alertId: number | null;
  parentId: number | null;
  payload: Record<string, unknown>;
  channel: string | null;
  now: string;
  weekKey?: string | null;
}

export function outboxFromRow(row: SqlRow): OutboxMessage {
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

export class OutboxRepository {
  constructor(
    private readonly q: SqlQueries,
    private readonly dialect: SqlExecutor['dialect'],
  ) {}

  async insert(message: OutboxInsert): Promise<number> {
    return ((await this.insertMany([message]))[0] as { id: number }).id;
  }

  /** The new rows' ids with the alert each belongs to. */
  async insertMany(messages: readonly OutboxInsert[]): Promise<Array<{ id: number; alertId: number | null }>> {
    const values = messages.map((message) => [
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
    return (await allRows(this.q, INSERT, values)).map((row) => ({ id: int(row, 'id'), alertId: row.alert_id === null ? null : int(row, 'alert_id') }));
  }

  async get(id: number): Promise<OutboxMessage | null> {
    const row = await this.q.get(SQL.get, [id]);
    return row ? outboxFromRow(row) : null;
  }

  async list(options: { state?: OutboxMessage['state']; alertId?: number } = {}): Promise<OutboxMessage[]> {
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
    const rows = await this.q.all(`${SELECT} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY o.id`, params);
    return rows.map(outboxFromRow);
  }

  async due(now: string, limit: number): Promise<OutboxMessage[]> {
    return (await this.q.all(SQL.due, [now, limit])).map(outboxFromRow);
  }

  async nextDueAt(): Promise<string | null> {
    const row = await this.q.get(SQL.nextDue);
    return row ? textOrNull(row, 'next_due') : null;
  }

  /** How far an alert's post got, and whether an update of it is already waiting (for alerts/alert-update.ts). */
  async postProgress(alertId: number, postId: number): Promise<{ post: { state: OutboxState; uncertain: boolean } | null; updatePending: boolean }> {
    const row = (await this.q.get(SQL.postProgress, [postId, postId, alertId])) as SqlRow;
    const postState = textOrNull(row, 'post_state') as OutboxState | null;
    return { post: postState === null ? null : { state: postState, uncertain: int(row, 'post_uncertain') === 1 }, updatePending: int(row, 'pending_updates') > 0 };
  }

  /** Claims a pending row; false if another replica claimed it first. */
  async markSending(id: number, now: Date, claim?: OutboxClaim): Promise<boolean> {
    const leaseUntil = claim ? toIso(new Date(now.getTime() + claim.leaseMs), 'lease end') : null;
    const sql = this.dialect === 'postgres' ? SQL.markSendingSkipLocked : SQL.markSending;
    return (await this.q.run(sql, [toIso(now, 'now'), claim?.holder ?? null, leaseUntil, id])).changes === 1;
  }

  /** False if the row was sent or failed already. */
  async markSent(id: number, result: { channel: string; ts: string }, at: string): Promise<boolean> {
    return (await this.q.run(SQL.markSent, [result.channel, result.ts, at, id])).changes === 1;
  }

  async releaseClaim(id: number, uncertain: boolean): Promise<void> {
    await this.q.run(SQL.releaseClaim, [uncertain ? 1 : 0, id]);
  }

  async markRetry(id: number, retry: OutboxRetry): Promise<void> {
    await this.q.run(SQL.markRetry, [retry.error, toIso(retry.nextAttemptAt, 'nextAttemptAt'), retry.uncertain ? 1 : 0, id]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.q.run(SQL.markFailed, [error, id]);
  }

  async defer(id: number, until: Date): Promise<void> {
    const untilIso = toIso(until, 'until');
    await this.q.run(SQL.defer, [untilIso, id, untilIso]);
  }

  /** Back to pending, flagged uncertain: claims whose lease ended by `now`, and with a prefix those of holders `<prefix>…`. Returns their ids. */
  async releaseExpiredClaims(now: string, holderPrefix: string | null): Promise<number[]> {
    const rows = holderPrefix === null ? await this.q.all(SQL.recoverSending, [now]) : await this.q.all(SQL.recoverSendingOfReplica, [now, holderPrefix.length, holderPrefix]);
    return rows.map((row) => int(row, 'id'));
  }

  async counts(): Promise<OutboxCounts> {
    const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0, waitingForParent: 0, oldestPendingCreatedAt: null };
    for (const row of await this.q.all(SQL.countByState)) counts[text(row, 'state') as OutboxMessage['state']] = int(row, 'count');
    const waiting = (await this.q.get(SQL.waitingForParent)) as SqlRow;
    counts.waitingForParent = int(waiting, 'count');
    counts.oldestPendingCreatedAt = textOrNull(waiting, 'oldest');
    return counts;
  }
}
