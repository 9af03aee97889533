// Group commit: what arrives in one turn of the event loop is written together, so one transaction (one fsync, one
// round trip) covers many callers; each caller is answered with its own result once the group is stored. Used by the
// organization poller's cursor commits (activity/group-commit.ts: 17,000 a pass) and by the replay guard's memory
// (store/seen-signatures.ts: one insert per Slack request on the ack path). The group is cut at the first
// setImmediate after the first item, i.e. after the I/O callbacks the loop already holds (the requests that arrived
// together), or, with `minIntervalMs`, no sooner than that after the previous group started (a steady flow then
// brings several turns' items into one group; a quiet caller still commits on the next turn). A group that fails is
// retried item by item when `commitAlone` is given, so one bad item fails alone; without it, every caller of the
// group gets the error.

export interface TurnBatchOptions<I, O> {
  /** Writes the whole group in one transaction; answers item i with result i. Throws: nothing was written. */
  commitGroup(items: readonly I[]): Promise<readonly O[]>;
  /** One item in a transaction of its own, for a group that failed; absent: a failed group fails every caller. */
  commitAlone?(item: I): Promise<O>;
  /** A group starts at least this long after the previous one started (default 0: on the next turn). */
  minIntervalMs?: number;
  /** Monotonic milliseconds; tests pass a fake clock. */
  nowMs?: () => number;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/** `commit(item)` answers as the item's group commits; the items of one turn form one group. */
export function batchByTurn<I, O>(options: TurnBatchOptions<I, O>): (item: I) => Promise<O> {
  const { commitGroup, commitAlone } = options;
  const minIntervalMs = options.minIntervalMs ?? 0;
  const nowMs = options.nowMs ?? (() => performance.now());
  let waiting: Array<Waiting<I, O>> = [];
  let lastFlushMs = Number.NEGATIVE_INFINITY;

  async function flush(): Promise<void> {
    if (minIntervalMs > 0) lastFlushMs = nowMs();
    const group = waiting;
    waiting = [];
    let results: readonly O[];
    try {
      results = await commitGroup(group.map((entry) => entry.item));
    } catch (error) {
      if (group.length === 1 || !commitAlone) {
        for (const entry of group) entry.reject(error);
        return;
      }
      for (const entry of group) {
        try {
          entry.resolve(await commitAlone(entry.item));
        } catch (single) {
          entry.reject(single);
        }
      }
      return;
    }
    if (results.length !== group.length) {
      const mismatch = new Error(`a group commit answered ${results.length} results for ${group.length} items`);
      for (const entry of group) entry.reject(mismatch);
      return;
    }
    for (let index = 0; index < group.length; index += 1) group[index]!.resolve(results[index]!);
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (waiting.length > 1) return;
      const waitMs = minIntervalMs > 0 ? lastFlushMs + minIntervalMs - nowMs() : 0;
      if (waitMs > 0) setTimeout(() => void flush(), waitMs);
      else setImmediate(() => void flush());
    });
}
