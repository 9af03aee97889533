import { describe, expect, it } from 'vitest';
import { backoffDelayMs, createRateLimiter, RateLimiterRegistry, type Timer } from '../../src/activity/rate-limiter.js';
import { createRequestGate, sendPaced } from '../../src/activity/request-gate.js';

/** Virtual time: `sleep` records when the caller would wake, and (sequential use) moves the clock there. */
function virtualTimer(options: { advanceOnSleep: boolean }): Timer & { wakeTimes: number[]; advance(ms: number): void } {
  let nowMs = 0;
  const wakeTimes: number[] = [];
  return {
    wakeTimes,
    advance: (ms) => {
      nowMs += ms;
    },
    nowMs: () => nowMs,
    sleep: async (ms) => {
      wakeTimes.push(nowMs + ms);
      if (options.advanceOnSleep) nowMs += ms;
    },
  };
}

describe('rate limiter', () => {
  it('spaces requests so that no one-second window holds more than 2', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 25, timer });
    const starts: number[] = [];
    // A caller that asks every 100 ms, much faster than the quota.
    for (let index = 0; index < 9; index++) {
      await limiter.acquire();
      starts.push(timer.nowMs());
      timer.advance(100);
    }
    for (let index = 1; index < starts.length; index++) {
      expect((starts[index] ?? 0) - (starts[index - 1] ?? 0)).toBeGreaterThanOrEqual(525);
    }
    for (const windowStart of starts) {
      expect(starts.filter((start) => start >= windowStart && start <= windowStart + 1000).length).toBeLessThanOrEqual(2);
    }
    // and it does not wait longer than it must: 8 intervals of 525 ms.
    expect(starts.at(-1)).toBe(8 * 525);
  });

  it('gives concurrent callers distinct slots', async () => {
    const timer = virtualTimer({ advanceOnSleep: false });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    // The first goes at once; the others wake at 500, 1000 and 1500 ms.
    expect(timer.wakeTimes).toEqual([500, 1000, 1500]);
  });

  it('lets a caller through at once when the quota is idle', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, timer });
    await limiter.acquire();
    timer.advance(2000);
    await limiter.acquire();
    expect(timer.wakeTimes).toEqual([]);
  });

  it('holds every caller back after a throttle', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    await limiter.acquire();
    limiter.holdOff(3000);
    await limiter.acquire();
    await limiter.acquire();
    // The held-off caller wakes at 3000; the next keeps its spacing after it.
    expect(timer.wakeTimes).toEqual([3000, 3500]);
  });

  it('lets a request that waited elsewhere leave at once when nothing went before it (retake)', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 25, timer });
    const slot = await limiter.acquire();
    // 300 ms waiting for a place among the requests in flight: its own unused slot must not hold it until 525.
    timer.advance(300);
    await limiter.retake(slot);
    expect(timer.wakeTimes).toEqual([]);
    // The next one is spaced from where it actually left (300), not from its first slot.
    await limiter.acquire();
    expect(timer.wakeTimes).toEqual([825]);
  });

  it('spaces a retaken slot from the slot before it, and after a hold-off', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    await limiter.acquire();
    const second = await limiter.acquire();
    expect(timer.wakeTimes).toEqual([500]);
    // Asked back at once (it could not leave): still 500 after the first, so it stays where it was.
    await limiter.retake(second);
    expect(timer.nowMs()).toBe(500);
    timer.advance(100);
    limiter.holdOff(2000);
    const third = await limiter.acquire();
    expect(timer.nowMs()).toBe(2600);
    timer.advance(50);
    await limiter.retake(third);
    expect(timer.nowMs()).toBe(2650);
    expect(timer.wakeTimes).toEqual([500, 2600]);
  });

  it('gives a retaking caller a new slot after the others when another slot was given since', async () => {
    const timer = virtualTimer({ advanceOnSleep: false });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    const [first] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    await limiter.retake(first);
    expect(timer.wakeTimes).toEqual([500, 1000]);
  });

  it('sends requests of other account-Regions as soon as a place in flight frees, not an interval later (sendPaced)', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const registry = new RateLimiterRegistry({ requestsPerSecond: 2, marginMs: 25, timer });
    const gate = createRequestGate(1);
    const sentAt: Array<[string, number]> = [];
    let release: () => void = () => undefined;
    const first = sendPaced(registry.forRegion('111122223333', 'us-east-1'), gate, async () => {
      sentAt.push(['us-east-1', timer.nowMs()]);
      await new Promise<void>((resolve) => (release = resolve));
    });
    // A Region of another account, queued behind it in the gate for 50 ms.
    const second = sendPaced(registry.forRegion('444455556666', 'us-east-1'), gate, async () => {
      sentAt.push(['other', timer.nowMs()]);
    });
    await new Promise((resolve) => setImmediate(resolve));
    timer.advance(50);
    release();
    await Promise.all([first, second]);
    expect(sentAt).toEqual([
      ['us-east-1', 0],
      ['other', 50],
    ]);
    expect(timer.wakeTimes).toEqual([]);
  });

  it('spaces the next request from when the last one really left, not from its slot', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 25, timer });
    await limiter.acquire();
    // Its slot was 0; it reached the socket 300 ms later.
    timer.advance(300);
    limiter.departed();
    const next = await limiter.acquire();
    expect(next.atMs).toBe(825);
    expect(timer.wakeTimes).toEqual([825]);
  });

  it('moves a slot already given when the request before it leaves late, and the slots after it too', async () => {
    const timer = virtualTimer({ advanceOnSleep: false });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    await limiter.acquire();
    const second = limiter.acquire(); // slot 500, asleep
    timer.advance(300);
    limiter.departed(); // the first left at 300
    expect((await second).atMs).toBe(800);
    expect(timer.wakeTimes).toEqual([500, 800]);
    expect((await limiter.acquire()).atMs).toBe(1300);
  });

  it('tells the limiter when a request leaves, as send starts and again when send says so (sendPaced)', async () => {
    const timer = virtualTimer({ advanceOnSleep: true });
    const limiter = createRateLimiter({ requestsPerSecond: 2, marginMs: 0, timer });
    await sendPaced(limiter, null, async (departed) => {
      timer.advance(200); // the SDK's way to the socket
      departed();
    });
    await sendPaced(limiter, createRequestGate(1), async () => undefined);
    expect(timer.wakeTimes).toEqual([700]);
  });

  it('refuses a rate of zero', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow(RangeError);
  });

  it('keeps one limiter per account and Region', () => {
    const registry = new RateLimiterRegistry({ requestsPerSecond: 2 });
    expect(registry.forRegion('111122223333', 'us-east-1')).toBe(registry.forRegion('111122223333', 'us-east-1'));
    expect(registry.forRegion('111122223333', 'us-east-1')).not.toBe(registry.forRegion('111122223333', 'eu-west-1'));
    expect(registry.forRegion('111122223333', 'us-east-1')).not.toBe(registry.forRegion('444455556666', 'us-east-1'));
  });
});

describe('backoff', () => {
  const options = { baseMs: 500, capMs: 8000 };
  it('doubles per attempt up to the cap, with half of it random', () => {
    expect(backoffDelayMs(0, { ...options, random: () => 0 })).toBe(250);
    expect(backoffDelayMs(0, { ...options, random: () => 1 })).toBe(500);
    expect(backoffDelayMs(3, { ...options, random: () => 1 })).toBe(4000);
    expect(backoffDelayMs(10, { ...options, random: () => 1 })).toBe(8000);
    expect(backoffDelayMs(10, { ...options, random: () => 0 })).toBe(4000);
  });
});
