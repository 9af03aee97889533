// Records and messages the sources could not read (unreadable_records): kept, redacted and cut, for a person to look
// at; never replayed. One row per source and record id.
import type { UnreadableRecord } from '../../activity/ingest.js';
import { redactRecordText } from '../../secrets.js';
import { runRows } from '../sql-batch.js';
import type { SqlQueries, SqlRow } from '../sql-executor.js';
import { int, text, textOrNull } from '../sql-rows.js';
import type { StoredUnreadableRecord } from '../store.js';

/** An unreadable message is kept for a person to look at, not replayed: its first 64 KB are enough. */
const UNREADABLE_BODY_MAX_CHARS = 64 * 1024;

const SQL = {
  list: `SELECT * FROM unreadable_records ORDER BY id DESC LIMIT ?`,
  count: `SELECT COUNT(*) AS count FROM unreadable_records`,
} as const;

const INSERT = { head: `INSERT INTO unreadable_records (source, record_id, reason, body, received_at)`, row: `(?, ?, ?, ?, ?)`, tail: `ON CONFLICT (source, record_id) DO NOTHING` };

/** Redacted (JSON by its fields, anything else as text) before it is cut, so a cut cannot leave half a secret unmatched. */
function keptUnreadableBody(body: string): string {
  const redacted = redactRecordText(body);
  return redacted.length > UNREADABLE_BODY_MAX_CHARS ? `${redacted.slice(0, UNREADABLE_BODY_MAX_CHARS)}…` : redacted;
}

function unreadableFromRow(row: SqlRow): StoredUnreadableRecord {
  return {
    id: int(row, 'id'),
    source: text(row, 'source') as StoredUnreadableRecord['source'],
    recordId: textOrNull(row, 'record_id'),
    reason: text(row, 'reason'),
    body: text(row, 'body'),
    receivedAt: text(row, 'received_at'),
  };
}

export class UnreadableRecordsRepository {
  constructor(private readonly q: SqlQueries) {}

  async keep(records: readonly UnreadableRecord[], now: string): Promise<void> {
    await runRows(this.q, INSERT, records.map((record) => [record.source, record.recordId, record.reason, keptUnreadableBody(record.body), now]));
  }

  async list(limit: number): Promise<StoredUnreadableRecord[]> {
    return (await this.q.all(SQL.list, [limit])).map(unreadableFromRow);
  }

  async count(): Promise<number> {
    return int((await this.q.get(SQL.count)) as SqlRow, 'count');
  }
}
