// The CloudTrail poller's own seam into the store: the shared ingest (activity/ingest.ts) plus the cursor of
// one account and Region, advanced in the SAME transaction as the events it covers, so a crash never
// moves a cursor past events that were not stored.
import type { IngestBatch, IngestResult } from './ingest.js';

export interface PollCursorAdvance {
  accountId: string;
  region: string;
  /** Where the next poll starts reading (ISO): the pass's end time, or the old cursor after a failure. */
  cursor: string;
  /**
   * The Region's read failed part-way (the batch holds what it found, the cursor stays): the store does not count
   * it as the Region read (poll_cursors.read_at, which readiness asks). Left out: read to the window's end.
   */
  regionFailed?: boolean;
}

export interface PollBatch extends IngestBatch, PollCursorAdvance {
  /** Records skipped because they could not be read (malformed CloudTrailEvent). */
  malformedCount: number;
}

export type CommitResult = IngestResult;

export interface PollSink {
  /** The stored cursor for one account and region, or null on first start. */
  readCursor(accountId: string, region: string): Promise<string | null>;
  /** The shared ingest (IngestSink.ingestEvents) of the batch and the cursor advance, in one transaction. */
  commitBatch(batch: PollBatch): Promise<CommitResult>;
}

/** A sink that can run several commits in ONE transaction (one fsync): the store; group-commit.ts uses it. */
export interface GroupCommitSink extends PollSink {
  /** Runs `work` in one transaction; the commits it makes through `tx` are stored together, or none are. */
  transaction<T>(work: (tx: PollSink) => Promise<T>): Promise<T>;
}
