// One bound on AWS requests in flight across every account and Region the poller reads: each account-Region has
// its own 2 requests/s limiter (the LookupEvents quota), and this gate keeps a 1,000-account organization from
// opening thousands of sockets at once. A request waits for its limiter first, then for a slot here; one that had
// to wait for a slot is told so (`queued`), so it can take its limiter slot again (sendPaced): requests held here
// would otherwise leave together and exceed the quota at AWS.
import type { RateLimiter } from './rate-limiter.js';

export interface RequestGate {
  run<T>(request: (queued: boolean) => Promise<T>): Promise<T>;
  /** Requests holding a slot now. */
  inFlight(): number;
}

export function createRequestGate(maxInFlight: number): RequestGate {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a whole number >= 1, got ${maxInFlight}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    inFlight: () => active,
    async run<T>(request: (queued: boolean) => Promise<T>): Promise<T> {
      const queued = active >= maxInFlight;
      if (!queued) active += 1;
      // A released slot passes straight to the next waiter, so `active` stays counted.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await request(queued);
      } finally {
        release();
      }
    },
  };
}

/**
 * One request of an account-Region: its limiter's slot, then (with a gate) a place among the requests in flight. One
 * that waited for its place retakes its slot, spaced from the request before it: taking a new slot instead would
 * space it from its own unused one and hold the place idle for up to an interval (525 ms at 2/s). The request's
 * departure is told to the limiter as `send` starts, and again by `send` through `departed` when it can tell later
 * (the CloudTrail clients' departure middleware, just before the socket).
 */
export async function sendPaced<T>(limiter: RateLimiter, gate: RequestGate | null, send: (departed: () => void) => Promise<T>): Promise<T> {
  const slot = await limiter.acquire();
  const departed = () => limiter.departed();
  const go = () => {
    departed();
    return send(departed);
  };
  if (!gate) return go();
  return gate.run(async (queued) => {
    if (queued) await limiter.retake(slot);
    return go();
  });
}
