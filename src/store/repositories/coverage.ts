// The coverage record of the latest poll pass (coverage_record, one row): what the bot watches and what it could
// not read, written by the replica that ran the pass and read by any process (`aws-root-guard status`, the summary)
// on any host that reaches the store.
import type { CoverageRecord } from '../../activity/coverage/model.js';
import type { SqlQueries } from '../sql-executor.js';
import { text } from '../sql-rows.js';

const SQL = {
  read: `SELECT record_json FROM coverage_record WHERE id = 'latest'`,
  write: `INSERT INTO coverage_record (id, record_json, written_at) VALUES ('latest', ?, ?)
    ON CONFLICT (id) DO UPDATE SET record_json = excluded.record_json, written_at = excluded.written_at`,
} as const;

export class CoverageRecordRepository {
  constructor(private readonly q: SqlQueries) {}

  async write(record: CoverageRecord, now: string): Promise<void> {
    await this.q.run(SQL.write, [JSON.stringify(record), now]);
  }

  /** The record, or null before the first pass; a row that is not a record says so. */
  async read(): Promise<CoverageRecord | null> {
    const row = await this.q.get(SQL.read);
    if (!row) return null;
    const record = JSON.parse(text(row, 'record_json')) as Partial<CoverageRecord>;
    if (typeof record.writtenAt !== 'string' || !Array.isArray(record.accounts) || typeof record.pollIntervalMs !== 'number') {
      throw new Error('the coverage record in the store (table coverage_record) is not a coverage record: the bot writes it again after its next poll pass');
    }
    return record as CoverageRecord;
  }
}
