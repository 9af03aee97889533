// Group commit for the organization poller: 1,000 accounts x 17 Regions make 17,000 cursor commits a pass, and
// with synchronous=FULL each transaction waits for its own fsync (about 4 ms here, on the event loop). Batches that
// arrive in the same turn of the event loop are committed together in one transaction, so one fsync covers them;
// each caller is answered once its batch is on disk, as before. A group that fails is retried batch by batch, so
// one bad batch fails alone.
import type { CommitResult, GroupCommitSink, PollBatch, PollSink } from './poll-sink.js';

interface Waiting {
  batch: PollBatch;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

export function groupCommits(sink: GroupCommitSink): PollSink {
  let waiting: Waiting[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
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
        setImmediate(() => void flush());
      }),
  };
}
