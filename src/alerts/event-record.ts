// "Show event" posts an alert's raw record in its thread once (pure): a record already queued or posted for that event
// is not queued again; one that failed for good may be asked for again.
import type { OutboxMessage } from './model.js';

/** The earlier 'event-record' row of this event among an alert's outbox rows, or null when a new one may be queued. */
export function earlierEventRecord(alertRows: readonly OutboxMessage[], eventId: string): OutboxMessage | null {
  return alertRows.find((row) => row.kind === 'event-record' && row.state !== 'failed' && row.payload.eventId === eventId) ?? null;
}
