// The seam between the CloudTrail poller and the store: the poller hands over one region's batch,
// and the store writes the events, their alerts (outbox) and the cursor advance in ONE transaction.
import type { RootEvent } from './model.js';

export interface PolledRootEvent {
  event: RootEvent;
  /** The raw CloudTrail record (the CloudTrailEvent JSON string), kept for "Show event". */
  rawRecord: string;
}

export interface PollBatch {
  accountId: string;
  region: string;
  /** Where the next poll starts reading (ISO): the newest EventTime read in this pass, or the pass's end time. */
  cursor: string;
  events: PolledRootEvent[];
  /** Records skipped because they could not be read (malformed CloudTrailEvent). */
  malformedCount: number;
}

export interface CommitResult {
  /** Events seen for the first time. */
  inserted: number;
  /** Events already stored (read again inside the overlap window). */
  duplicates: number;
}

export interface PollSink {
  /** The stored cursor for one account and region, or null on first start. */
  readCursor(accountId: string, region: string): string | null;
  /** Stores new events (deduplicated by eventId), enqueues their alerts and advances the cursor, atomically. */
  commitBatch(batch: PollBatch): CommitResult;
}
