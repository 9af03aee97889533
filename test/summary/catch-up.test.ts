import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstScheduledTimeInWeek, shouldPostOnStartup } from '../../src/summary/catch-up.js';
import { weekContaining, zonedInstant } from '../../src/summary/week.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('firstScheduledTimeInWeek', () => {
  it('Mondays at 09:00 in UTC, Europe/Berlin and Pacific/Auckland', () => {
    const instant = new Date('2026-12-02T12:00:00Z');
    expect(firstScheduledTimeInWeek('0 9 * * 1', weekContaining(instant, 'UTC'))?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(firstScheduledTimeInWeek('0 9 * * 1', weekContaining(instant, 'Europe/Berlin'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    // Monday 09:00 NZDT (+13:00) is Sunday 20:00 UTC.
    expect(firstScheduledTimeInWeek('0 9 * * 1', weekContaining(instant, 'Pacific/Auckland'))?.toISOString()).toBe('2026-11-29T20:00:00.000Z');
  });

  it('several runs a week: the first one counts', () => {
    expect(firstScheduledTimeInWeek('0 17 * * 3,5', weekContaining(new Date('2026-12-02T12:00:00Z'), 'UTC'))?.toISOString()).toBe('2026-12-02T17:00:00.000Z');
  });

  it('a wall time skipped by spring forward does not fire that week, as node-cron skips it', () => {
    const dstWeek = weekContaining(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect(firstScheduledTimeInWeek('30 2 * * 0', dstWeek)).toBeNull();
    const fallWeek = weekContaining(new Date('2026-10-25T12:00:00Z'), 'Europe/Berlin');
    // 02:30 happens twice on 25 Oct: the first one, still CEST.
    expect(firstScheduledTimeInWeek('30 2 * * 0', fallWeek)?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('agrees with node-cron\'s own next-run computation', () => {
    const cases: Array<[string, string, string]> = [
      ['0 9 * * 1', 'Pacific/Auckland', '2026-09-23T00:00:00Z'],
      ['0 9 * * 1', 'America/New_York', '2026-03-04T00:00:00Z'],
      ['45 23 * * 0', 'Europe/Berlin', '2026-10-21T00:00:00Z'],
      ['0 0 * * 1', 'America/Santiago', '2026-09-02T00:00:00Z'],
      ['15 8 * * 2-4', 'Asia/Kathmandu', '2026-06-10T00:00:00Z'],
      ['30 2 * * 0', 'America/New_York', '2026-11-04T00:00:00Z'],
    ];
    for (const [schedule, timezone, instant] of cases) {
      const week = weekContaining(new Date(instant), timezone);
      vi.useFakeTimers({ now: week.start.getTime() - 1000, toFake: ['Date'] });
      const task = cron.createTask(schedule, () => undefined, { timezone });
      const [cronNext] = task.getNextRuns(1);
      void task.destroy();
      vi.useRealTimers();
      const expected = cronNext && cronNext < week.end ? cronNext.toISOString() : null;
      expect(expected, `${schedule} ${timezone}: node-cron fires in this week`).not.toBeNull();
      expect(firstScheduledTimeInWeek(schedule, week)?.toISOString() ?? null, `${schedule} ${timezone}`).toBe(expected);
    }
  });

  it('leaves nothing in node-cron\'s task registry', () => {
    const before = cron.getTasks().size;
    firstScheduledTimeInWeek('0 9 * * 1', weekContaining(new Date(), 'UTC'));
    expect(cron.getTasks().size).toBe(before);
  });
});

describe('shouldPostOnStartup', () => {
  const schedule = '0 9 * * 1';

  it('down at the scheduled time: post on start-up (the summary of the week before)', () => {
    const decision = shouldPostOnStartup(new Date('2026-11-30T11:30:00Z'), '2026-W47', schedule, 'UTC');
    expect(decision).toMatchObject({ post: true, reason: 'missed' });
    expect(decision.reportWeek.key).toBe('2026-W48');
    expect(decision.scheduledAt?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('down all Monday, back on Thursday: still posts', () => {
    expect(shouldPostOnStartup(new Date('2026-12-03T08:00:00Z'), null, schedule, 'UTC')).toMatchObject({ post: true, reason: 'missed' });
  });

  it('a restart right after posting: no post', () => {
    expect(shouldPostOnStartup(new Date('2026-11-30T09:00:30Z'), '2026-W48', schedule, 'UTC')).toMatchObject({ post: false, reason: 'already-posted' });
  });

  it('started before this week\'s scheduled time: no post yet, cron will do it', () => {
    const decision = shouldPostOnStartup(new Date('2026-11-30T08:59:59Z'), '2026-W47', schedule, 'UTC');
    expect(decision).toMatchObject({ post: false, reason: 'not-due-yet' });
    expect(decision.scheduledAt?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('exactly at the scheduled time counts as due', () => {
    expect(shouldPostOnStartup(new Date('2026-11-30T09:00:00Z'), '2026-W47', schedule, 'UTC').post).toBe(true);
  });

  it('Pacific/Auckland: Monday 09:00 local is Sunday evening in UTC', () => {
    const mondayMorningLocal = zonedInstant({ year: 2026, month: 11, day: 30, hour: 10, minute: 0, second: 0 }, 'Pacific/Auckland');
    expect(mondayMorningLocal.toISOString()).toBe('2026-11-29T21:00:00.000Z');
    const due = shouldPostOnStartup(mondayMorningLocal, '2026-W47', schedule, 'Pacific/Auckland');
    expect(due).toMatchObject({ post: true, reason: 'missed' });
    expect(due.reportWeek.key).toBe('2026-W48');
    const early = zonedInstant({ year: 2026, month: 11, day: 30, hour: 8, minute: 0, second: 0 }, 'Pacific/Auckland');
    expect(shouldPostOnStartup(early, '2026-W47', schedule, 'Pacific/Auckland').reason).toBe('not-due-yet');
    // The same instant in UTC is still Sunday: the UTC Monday run is days away, and W47 is the last complete week.
    expect(shouldPostOnStartup(mondayMorningLocal, '2026-W47', schedule, 'UTC').reason).toBe('already-posted');
  });

  it('a week whose only run falls into a DST gap has no run to catch up on', () => {
    const decision = shouldPostOnStartup(new Date('2026-03-29T12:00:00Z'), null, '30 2 * * 0', 'Europe/Berlin');
    expect(decision).toMatchObject({ post: false, reason: 'no-run-this-week', scheduledAt: null });
  });
});
