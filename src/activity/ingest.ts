// The one ingest path every activity source feeds: classified root events, and the records or messages
// that could not be read. The store writes the events, their alerts (outbox) and the unreadable ones in one
// transaction and deduplicates by eventId, so an event read by two sources (the poller and the queue)
// alerts once.
import type { RootEvent } from './model.js';

/** Which source read an event or an unreadable record. */
export type ActivitySourceName = 'cloudtrail-poller' | 'sqs';

export interface IngestedRootEvent {
  event: RootEvent;
  /** The raw CloudTrail record (JSON text), kept for "Show event". */
  rawRecord: string;
  /** The Slack channel a new alert of this event goes to (ALERT_ROUTES, alerts/routes.ts); unset: ALERT_CHANNEL. */
  alertChannel?: string | null;
}

/** A record or message skipped because it could not be read: counted and kept with the reason, never thrown. */
export interface UnreadableRecord {
  source: ActivitySourceName;
  /** The record's or message's own id (EventId, SQS MessageId) when it has one. */
  recordId: string | null;
  reason: string;
  /** What arrived (truncated by the store). */
  body: string;
}

export interface IngestBatch {
  events: readonly IngestedRootEvent[];
  unreadable?: readonly UnreadableRecord[];
}

export interface IngestResult {
  /** Events seen for the first time. */
  inserted: number;
  /** Events already stored (read again, or read by the other source). */
  duplicates: number;
}

export interface IngestSink {
  /** Stores new events (deduplicated by eventId), enqueues their alerts and keeps the unreadable records, atomically. */
  ingestEvents(batch: IngestBatch): Promise<IngestResult>;
}
