// The queue behind the acks: bounded concurrency, arrival order, nothing dropped, held while requests arrive.
import { describe, expect, it } from 'vitest';
import { createDeliveryQueue } from '../../src/slack/delivery-queue.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('createDeliveryQueue', () => {
  it('runs every task once, in arrival order, never more than `concurrency` at once', async () => {
    const queue = createDeliveryQueue({ concurrency: 3, quietMs: 0 });
    const started: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        queue.run(async () => {
          started.push(index);
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(index % 4);
          inFlight -= 1;
          return index * 2;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, index) => index * 2));
    expect(started).toEqual(Array.from({ length: 40 }, (_, index) => index));
    expect(maxInFlight).toBe(3);
    expect(queue.counts()).toEqual({ queued: 0, inFlight: 0, done: 40 });
  });

  it('a failing task rejects its own promise only; the others still run', async () => {
    const queue = createDeliveryQueue({ concurrency: 1, quietMs: 0 });
    const outcomes = await Promise.allSettled([
      queue.run(async () => 'first'),
      queue.run(async () => {
        throw new Error('response_url refused');
      }),
      queue.run(() => {
        throw new Error('thrown before any await');
      }),
      queue.run(async () => 'last'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: 'last' });
  });

  it('starts nothing while requests keep arriving, then delivers once they stop', async () => {
    // A quiet period far longer than the gaps between requests, so a loaded machine's late timers do not open one.
    const queue = createDeliveryQueue({ concurrency: 4, quietMs: 500, maxDeferMs: 30_000 });
    const deliveredAt: number[] = [];
    queue.noteRequest();
    const deliveries = Array.from({ length: 5 }, () => queue.run(async () => void deliveredAt.push(performance.now())));
    // Requests every 20 ms for 200 ms: each one pushes the deliveries back.
    let lastRequestAt = performance.now();
    for (let tick = 0; tick < 10; tick += 1) {
      await sleep(20);
      queue.noteRequest();
      lastRequestAt = performance.now();
      expect(deliveredAt).toEqual([]);
    }
    await Promise.all(deliveries);
    expect(deliveredAt).toHaveLength(5);
    expect(Math.min(...deliveredAt) - lastRequestAt).toBeGreaterThanOrEqual(499);
  });

  it('a flood that never stops holds a delivery no longer than maxDeferMs', async () => {
    const queue = createDeliveryQueue({ concurrency: 2, quietMs: 1_000, maxDeferMs: 300 });
    const queuedAt = performance.now();
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        queue.noteRequest();
        await sleep(5);
      }
    })();
    const delivered = await queue.run(async () => performance.now());
    flooding = false;
    await flood;
    expect(delivered - queuedAt).toBeGreaterThanOrEqual(299);
    // Well before the flood ended on its own (it never would): bounded by maxDeferMs plus a loaded machine's slack.
    expect(delivered - queuedAt).toBeLessThan(5_000);
  });

  it('yields to the event loop between deliveries: I/O that is ready runs before the next one starts', async () => {
    const queue = createDeliveryQueue({ concurrency: 10, quietMs: 0 });
    const order: string[] = [];
    const deliveries = [queue.run(async () => void order.push('delivery 1')), queue.run(async () => void order.push('delivery 2'))];
    // A check-phase callback queued now stands for an incoming request's work: it runs between the two starts.
    setImmediate(() => order.push('other work'));
    await Promise.all(deliveries);
    expect(order).toEqual(['delivery 1', 'other work', 'delivery 2']);
  });
});
