// schedulePolling on node-cron 4: passes on the schedule, no overlap, errors logged, stop waits for a running pass.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { schedulePolling, type PassResult, type Poller } from '../../src/activity/poller.js';

function emptyPass(): PassResult {
  const at = new Date().toISOString();
  return { accountId: '123456789012', startedAt: at, finishedAt: at, regions: [], totals: { pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, failedRegions: 0 } };
}

/** A poller whose passes take `passMs`; it records when each pass starts and ends. */
function slowPoller(passMs: number, failFirst = false): Poller & { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  return {
    accountId: '123456789012',
    regions: ['us-east-1'],
    starts,
    ends,
    async pollOnce() {
      starts.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, passMs));
      ends.push(Date.now());
      if (failFirst && starts.length === 1) throw new Error('database is locked');
      return emptyPass();
    },
  };
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', secretValues: [], destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('schedulePolling', () => {
  it('runs a pass now and on every tick, logs a failed pass and keeps going, and stops cleanly', async () => {
    const poller = slowPoller(50, true);
    const { logger, lines } = captureLogger();
    const stop = schedulePolling(poller, '* * * * * *', { logger, runNow: true, name: 'poll-test-ticks' });
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await stop();
    const passes = poller.starts.length;
    expect(passes).toBeGreaterThanOrEqual(3); // now, then at least two one-second ticks
    expect(lines.some((line) => line.level === 50 && line.msg === 'poll: the pass failed')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(poller.starts.length).toBe(passes);
  });

  it('never overlaps passes, the one started at once included', async () => {
    const poller = slowPoller(1300);
    const { logger } = captureLogger();
    const stop = schedulePolling(poller, '* * * * * *', { logger, runNow: true, name: 'poll-test-overlap' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await stop();
    expect(poller.starts.length).toBeGreaterThanOrEqual(1);
    for (let index = 1; index < poller.starts.length; index++) {
      expect(poller.starts[index]!).toBeGreaterThanOrEqual(poller.ends[index - 1]!);
    }
  });

  it('stop waits for the pass that is running', async () => {
    const poller = slowPoller(1000);
    const { logger } = captureLogger();
    const stop = schedulePolling(poller, '0 0 1 1 *', { logger, runNow: true, name: 'poll-test-stop' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(poller.ends).toHaveLength(0);
    await stop();
    expect(poller.starts).toHaveLength(1);
    expect(poller.ends).toHaveLength(1);
  });
});

describe('schedulePolling onPass', () => {
  it('hands every pass result to onPass (to wake the outbox sender), and logs its failure without stopping', async () => {
    const poller = slowPoller(10);
    const { logger, lines } = captureLogger();
    const seen: PassResult[] = [];
    const stop = schedulePolling(poller, '* * * * * *', {
      logger,
      runNow: true,
      name: 'poll-test-on-pass',
      onPass: (pass) => {
        seen.push(pass);
        if (seen.length === 1) throw new Error('sender is not ready');
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await stop();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]?.accountId).toBe('123456789012');
    expect(lines.some((line) => line.level === 50 && (line.err as { message?: string } | undefined)?.message === 'sender is not ready')).toBe(true);
  });
});
