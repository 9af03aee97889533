// Alerts (alerts): one row per alert with its group, span, severity, state and where its Slack post lives. A state
// change is one UPDATE ... WHERE state IN (...): of two presses at once, on any backend, exactly one matches the row.
import type { AlertRecord, AlertState } from '../../alerts/model.js';
import type { CandidateQuery, PlannedAlert, PlannedAttach } from '../../alerts/ingest-grouping.js';
import { allRows, runRows } from '../sql-batch.js';
import type { SqlQueries, SqlRow } from '../sql-executor.js';
import { accountFilter, equalsOrNull, int, placeholders, rangeParams, text, textOrNull } from '../sql-rows.js';
import type { TimeRange } from '../store.js';

const SQL = {
  get: `SELECT * FROM alerts WHERE id = ?`,
  byMessage: `SELECT * FROM alerts WHERE post_channel = ? AND post_ts = ?`,
  postOutboxId: `SELECT post_outbox_id FROM alerts WHERE id = ?`,
  awaitingResponse: `SELECT * FROM alerts WHERE state = 'open' AND post_ts IS NOT NULL ORDER BY posted_at, id`,
  countReminder: `UPDATE alerts SET reminders_sent = ?, last_reminder_at = ?
    WHERE id = ? AND reminders_sent = ? AND state = 'open' AND post_ts IS NOT NULL`,
  recordPost: `UPDATE alerts SET post_channel = ?, post_ts = ?, posted_at = ? WHERE post_outbox_id = ?`,
} as const;

