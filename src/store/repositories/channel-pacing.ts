// Slack's pace per channel (slack_channel_pacing), shared by every replica: the next moment a post to a channel may go.
import type { SqlQueries, SqlRow } from '../sql-executor.js';
import { int } from '../sql-rows.js';

// One statement reserves a channel's next post slot: max(the channel's next slot, now), and moves the slot on.
const RESERVE = `INSERT INTO slack_channel_pacing (channel, next_post_at_ms) VALUES (?, ?)
  ON CONFLICT (channel) DO UPDATE SET next_post_at_ms = CASE WHEN slack_channel_pacing.next_post_at_ms > ? THEN slack_channel_pacing.next_post_at_ms ELSE ? END + ?
  RETURNING next_post_at_ms`;

export class ChannelPacingRepository {
  constructor(private readonly q: SqlQueries) {}

  /** The moment the next post to `channel` may go, at least `intervalMs` after the previous reservation. */
  async reserve(channel: string, intervalMs: number, nowMs: number): Promise<Date> {
    const row = await this.q.get(RESERVE, [channel, nowMs + intervalMs, nowMs, nowMs, intervalMs]);
    return new Date(int(row as SqlRow, 'next_post_at_ms') - intervalMs);
  }
}
