// Group commit for the organization poller: 1,000 accounts x 17 Regions make 17,000 cursor commits a pass, and
// with synchronous=FULL each transaction waits for its own fsync (about 4 ms here, on the event loop). Batches that
// arrive in the same turn of the event loop are committed together in one transaction, so one fsync covers them;
// each caller is answered once its batch is on disk, as before. A group that fails is retried batch by batch, so
// one bad batch fails alone.
// A group is committed at least minIntervalMs after the previous one started: one turn held 3 batches on average
// (a 1,000-account pass made 5,806 transactions, 6.2 s of COMMIT on the event loop); a quiet sink still commits on
// the next turn.
import type { CommitResult, GroupCommitSink, PollBatch, PollSink } from './poll-sink.js';

export const DEFAULT_GROUP_COMMIT_INTERVAL_MS = 50;

export interface GroupCommitOptions {
  minIntervalMs?: number;
  nowMs?: () => number;
}

interface Waiting {
  batch: PollBatch;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

export function groupCommits(sink: GroupCommitSink, options: GroupCommitOptions = {}): PollSink {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_GROUP_COMMIT_INTERVAL_MS;
  const nowMs = options.nowMs ?? (() => performance.now());
  let waiting: Waiting[] = [];
  let scheduled = false;
  let lastFlushMs = Number.NEGATIVE_INFINITY;

  async function flush(): Promise<void> {
    scheduled = false;
    lastFlushMs = nowMs();
    const group = waiting;
    waiting = [];
    try {
      const results = await sink.transaction(async (tx) => {
        const committed: CommitResult[] = [];
        for (const entry of group) committed.push(await tx.commitBatch(entry.batch));
        return committed;
      });
      group.forEach((entry, index) => entry.resolve(results[index]!));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const entry of group) {
        try {
          entry.resolve(await sink.commitBatch(entry.batch));
        } catch (single) {
          entry.reject(single);
        }
      }
    }
  }

  return {
    readCursor: (accountId, region) => sink.readCursor(accountId, region),
    commitBatch: (batch) =>
      new Promise<CommitResult>((resolve, reject) => {
        waiting.push({ batch, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        const waitMs = lastFlushMs + minIntervalMs - nowMs();
        if (waitMs > 0) setTimeout(() => void flush(), waitMs);
        else setImmediate(() => void flush());
      }),
  };
}
