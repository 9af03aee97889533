import { describe, expect, it } from 'vitest';
import { backoffDelayMs, createRateLimiter, RateLimiterRegistry, type Timer } from '../../src/activity/rate-limiter.js';

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
