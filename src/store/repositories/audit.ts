// The alerts' audit trail (alert_audit): one row per state change, who and why; never updated or deleted.
import type { AlertAuditEntry, AlertState } from '../../alerts/model.js';
import type { SqlQueries, SqlRow } from '../sql-executor.js';
import { int, rangeParams, text, textOrNull } from '../sql-rows.js';
import type { AcknowledgmentDuration, TimeRange } from '../store.js';
import { alertFromRow } from './alerts.js';

const SQL = {
  insert: `INSERT INTO alert_audit (alert_id, action, from_state, to_state, user_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ofAlert: `SELECT * FROM alert_audit WHERE alert_id = ? ORDER BY id`,
  acknowledgments: `SELECT a.*, au.at AS ack_at, au.user_id AS ack_by FROM alert_audit au JOIN alerts a ON a.id = au.alert_id
    WHERE au.to_state = 'acknowledged' AND au.at >= ? AND au.at < ? ORDER BY au.at, au.id`,
} as const;

export function auditFromRow(row: SqlRow): AlertAuditEntry {
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

export class AuditRepository {
  constructor(private readonly q: SqlQueries) {}

  /** Appends an entry; returns it with its id. */
  async insert(entry: Omit<AlertAuditEntry, 'id'>): Promise<AlertAuditEntry> {
    const row = (await this.q.get(SQL.insert, [entry.alertId, entry.action, entry.fromState, entry.toState, entry.userId, entry.reason, entry.at])) as SqlRow;
    return { id: int(row, 'id'), ...entry };
  }

  async listOf(alertId: number): Promise<AlertAuditEntry[]> {
    return (await this.q.all(SQL.ofAlert, [alertId])).map(auditFromRow);
  }

  /** Acknowledgments made in the range, with how long each alert waited for one. */
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
}