const INSERT = {
  head: `INSERT INTO alerts (account_id, region, kind, severity, group_kind, group_key, first_event_id, first_event_time, last_event_time, event_count, created_at)`,
  row: `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  tail: `RETURNING id, first_event_id`,
};
// UPDATE ... FROM (VALUES ...), as events.ts links events: the casts type PostgreSQL's parameters.
const SET_POSTS = { head: `UPDATE alerts SET post_outbox_id = v.column2 FROM (`, row: `(CAST(? AS INTEGER), CAST(? AS INTEGER))`, tail: `) AS v WHERE alerts.id = v.column1` };
const ATTACH = {
  head: `UPDATE alerts SET event_count = alerts.event_count + v.column2, first_event_time = v.column3, last_event_time = v.column4, severity = v.column5 FROM (`,
  row: `(CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?, ?)`,
  tail: `) AS v WHERE alerts.id = v.column1`,
};

export function alertFromRow(row: SqlRow): AlertRecord {
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

export class AlertsRepository {
  constructor(private readonly q: SqlQueries) {}

  async get(alertId: number): Promise<AlertRecord | null> {
    const row = await this.q.get(SQL.get, [alertId]);
    return row ? alertFromRow(row) : null;
  }

  async findByMessage(channel: string, ts: string): Promise<AlertRecord | null> {
    const row = await this.q.get(SQL.byMessage, [channel, ts]);
    return row ? alertFromRow(row) : null;
  }

  async listOpen(options: { accountId?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    const account = accountFilter(options.accountId);
    const limit = options.limit === undefined ? { sql: '', params: [] } : { sql: 'LIMIT ?', params: [options.limit] };
    const rows = await this.q.all(`SELECT * FROM alerts WHERE state != 'acknowledged' ${account.sql} ORDER BY created_at, id ${limit.sql}`, [...account.params, ...limit.params]);
    return rows.map(alertFromRow);
  }

  async list(range: TimeRange & { accountId?: string }): Promise<AlertRecord[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM alerts WHERE first_event_time >= ? AND first_event_time < ? ${account.sql} ORDER BY first_event_time, id`, [...rangeParams(range), ...account.params]);
    return rows.map(alertFromRow);
  }

  async listAwaitingResponse(): Promise<AlertRecord[]> {
    return (await this.q.all(SQL.awaitingResponse)).map(alertFromRow);
  }

  /** The unresolved alerts of one group whose events lie within `spanMs` of the query's times (chooseAlertGroup applies the exact windows). */
  async groupCandidates(query: CandidateQuery, spanMs: number): Promise<AlertRecord[]> {
    // A centralized root session's key is unique across the organization: its alert may be in another account.
    const account = query.accountId === null ? { sql: '', params: [] } : { sql: 'account_id = ? AND', params: [query.accountId] };
    const key = equalsOrNull('group_key', query.groupKey);
    const rows = await this.q.all(
      `SELECT * FROM alerts
       WHERE ${account.sql} group_kind = ? AND ${key.sql} AND state != 'acknowledged' AND last_event_time >= ? AND first_event_time <= ?
       ORDER BY id`,
      [...account.params, query.groupKind, ...key.params, new Date(Date.parse(query.earliestEventTime) - spanMs).toISOString(), new Date(Date.parse(query.latestEventTime) + spanMs).toISOString()],
    );
    return rows.map(alertFromRow);
  }

  /** Inserts the planned alerts; returns each new id by its first event's id. */
  async insertPlanned(alerts: readonly PlannedAlert[], now: string): Promise<Map<string, number>> {
    const values = alerts.map((alert) => [alert.accountId, alert.region, alert.kind, alert.severity, alert.groupKind, alert.groupKey, alert.firstEventId, alert.firstEventTime, alert.lastEventTime, alert.eventCount, now]);
    return new Map((await allRows(this.q, INSERT, values)).map((row) => [text(row, 'first_event_id'), int(row, 'id')]));
  }

  async setPostOutboxes(posts: ReadonlyArray<{ alertId: number; outboxId: number }>): Promise<void> {
    await runRows(this.q, SET_POSTS, posts.map((post) => [post.alertId, post.outboxId]));
  }

  /** Grows stored alerts by the events that joined them: count, span and severity as planned. */
  async attach(attached: readonly PlannedAttach[]): Promise<void> {
    await runRows(this.q, ATTACH, attached.map((attach) => [attach.alertId, attach.eventIds.length, attach.firstEventTime, attach.lastEventTime, attach.severity]));
  }

  /** The outbox row of the alert's post; an alert always has one. */
  async postOutboxId(alertId: number): Promise<number> {
    const row = await this.q.get(SQL.postOutboxId, [alertId]);
    if (!row || row.post_outbox_id === null) throw new Error(`alert ${alertId} has no post in the outbox`);
    return Number(row.post_outbox_id);
  }

  async exists(alertId: number): Promise<boolean> {
    return (await this.q.get(SQL.postOutboxId, [alertId])) !== undefined;
  }

  /** The conditional state change: true if the alert was in one of `allowedFrom` and now is in `change.toState`. */
  async changeState(alertId: number, allowedFrom: readonly AlertState[], change: { toState: AlertState; userId: string; at: string; reason: string | null }): Promise<boolean> {
    const update = await this.q.run(`UPDATE alerts SET state = ?, state_by = ?, state_at = ?, state_reason = ? WHERE id = ? AND state IN (${placeholders(allowedFrom.length)})`, [
      change.toState,
      change.userId,
      change.at,
      change.reason,
      alertId,
      ...allowedFrom,
    ]);
    return update.changes === 1;
  }

  /** Counts reminder `reminderNumber` only if it is the next one and the alert is still open and posted. */
  async countReminder(alertId: number, reminderNumber: number, at: string): Promise<boolean> {
    return (await this.q.run(SQL.countReminder, [reminderNumber, at, alertId, reminderNumber - 1])).changes === 1;
  }

  /** Where the alert whose post is outbox row `postOutboxId` lives in Slack. */
  async recordPost(postOutboxId: number, post: { channel: string; ts: string }, at: string): Promise<void> {
    await this.q.run(SQL.recordPost, [post.channel, post.ts, at, postOutboxId]);
  }
}
