// The poller's cursors (poll_cursors): per account and Region, up to when CloudTrail has been read. Advanced only in
// the transaction that stores the events it covers. read_at / read_by say when and by which replica the Region was
// last read to its window's end: a commit after a failed read keeps them, so the newest read_at is the deployment's
// last successful read, whichever replica made it (readiness asks it, through the read_at index).
import type { CursorReading } from '../../activity/coverage/model.js';
import type { PollCursorAdvance } from '../../activity/poll-sink.js';
import type { SqlQueries } from '../sql-executor.js';
import { textOrNull, text } from '../sql-rows.js';

/** The newest Region read to its window's end, by any replica. */
export interface LastPollRead {
  accountId: string;
  region: string;
  /** When its commit was made (ISO, the reading replica's clock). */
  readAt: string;
  /** The replica's name (host:port), or null for a store opened without one (a terminal command). */
  readBy: string | null;
}

const SQL = {
  read: `SELECT cursor FROM poll_cursors WHERE account_id = ? AND region = ?`,
  list: `SELECT account_id, region, cursor FROM poll_cursors ORDER BY account_id, region`,
  // Parameters: account, region, cursor, now, read at (null after a failed read), read by.
  upsert: `INSERT INTO poll_cursors (account_id, region, cursor, updated_at, read_at, read_by) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, region) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at,
      read_at = COALESCE(excluded.read_at, poll_cursors.read_at),
      read_by = CASE WHEN excluded.read_at IS NULL THEN poll_cursors.read_by ELSE excluded.read_by END`,
  lastRead: `SELECT account_id, region, read_at, read_by FROM poll_cursors WHERE read_at IS NOT NULL ORDER BY read_at DESC LIMIT 1`,
} as const;

export class CursorsRepository {
  constructor(private readonly q: SqlQueries) {}

  async read(accountId: string, region: string): Promise<string | null> {
    const row = await this.q.get(SQL.read, [accountId, region]);
    return row ? text(row, 'cursor') : null;
  }

  /** `readBy`: the replica committing (null: none named). */
  async advance(advance: PollCursorAdvance, now: string, readBy: string | null): Promise<void> {
    const readAt = advance.regionFailed ? null : now;
    await this.q.run(SQL.upsert, [advance.accountId, advance.region, advance.cursor, now, readAt, readAt === null ? null : readBy]);
  }

  async list(): Promise<CursorReading[]> {
    return (await this.q.all(SQL.list)).map((row) => ({ accountId: text(row, 'account_id'), region: text(row, 'region'), cursor: text(row, 'cursor') }));
  }

  async lastRead(): Promise<LastPollRead | null> {
    const row = await this.q.get(SQL.lastRead);
    return row ? { accountId: text(row, 'account_id'), region: text(row, 'region'), readAt: text(row, 'read_at'), readBy: textOrNull(row, 'read_by') } : null;
  }
}
