// Client-side pacing for CloudTrail LookupEvents, whose quota is 2 requests per second per account and
// Region (LookupEvents API reference: "limited to two per second, per account, per Region").
//
// Requests are spaced evenly, 1000 / rate ms apart plus a small margin, instead of being let out in
// bursts: any one-second window then holds at most `rate` requests whichever way the server counts
// (sliding window, fixed one-second window or token bucket), even with some network jitter.

/** Monotonic time and sleeping, injected so tests can drive the limiter without real waits. */
export interface Timer {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A slot acquire() gave: when its request may leave, and when the slot before it did. */
export interface RateSlot {
  atMs: number;
  afterMs: number;
}

export interface RateLimiter {
  /** Resolves when the caller may send one request; reserves that slot. */
  acquire(): Promise<RateSlot>;
  /**
   * The request of `slot` could not leave at its time (it waited for a place among the requests in flight) and
   * leaves now: its slot moves to now, spaced from the slot before it, not from its own. If another slot was
   * given since, it takes a new one after that.
   */
  retake(slot: RateSlot): Promise<void>;
  /** After a throttling answer: no one sharing this quota sends before `ms` from now. */
  holdOff(ms: number): void;
  /**
   * A request left now (called as close to the socket as the caller can, possibly more than once a request: the
   * latest counts). Slots are spaced from it rather than from the time it was given: under load a request leaves
   * after its slot (a late timer, the SDK's own awaits before the socket), and spaced from its slot the next one
   * could follow it by less than an interval and make three in a second at AWS.
   */
  departed(): void;
}

export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Added to each interval so a request that travels faster than the previous one still lands in time. */
  marginMs?: number;
  timer?: Timer;
}

export const LOOKUP_EVENTS_REQUESTS_PER_SECOND = 2;
const DEFAULT_MARGIN_MS = 25;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.requestsPerSecond > 0)) throw new RangeError(`requestsPerSecond must be above 0, got ${options.requestsPerSecond}`);
  const timer = options.timer ?? realTimer;
  const intervalMs = 1000 / options.requestsPerSecond + (options.marginMs ?? DEFAULT_MARGIN_MS);
  // The earliest time the next request may start. Slots are reserved synchronously, so concurrent
  // callers (the root lookup and the sign-in lookup of one Region) never take the same slot.
  let nextSlotMs = Number.NEGATIVE_INFINITY;
  let lastSlot: RateSlot | null = null;
  let heldUntilMs = Number.NEGATIVE_INFINITY;
  let lastDepartureMs = Number.NEGATIVE_INFINITY;
  const take = async (earliestMs: number, afterMs: number): Promise<RateSlot> => {
    const nowMs = timer.nowMs();
    const slot = { atMs: Math.max(nowMs, earliestMs, lastDepartureMs + intervalMs), afterMs };
    lastSlot = slot;
    nextSlotMs = slot.atMs + intervalMs;
    if (slot.atMs > nowMs) await timer.sleep(slot.atMs - nowMs);
    // A request given its slot before this one left meanwhile, later than its own slot: this one follows it.
    while (lastDepartureMs + intervalMs > slot.atMs) {
      const laterMs = lastDepartureMs + intervalMs;
      const waitMs = laterMs - timer.nowMs();
      slot.atMs = laterMs;
      nextSlotMs = Math.max(nextSlotMs, laterMs + intervalMs);
      if (waitMs > 0) await timer.sleep(waitMs);
    }
    return slot;
  };
  return {
    acquire: () => take(nextSlotMs, lastSlot?.atMs ?? Number.NEGATIVE_INFINITY),
    async retake(slot) {
      if (slot !== lastSlot) {
        await take(nextSlotMs, lastSlot?.atMs ?? Number.NEGATIVE_INFINITY);
        return;
      }
      await take(Math.max(slot.afterMs + intervalMs, heldUntilMs), slot.afterMs);
    },
    holdOff(ms) {
      heldUntilMs = Math.max(heldUntilMs, timer.nowMs() + ms);
      nextSlotMs = Math.max(nextSlotMs, heldUntilMs);
    },
    departed() {
      lastDepartureMs = Math.max(lastDepartureMs, timer.nowMs());
      nextSlotMs = Math.max(nextSlotMs, lastDepartureMs + intervalMs);
    },
  };
}

/** One limiter per (account, Region): the quota is per account and Region, shared by every lookup there. */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, RateLimiter>();
  constructor(private readonly options: RateLimiterOptions) {}

  forRegion(accountId: string, region: string): RateLimiter {
    const key = `${accountId}/${region}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = createRateLimiter(this.options);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** 0..1, injected for tests. */
  random?: () => number;
}

/** Exponential backoff with jitter: attempt 0 waits about baseMs, doubling up to capMs; half of it random. */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceilingMs = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.round(ceilingMs / 2 + (ceilingMs / 2) * random());
}
