// The schedule with a controlled clock: node-cron runs on vitest's fake timers and Date, so weeks pass in milliseconds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runWeeklySummary, type SummaryTrigger } from '../../src/summary/index.js';
import { startWeeklySummarySchedule, type WeeklySummaryScheduler } from '../../src/summary/scheduler.js';
import { zonedInstant } from '../../src/summary/week.js';
import { report } from './fixtures.js';
import { MemoryLedger, MemorySources } from './memory.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;

let running: WeeklySummaryScheduler[] = [];

afterEach(async () => {
  for (const scheduler of running) await scheduler.stop();
  running = [];
  vi.useRealTimers();
});

function useClock(start: Date): void {
  vi.useFakeTimers({ now: start, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** A bot process: the real runWeeklySummary over a shared ledger and store, each run noting when and why it ran. */
function startBot(ledger: MemoryLedger, sources: MemorySources, timezone: string, schedule = '0 9 * * 1', runs: Array<{ trigger: SummaryTrigger; at: string }> = []) {
  const scheduler = startWeeklySummarySchedule({
    schedule,
    timezone,
    ledger,
    logger: quietLogger,
    run: (trigger) => {
      runs.push({ trigger, at: new Date().toISOString() });
      return runWeeklySummary({ sources, ledger, timezone, now: () => new Date() });
    },
  });
  running.push(scheduler);
  return { scheduler, runs };
}

function world() {
  const ledger = new MemoryLedger();
  const sources = new MemorySources({ watched: [{ id: '111122223333', alias: 'prod' }], snapshots: [{ accountId: '111122223333', takenAt: '2026-11-30T06:00:00.000Z', report: report('111122223333') }] });
  return { ledger, sources };
}

describe('weekly summary schedule', () => {
  it('fires at 09:00 local on Monday in Europe/Berlin, and not before', async () => {
    const start = zonedInstant({ year: 2026, month: 11, day: 30, hour: 8, minute: 58, second: 0 }, 'Europe/Berlin');
    useClock(start);
    const { ledger, sources } = world();
    const { scheduler, runs } = startBot(ledger, sources, 'Europe/Berlin');
    expect(await scheduler.startup).toMatchObject({ post: false, reason: 'not-due-yet' });
    expect(scheduler.nextRun()?.toISOString()).toBe('2026-11-30T08:00:00.000Z');

    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(runs).toEqual([{ trigger: 'scheduled', at: '2026-11-30T08:00:00.000Z' }]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });

  it('Pacific/Auckland: fires on Monday 09:00 NZDT, which is Sunday 20:00 UTC', async () => {
    useClock(new Date('2026-11-29T19:30:00Z'));
    const { ledger, sources } = world();
    const { runs } = startBot(ledger, sources, 'Pacific/Auckland');
    await vi.advanceTimersByTimeAsync(31 * MINUTE);
    expect(runs).toEqual([{ trigger: 'scheduled', at: '2026-11-29T20:00:00.000Z' }]);
    expect(ledger.queued[0]!.summary.window).toMatchObject({ weekKey: '2026-W48', firstDay: '2026-11-23', start: '2026-11-22T11:00:00.000Z' });
  });

  it('across the spring-forward week in America/New_York, the Monday runs stay at 09:00 local', async () => {
    useClock(new Date('2026-03-02T13:59:00Z')); // Monday 2 Mar, 08:59 EST
    const { ledger, sources } = world();
    const { runs } = startBot(ledger, sources, 'America/New_York');
    await vi.advanceTimersByTimeAsync(7 * DAY + 2 * MINUTE);
    expect(runs.map((run) => run.at)).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z']); // EST, then EDT
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W09', '2026-W10']);
  });

  it('down at the scheduled time: posts once on start-up, then follows the schedule', async () => {
    useClock(new Date('2026-11-30T11:17:00Z'));
    const { ledger, sources } = world();
    const { scheduler, runs } = startBot(ledger, sources, 'UTC');
    expect(await scheduler.startup).toMatchObject({ post: true, reason: 'missed' });
    expect(runs).toEqual([{ trigger: 'catch-up', at: '2026-11-30T11:17:00.000Z' }]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    await vi.advanceTimersByTimeAsync(7 * DAY);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48', '2026-W49']);
    expect(runs.at(-1)).toEqual({ trigger: 'scheduled', at: '2026-12-07T09:00:00.000Z' });
  });

  it('exactly once across restarts: a restart right after posting posts nothing', async () => {
    useClock(new Date('2026-11-30T08:59:30Z'));
    const { ledger, sources } = world();
    const first = startBot(ledger, sources, 'UTC');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(ledger.queued).toHaveLength(1);
    await first.scheduler.stop();

    for (let restart = 0; restart < 3; restart += 1) {
      vi.setSystemTime(new Date(Date.now() + 5 * MINUTE));
      const again = startBot(ledger, sources, 'UTC');
      expect(await again.scheduler.startup).toMatchObject({ post: false, reason: 'already-posted' });
      await again.scheduler.stop();
      expect(again.runs).toEqual([]);
    }
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });

  it('a start before this week\'s scheduled time leaves the post to cron', async () => {
    useClock(new Date('2026-11-30T07:00:00Z'));
    const { ledger, sources } = world();
    const { scheduler, runs } = startBot(ledger, sources, 'UTC');
    expect(await scheduler.startup).toMatchObject({ post: false, reason: 'not-due-yet' });
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE);
    expect(runs.map((run) => run.trigger)).toEqual(['scheduled']);
  });

  it('a slot missed by a stalled process (clock jumped past it) still triggers one run', async () => {
    useClock(new Date('2026-11-30T08:59:00Z'));
    const { ledger, sources } = world();
    const { runs } = startBot(ledger, sources, 'UTC');
    // The host sleeps through 09:00: time moves on, timers do not fire until it wakes half an hour later.
    vi.setSystemTime(new Date('2026-11-30T09:30:00Z'));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(runs.map((run) => run.trigger)).toEqual(['missed-slot']);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });

  it('a failed run is retried later, and succeeds once', async () => {
    useClock(new Date('2026-11-30T08:59:30Z'));
    const { ledger, sources } = world();
    let failures = 2;
    const runs: Array<{ trigger: SummaryTrigger; at: string }> = [];
    const scheduler = startWeeklySummarySchedule({
      schedule: '0 9 * * 1',
      timezone: 'UTC',
      ledger,
      logger: quietLogger,
      retryDelayMs: 10 * MINUTE,
      run: (trigger) => {
        runs.push({ trigger, at: new Date().toISOString() });
        if (failures-- > 0) return Promise.reject(new Error('SQLITE_BUSY: database is locked'));
        return runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => new Date() });
      },
    });
    running.push(scheduler);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(runs.map((run) => `${run.trigger}@${run.at.slice(11, 16)}`)).toEqual(['scheduled@09:00', 'retry@09:10', 'retry@09:20']);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });
});
