// What the bot sends after an ack (a posture report to its response_url, or the Web API fallback) waits in one
// queue that gives way to the acks. Slack allows 3 s for an ack but keeps a response_url valid for 30 minutes, so
// under a flood (issue 10: 500 commands in one second, one coalesced run, 500 reports) the acks go first and the
// reports follow. Three rules bound the work behind the acks:
//   - at most `concurrency` deliveries are in flight (so at most that many connections to Slack's hooks);
//   - each one starts in its own setImmediate turn, after the I/O the event loop already holds (incoming requests);
//   - none starts while requests keep arriving (one came in the last `quietMs`), unless it has waited `maxDeferMs`:
//     a flood that never stops still gets its reports, at the bounded concurrency.
// Nothing is dropped: every task runs, in arrival order, and its promise settles as the task does.

export interface DeliveryQueueOptions {
  /** Deliveries in flight at once (default 16: enough for Slack's round trips, few enough to stay cheap). */
  concurrency?: number;
  /**
   * A delivery waits until no request has arrived for this long (default 100 ms: longer than the gaps a loaded
   * machine leaves inside one burst of requests, short against the seconds a posture run takes).
   */
  quietMs?: number;
  /** ... but never longer than this after it was queued (default 5 s; a response_url lives 30 minutes). */
  maxDeferMs?: number;
  /** Monotonic milliseconds; tests pass a fake clock. */
  now?: () => number;
}

export const DEFAULT_DELIVERY_LIMITS = Object.freeze({ concurrency: 16, quietMs: 100, maxDeferMs: 5_000 });

export interface DeliveryCounts {
  /** Waiting for their turn. */
  queued: number;
  inFlight: number;
  /** Finished (delivered or failed) since the start. */
  done: number;
}

export interface DeliveryQueue {
  /** A Slack request arrived (the request gate calls this for every request): deliveries hold back. */
  noteRequest(): void;
  /** Runs `task` when its turn comes; settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T>;
  counts(): DeliveryCounts;
}

interface Waiting {
  queuedAt: number;
  start(): void;
}

export function createDeliveryQueue(options: DeliveryQueueOptions = {}): DeliveryQueue {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_DELIVERY_LIMITS.concurrency);
  const quietMs = Math.max(0, options.quietMs ?? DEFAULT_DELIVERY_LIMITS.quietMs);
  const maxDeferMs = Math.max(0, options.maxDeferMs ?? DEFAULT_DELIVERY_LIMITS.maxDeferMs);
  const now = options.now ?? (() => performance.now());
  const waiting: Waiting[] = [];
  let head = 0;
  let inFlight = 0;
  let done = 0;
  let lastRequestAt = Number.NEGATIVE_INFINITY;
  let turnScheduled = false;
  /** A timer is set for the end of the quiet wait: one at a time. */
  let quietTimerSet = false;

  function scheduleTurn(): void {
    if (turnScheduled) return;
    turnScheduled = true;
    setImmediate(turn);
  }

  // Starts at most one delivery, then yields: the next one starts in a later turn of the event loop.
  function turn(): void {
    turnScheduled = false;
    if (inFlight >= concurrency || head === waiting.length) return;
    const next = waiting[head]!;
    const at = now();
    const quietIn = lastRequestAt + quietMs - at;
    const deferLimitIn = next.queuedAt + maxDeferMs - at;
    if (quietIn > 0 && deferLimitIn > 0) {
      if (!quietTimerSet) {
        quietTimerSet = true;
        setTimeout(() => {
          quietTimerSet = false;
          scheduleTurn();
        }, Math.ceil(Math.min(quietIn, deferLimitIn)));
      }
      return;
    }
    waiting[head] = undefined as unknown as Waiting;
    head += 1;
    // Compact now and then rather than shift() each time (O(n) on a long queue).
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    inFlight += 1;
    next.start();
    scheduleTurn();
  }

  return {
    noteRequest() {
      lastRequestAt = now();
    },
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({
          queuedAt: now(),
          start: () => {
            Promise.resolve()
              .then(task)
              .then(resolve, reject)
              .finally(() => {
                inFlight -= 1;
                done += 1;
                scheduleTurn();
              });
          },
        });
        scheduleTurn();
      });
    },
    counts() {
      return { queued: waiting.length - head, inFlight, done };
    },
  };
}
