// The poller's cursors (poll_cursors): per account and Region, up to when CloudTrail has been read. Advanced only in
// the transaction that stores the events it covers.
import type { CursorReading } from '../../activity/coverage/model.js';
import type { PollCursorAdvance } from '../../activity/poll-sink.js';
import type { SqlQueries } from '../sql-executor.js';
import { text } from '../sql-rows.js';

const SQL = {
  read: `SELECT cursor FROM poll_cursors WHERE account_id = ? AND region = ?`,
  list: `SELECT account_id, region, cursor FROM poll_cursors ORDER BY account_id, region`,
  upsert: `INSERT INTO poll_cursors (account_id, region, cursor, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (account_id, region) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
} as const;

export class CursorsRepository {
  constructor(private readonly q: SqlQueries) {}

  async read(accountId: string, region: string): Promise<string | null> {
    const row = await this.q.get(SQL.read, [accountId, region]);
    return row ? text(row, 'cursor') : null;
  }

  async advance(advance: PollCursorAdvance, now: string): Promise<void> {
    await this.q.run(SQL.upsert, [advance.accountId, advance.region, advance.cursor, now]);
  }

  async list(): Promise<CursorReading[]> {
    return (await this.q.all(SQL.list)).map((row) => ({ accountId: text(row, 'account_id'), region: text(row, 'region'), cursor: text(row, 'cursor') }));
  }
}
