// Group commit (activity/group-commit.ts): batches committed in one turn of the event loop (or, under a steady flow,
// within minIntervalMs of the last group) share one transaction of the real SQLite store; each caller gets its own
// result once it is stored; a batch that fails does so alone.
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommits, type CommitResult, type GroupCommitSink, type PollBatch, type PollSink } from '../../src/activity/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { ACCOUNT, rawRecordFor, rootEvent, tempDir } from '../store/helpers.js';

function batch(region: string, cursor: string, eventCount = 0): PollBatch {
  const events = Array.from({ length: eventCount }, () => {
    const event = rootEvent({ region });
    return { event, rawRecord: rawRecordFor(event) };
  });
  return { accountId: ACCOUNT, region, cursor, events, malformedCount: 0 };
}

/** The store, counting the batches of each transaction; `refuse` makes a commit of that Region's batch throw. */
function countingSink(store: SqliteStore, refuse: string | null = null): GroupCommitSink & { groups: number[]; singles: number } {
  const refusing = (commit: (one: PollBatch) => Promise<CommitResult>) => async (one: PollBatch) => {
    if (one.region === refuse) throw new Error(`refused ${one.region}`);
    return commit(one);
  };
  const sink = {
    groups: [] as number[],
    singles: 0,
    readCursor: (accountId: string, region: string) => store.readCursor(accountId, region),
    commitBatch: async (one: PollBatch) => {
      sink.singles += 1;
      return refusing((batch) => store.commitBatch(batch))(one);
    },
    transaction: <T>(work: (tx: PollSink) => Promise<T>) =>
      store.transaction(async (tx) => {
        let batches = 0;
        const commit = refusing((batch) => tx.commitBatch(batch));
        const result = await work({
          readCursor: (accountId, region) => tx.readCursor(accountId, region),
          commitBatch: (one) => {
            batches += 1;
            return commit(one);
          },
        });
        sink.groups.push(batches);
        return result;
      }),
  };
  return sink;
}

describe('groupCommits', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  afterEach(async () => {
    await store?.close();
    dir?.remove();
  });

  it('commits the batches of one turn in one transaction and answers each with its own result', async () => {
    dir = tempDir('arg-group-');
    store = openSqliteStore({ dataDir: dir.path });
    const sink = countingSink(store);
    const grouped = groupCommits(sink);
    const results = await Promise.all([grouped.commitBatch(batch('us-east-1', '2026-12-01T10:00:00.000Z', 2)), grouped.commitBatch(batch('eu-west-1', '2026-12-01T10:00:01.000Z')), grouped.commitBatch(batch('ap-south-1', '2026-12-01T10:00:02.000Z', 1))]);
    expect(sink.groups).toEqual([3]);
    expect(results.map((result) => result.inserted)).toEqual([2, 0, 1]);
    expect(await store.readCursor(ACCOUNT, 'eu-west-1')).toBe('2026-12-01T10:00:01.000Z');
    expect((await store.listPollCursors()).map((cursor) => cursor.region)).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    // A later turn is a transaction of its own.
    await grouped.commitBatch(batch('us-east-1', '2026-12-01T10:01:00.000Z'));
    expect(sink.groups).toEqual([3, 1]);
  });

  it('under a steady flow, commits what several turns brought in one transaction, minIntervalMs after the last', async () => {
    dir = tempDir('arg-group-');
    store = openSqliteStore({ dataDir: dir.path });
    const sink = countingSink(store);
    const grouped = groupCommits(sink, { minIntervalMs: 200 });
    const started = performance.now();
    await grouped.commitBatch(batch('us-east-1', '2026-12-01T10:00:00.000Z'));
    // Three batches, each in a turn of its own, right after the first group: they wait for the interval, together.
    const later: Array<Promise<CommitResult>> = [];
    for (const region of ['eu-west-1', 'ap-south-1', 'sa-east-1']) {
      later.push(grouped.commitBatch(batch(region, '2026-12-01T10:00:01.000Z', 1)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sink.groups).toEqual([1]);
    const results = await Promise.all(later);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sink.groups).toEqual([1, 3]);
    expect(results.map((result) => result.inserted)).toEqual([1, 1, 1]);
    expect(await store.readCursor(ACCOUNT, 'sa-east-1')).toBe('2026-12-01T10:00:01.000Z');
  });

  it('retries a failed group batch by batch: only the bad batch fails, the others are stored', async () => {
    dir = tempDir('arg-group-');
    store = openSqliteStore({ dataDir: dir.path });
    const sink = countingSink(store, 'eu-west-1');
    const grouped = groupCommits(sink);
    const outcomes = await Promise.allSettled([grouped.commitBatch(batch('us-east-1', '2026-12-01T10:00:00.000Z', 1)), grouped.commitBatch(batch('eu-west-1', '2026-12-01T10:00:00.000Z', 1))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect(sink.singles).toBe(2);
    expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-12-01T10:00:00.000Z');
    expect(await store.readCursor(ACCOUNT, 'eu-west-1')).toBeNull();
  });
});
