// Root events (root_events): each kept once by its CloudTrail event id, with its raw record (redacted) and the alert
// it belongs to. The conflict on event_id is what tells a duplicate, across sources and replicas.
import type { IngestedRootEvent } from '../../activity/ingest.js';
import type { RootEvent } from '../../activity/model.js';
import type { StoredRootEvent } from '../../alerts/model.js';
import { redactRecordText } from '../../secrets.js';
import { allRows, runRows } from '../sql-batch.js';
import type { SqlQueries, SqlRow, SqlValue } from '../sql-executor.js';
import { accountFilter, int, rangeParams, text, toIso } from '../sql-rows.js';
import type { EventKindCount, TimeRange } from '../store.js';

const SQL = {
  get: `SELECT * FROM root_events WHERE event_id = ?`,
  ofAlert: `SELECT * FROM root_events WHERE alert_id = ? ORDER BY event_time, event_id`,
  pruneSeen: `DELETE FROM root_events WHERE alert_id IS NULL AND event_time < ?`,
} as const;

// ON CONFLICT (event_id) DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow a CHECK or NOT NULL failure
// and count a bad event as a duplicate; this ignores only a repeated event id.
const INSERT = {
  head: `INSERT INTO root_events (event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, first_seen_at)`,
  row: `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  tail: `ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
};

// UPDATE ... FROM (VALUES ...): SQLite 3.33+ and PostgreSQL both name the columns column1, column2, ...; the cast
// types PostgreSQL's parameter, which a VALUES list would otherwise take as text.
const LINK_TO_ALERTS = { head: `UPDATE root_events SET alert_id = v.column2 FROM (`, row: `(?, CAST(? AS INTEGER))`, tail: `) AS v WHERE root_events.event_id = v.column1` };

/** A new event as it is inserted: its time normalized by the ingest (an unreadable one is filed under now). */
export interface EventInsert {
  polled: IngestedRootEvent;
  eventTime: string;
}

export function eventFromRow(row: SqlRow): StoredRootEvent {
  const alertId = row.alert_id;
  return {
    event: JSON.parse(text(row, 'event_json')) as RootEvent,
    rawRecord: text(row, 'raw_record'),
    alertId: alertId === null || alertId === undefined ? null : Number(alertId),
    firstSeenAt: text(row, 'first_seen_at'),
  };
}

function insertValues({ polled, eventTime }: EventInsert, now: string): SqlValue[] {
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

export class EventsRepository {
  constructor(private readonly q: SqlQueries) {}

  /** Inserts the events not stored yet, in their order; returns the ids inserted (of two equal ids in the batch, the first). */
  async insertNew(events: readonly EventInsert[], now: string): Promise<Set<string>> {
    const rows = await allRows(this.q, INSERT, events.map((event) => insertValues(event, now)));
    return new Set(rows.map((row) => text(row, 'event_id')));
  }

  /** Sets the alert of each event. */
  async linkToAlerts(links: ReadonlyArray<{ eventId: string; alertId: number }>): Promise<void> {
    await runRows(this.q, LINK_TO_ALERTS, links.map((link) => [link.eventId, link.alertId]));
  }

  async get(eventId: string): Promise<StoredRootEvent | null> {
    const row = await this.q.get(SQL.get, [eventId]);
    return row ? eventFromRow(row) : null;
  }

  async listOfAlert(alertId: number): Promise<StoredRootEvent[]> {
    return (await this.q.all(SQL.ofAlert, [alertId])).map(eventFromRow);
  }

  async list(range: TimeRange & { accountId?: string }): Promise<StoredRootEvent[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM root_events WHERE event_time >= ? AND event_time < ? ${account.sql} ORDER BY event_time, event_id`, [...rangeParams(range), ...account.params]);
    return rows.map(eventFromRow);
  }

  async countByKind(range: TimeRange & { accountId?: string }): Promise<EventKindCount[]> {
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

  /** Forgets seen events older than `before` that carry no alert; returns how many. */
  async pruneSeen(before: string | Date): Promise<number> {
    return (await this.q.run(SQL.pruneSeen, [toIso(before, 'before')])).changes;
  }
}
