// The start-up pass as the occurrence of the schedule's latest slot: which slot that is, and that its key is the one
// node-cron's own tick of that slot asks the coordinator for (so a start-up pass and that tick run once between them).
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import DatabaseConstructor from 'better-sqlite3';
import { latestSlot, runAsLatestOccurrence } from '../../src/activity/latest-occurrence.js';
import { migrate, scheduleCoordination, SqliteRunLeases } from '../../src/store/index.js';

const tasks: ScheduledTask[] = [];
const task = (expression: string): ScheduledTask => {
  const created = cron.createTask(expression, () => undefined, { timezone: 'UTC' });
  tasks.push(created);
  return created;
};
afterEach(async () => {
  for (const created of tasks.splice(0)) await created.destroy();
});

/** A coordinator that grants each key once, remembering what was asked. */
function onceEach(): RunCoordinator & { asked: string[]; completed: string[] } {
  const granted = new Set<string>();
  const asked: string[] = [];
  const completed: string[] = [];
  return {
    asked,
    completed,
    shouldRun(key) {
      asked.push(key);
      if (granted.has(key)) return false;
      granted.add(key);
      return true;
    },
    onComplete(key) {
      completed.push(key);
    },
  };
}

describe('the latest slot of a schedule', () => {
  it('is the tick at or before now, in whole seconds', () => {
    expect(latestSlot(task('*/5 * * * * *'), new Date('2026-12-02T10:00:07.300Z')).toISOString()).toBe('2026-12-02T10:00:05.000Z');
    expect(latestSlot(task('*/5 * * * * *'), new Date('2026-12-02T10:00:05.000Z')).toISOString()).toBe('2026-12-02T10:00:05.000Z');
    expect(latestSlot(task('* * * * *'), new Date('2026-12-02T10:17:59.999Z')).toISOString()).toBe('2026-12-02T10:17:00.000Z');
    expect(latestSlot(task('0 * * * *'), new Date('2026-12-02T10:59:59.000Z')).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  it('a schedule with no tick in the last hour: the hour, so replicas starting within it share one run', () => {
    expect(latestSlot(task('0 9 * * 1'), new Date('2026-12-02T10:42:13.000Z')).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });
});

describe('the start-up run', () => {
  it("asks under node-cron's own key of that tick: the tick and a start-up run in its second run once between them", async () => {
    const coordinator = onceEach();
    const runs: string[] = [];
    const scheduled = cron.schedule('* * * * * *', () => void runs.push('tick'), { name: 'latest-test', distributed: true, runCoordinator: coordinator });
    tasks.push(scheduled);
    const deadline = Date.now() + 5_000;
    while (coordinator.asked.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduled.stop();
    const tickKey = coordinator.asked[0]!;
    const slot = new Date(tickKey.slice('latest-test:'.length));
    const ran = await runAsLatestOccurrence(scheduled, 'latest-test', { distributed: true, runCoordinator: coordinator }, async () => void runs.push('start-up'), new Date(slot.getTime() + 400));
    expect(coordinator.asked).toEqual([tickKey, tickKey]);
    expect(ran).toBe(false);
    expect(runs).toEqual(['tick']);
  });

  it('runs when it wins the claim, and completes the occurrence even when the run throws', async () => {
    const coordinator = onceEach();
    const coordination = { distributed: true, runCoordinator: coordinator } as const;
    const hourly = task('0 * * * *');
    const now = new Date('2026-12-02T10:20:00.000Z');
    await expect(runAsLatestOccurrence(hourly, 'poll', coordination, async () => Promise.reject(new Error('pass failed')), now)).rejects.toThrow('pass failed');
    expect(coordinator.completed).toEqual(['poll:2026-12-02T10:00:00.000Z']);
    expect(await runAsLatestOccurrence(hourly, 'poll', coordination, async () => undefined, now)).toBe(false);
  });

  it("leaves an 'unfinished' run's occurrence uncompleted, on the real run leases: another replica takes it once the lease lapses", async () => {
    const clock = { nowMs: Date.parse('2026-12-02T10:20:00.000Z') };
    const db = new DatabaseConstructor(':memory:');
    migrate(db, ':memory:');
    const leases = new SqliteRunLeases(db, () => new Date(clock.nowMs));
    const [a, b] = [scheduleCoordination(leases, 'host-a:3000/1/aaaa'), scheduleCoordination(leases, 'host-b:3001/2/bbbb')];
    const daily = task('0 6 * * *');
    const now = new Date(clock.nowMs);
    const runs: string[] = [];
    expect(await runAsLatestOccurrence(daily, 'first-scan', a, async () => {
      runs.push('a');
      return 'unfinished';
    }, now)).toBe(true);
    // Within A's lease, B does not run it; after the lease, B does, and completes it: nobody runs it again.
    expect(await runAsLatestOccurrence(daily, 'first-scan', b, async () => void runs.push('b'), now)).toBe(false);
    clock.nowMs += 30_000;
    expect(await runAsLatestOccurrence(daily, 'first-scan', b, async () => void runs.push('b'), now)).toBe(true);
    clock.nowMs += 60_000;
    expect(await runAsLatestOccurrence(daily, 'first-scan', a, async () => void runs.push('a'), now)).toBe(false);
    expect(runs).toEqual(['a', 'b']);
    expect(db.prepare(`SELECT holder, completed_at FROM run_leases`).all()).toEqual([{ holder: 'host-b:3001/2/bbbb', completed_at: '2026-12-02T10:20:30.000Z' }]);
    db.close();
  });
});
