// Group commit for the organization poller: 1,000 accounts x 17 Regions make 17,000 cursor commits a pass, and
// with synchronous=FULL each transaction waits for its own fsync (about 4 ms here, on the event loop). Batches that
// arrive together are committed in one transaction (../turn-batches.ts), so one fsync covers them; each caller is
// answered once its batch is on disk, as before. A group that fails is retried batch by batch, so one bad batch
// fails alone.
// A group is committed at least minIntervalMs after the previous one started: one turn held 3 batches on average
// (a 1,000-account pass made 5,806 transactions, 6.2 s of COMMIT on the event loop); a quiet sink still commits on
// the next turn.
import { batchByTurn } from '../turn-batches.js';
import type { CommitResult, GroupCommitSink, PollBatch, PollSink } from './poll-sink.js';

export const DEFAULT_GROUP_COMMIT_INTERVAL_MS = 50;

export interface GroupCommitOptions {
  minIntervalMs?: number;
  nowMs?: () => number;
}

export function groupCommits(sink: GroupCommitSink, options: GroupCommitOptions = {}): PollSink {
  const commitBatch = batchByTurn<PollBatch, CommitResult>({
    commitGroup: (batches) =>
      sink.transaction(async (tx) => {
        const committed: CommitResult[] = [];
        for (const batch of batches) committed.push(await tx.commitBatch(batch));
        return committed;
      }),
    commitAlone: (batch) => sink.commitBatch(batch),
    minIntervalMs: options.minIntervalMs ?? DEFAULT_GROUP_COMMIT_INTERVAL_MS,
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
  return {
    readCursor: (accountId, region) => sink.readCursor(accountId, region),
    commitBatch,
  };
}
