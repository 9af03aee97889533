// The weekly summary ledger (weekly_summaries): one row per week, its key unique, so a week's summary is queued once
// across replicas and restarts.
import type { SqlQueries } from '../sql-executor.js';
import { int, text, textOrNull } from '../sql-rows.js';
import type { WeeklySummaryEntry } from '../store.js';

const SQL = {
  outboxIdOf: `SELECT outbox_id FROM weekly_summaries WHERE week_key = ?`,
  getWithPost: `SELECT w.*, o.result_channel, o.result_ts FROM weekly_summaries w JOIN outbox o ON o.id = w.outbox_id WHERE w.week_key = ?`,
  insert: `INSERT INTO weekly_summaries (week_key, created_at, summary_json, thread_parts_json, outbox_id) VALUES (?, ?, ?, ?, ?)`,
} as const;

export class LedgerRepository {
  constructor(private readonly q: SqlQueries) {}

  /** The outbox row of the week's summary post, or null if the week has none. */
  async postOutboxIdOf(weekKey: string): Promise<number | null> {
    const row = await this.q.get(SQL.outboxIdOf, [weekKey]);
    return row ? int(row, 'outbox_id') : null;
  }

  async insert(entry: { weekKey: string; createdAt: string; summary: unknown; threadParts: unknown[]; outboxId: number }): Promise<void> {
    await this.q.run(SQL.insert, [entry.weekKey, entry.createdAt, JSON.stringify(entry.summary ?? null), JSON.stringify(entry.threadParts), entry.outboxId]);
  }

  async get(weekKey: string): Promise<WeeklySummaryEntry | null> {
    const row = await this.q.get(SQL.getWithPost, [weekKey]);
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
