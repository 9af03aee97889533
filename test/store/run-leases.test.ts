// Run leases: each schedule occurrence runs once across the processes sharing one store file. Two real store
// handles on one SQLite file stand for two replicas (each with its own connection and lock waits), node-cron 4.6
// tasks on a schedule of every second fire on both; every slot must run exactly once.
import { join } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulePolling, type PassResult, type Poller } from '../../src/activity/poller.js';
import { openSqliteStore, RUN_LEASE_RETENTION_MS, scheduleCoordination, type SqliteStore } from '../../src/store/index.js';
import { capturingLogger, manualClock, tempDir } from './helpers.js';

let dir: ReturnType<typeof tempDir>;
const opened: SqliteStore[] = [];
const open = (clock?: () => Date): SqliteStore => {
  const store = openSqliteStore({ path: join(dir.path, 'shared.sqlite') }, clock ? { clock } : {});
  opened.push(store);
  return store;
};

beforeEach(() => {
  dir = tempDir('arg-leases-');
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  dir.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('run leases on one store file', () => {
  it('gives an occurrence to the first claim only, across two handles', () => {
    const a = open();
    const b = open();
    expect(a.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
    expect(b.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
    expect(a.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(false);
    // The next occurrence is a new key: whoever asks first.
    expect(b.runLeases.claim('reminders:2026-12-01T21:41:00.000Z', 'replica-b', 30_000)).toBe(true);
  });

  it('lets another holder take over an uncompleted occurrence once its lease has passed, never a completed one', () => {
    const clock = manualClock('2026-12-01T21:40:00.000Z');
    const a = open(clock.now);
    const b = open(clock.now);
    expect(a.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
    expect(a.runLeases.claim('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
    a.runLeases.complete('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-a');
    clock.advance(29_999);
    expect(b.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
    clock.advance(1);
    // replica-a died holding the scan: its lease is over.
    expect(b.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(true);
    expect(b.runLeases.claim('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
    // A late completion by the old holder does not close the new holder's claim.
    a.runLeases.complete('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a');
    clock.advance(30_000);
    expect(a.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
  });

  it('prunes occurrences a day past their lease, and keeps younger ones', () => {
    const clock = manualClock('2026-12-01T00:00:00.000Z');
    const a = open(clock.now);
    expect(a.runLeases.claim('reminders:old', 'replica-a', 1_000)).toBe(true);
    a.runLeases.complete('reminders:old', 'replica-a');
    clock.advance(RUN_LEASE_RETENTION_MS);
    expect(a.runLeases.claim('reminders:young', 'replica-a', 1_000)).toBe(true);
    a.runLeases.complete('reminders:young', 'replica-a');
    // Still there: the retention counts from the lease's end (1 s after the claim).
    expect(a.runLeases.claim('reminders:old', 'replica-b', 1_000)).toBe(false);
    clock.advance(1_001);
    // The next win prunes "old"; asked again it is a fresh key, which shows it is gone.
    expect(a.runLeases.claim('reminders:trigger', 'replica-a', 1_000)).toBe(true);
    expect(a.runLeases.claim('reminders:old', 'replica-b', 1_000)).toBe(true);
    expect(a.runLeases.claim('reminders:young', 'replica-b', 1_000)).toBe(false);
  });

  it('refuses a lease that is not a positive number of milliseconds', () => {
    expect(() => open().runLeases.claim('reminders:x', 'replica-a', 0)).toThrow(/positive number of milliseconds/);
  });
});

describe('node-cron tasks coordinated through the store', () => {
  const tasks: ScheduledTask[] = [];
  afterEach(async () => {
    for (const task of tasks.splice(0)) await task.destroy();
  });

  /** Runs `replicas` tasks named alike for ~4.5 s on a schedule of every second; the slots each one ran. */
  async function runEverySecond(replicas: Array<ReturnType<typeof scheduleCoordination> | null>): Promise<string[][]> {
    const runs = replicas.map(() => [] as string[]);
    replicas.forEach((coordination, index) => {
      tasks.push(
        cron.schedule('* * * * * *', (context) => void runs[index]!.push(context.date.toISOString()), {
          name: 'lease-test',
          noOverlap: true,
          ...(coordination ?? {}),
        }),
      );
    });
    await sleep(4_500);
    for (const task of tasks) await task.stop();
    return runs;
  }

  it('runs each occurrence on exactly one of two replicas sharing the file', async () => {
    const a = open();
    const b = open();
    const runs = await runEverySecond([scheduleCoordination(a.runLeases, 'replica-a'), scheduleCoordination(b.runLeases, 'replica-b')]);
    const all = runs.flat();
    // Every slot once: no slot in both lists, and none twice in one.
    expect(new Set(all).size).toBe(all.length);
    // A loaded machine may miss a tick; most of the ~4 slots still ran.
    expect(all.length).toBeGreaterThanOrEqual(3);
  }, 20_000);

  it('without coordination both replicas run every occurrence (what the leases prevent)', async () => {
    const runs = await runEverySecond([null, null]);
    const all = runs.flat();
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all).size).toBeLessThan(all.length);
  }, 20_000);

  it('passes the coordination through schedulePolling: each poll tick once across two replicas', async () => {
    const a = open();
    const b = open();
    const passes: string[] = [];
    const pollerOf = (replica: string): Poller => ({
      accountId: '123456789012',
      regions: ['us-east-1'],
      async pollOnce(): Promise<PassResult> {
        const at = new Date().toISOString();
        passes.push(replica);
        return { accountId: '123456789012', startedAt: at, finishedAt: at, regions: [], totals: { pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, failedRegions: 0 } };
      },
    });
    const { logger } = capturingLogger();
    const stops = [
      schedulePolling(pollerOf('a'), '* * * * * *', { logger, coordination: scheduleCoordination(a.runLeases, 'replica-a') }),
      schedulePolling(pollerOf('b'), '* * * * * *', { logger, coordination: scheduleCoordination(b.runLeases, 'replica-b') }),
    ];
    await sleep(4_500);
    for (const stop of stops) await stop();
    // At most one pass per second across both: ~4.5 s hold at most 5 slots (two uncoordinated replicas make 8 to 10).
    expect(passes.length).toBeGreaterThanOrEqual(3);
    expect(passes.length).toBeLessThanOrEqual(5);
  }, 20_000);
});
