// An activity source, shaped like bolt-js's Receiver (start / stop): the CloudTrail poller and the SQS
// consumer both read records, classify them and hand them to the one ingest path (activity/ingest.ts);
// a third source (an S3 trail reader, say) is one new file.
import type { ActivitySourceName } from '../ingest.js';

export interface ActivitySource {
  readonly name: ActivitySourceName;
  /** Starts reading in the background; resolves once started (a source that cannot start yet keeps retrying on its own). */
  start(): Promise<void>;
  /** Stops reading and waits for the batch in flight to be committed (or abandoned, uncommitted). */
  stop(): Promise<void>;
}

/** Told after every commit that stored new events, so the outbox sender can post at once. */
export type OnIngested = (inserted: number) => void;
