// Run leases: each schedule occurrence runs once across the processes sharing one store. Two real connections to one
// database stand for two replicas (SQLite: two store handles on one file, each with its own lock waits; PostgreSQL:
// two pools on one schema), node-cron 4.6 tasks on a schedule of every second fire on both; every slot must run
// exactly once.
import cron, { type ScheduledTask } from 'node-cron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulePolling, type PassResult, type Poller } from '../../src/activity/poller.js';
import { holderClaims, RUN_LEASE_RETENTION_MS, scheduleCoordination } from '../../src/store/index.js';
import { capturingLogger, manualClock } from './helpers.js';
import { BACKENDS, type ReplicaConnection, type SharedDatabase } from './shared-databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A poller whose pass only notes which replica ran it. */
function recordingPoller(passes: string[], replica: string): Poller {
  return {
    accountId: '123456789012',
    regions: ['us-east-1'],
    async pollOnce(): Promise<PassResult> {
      passes.push(replica);
      const at = new Date().toISOString();
      return { accountId: '123456789012', startedAt: at, finishedAt: at, regions: [], totals: { pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, failedRegions: 0 } };
    },
  };
}

describe.each(BACKENDS)('run leases on one $name database', (backend) => {
  let database: SharedDatabase;
  const open = (clock?: () => Date): ReplicaConnection => database.connect(clock);

  beforeEach(async () => {
    if (backend.open) database = await backend.open();
  });
  afterEach(async () => {
    await database?.close();
  });

  describe.skipIf(backend.open === null)('claims', () => {
    it('gives an occurrence to the first claim only, across two handles', async () => {
      const a = open();
      const b = open();
      expect(await a.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
      expect(await b.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
      expect(await a.runLeases.claim('reminders:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(false);
      // The next occurrence is a new key: whoever asks first.
      expect(await b.runLeases.claim('reminders:2026-12-01T21:41:00.000Z', 'replica-b', 30_000)).toBe(true);
    });

    it('lets another holder take over an uncompleted occurrence once its lease has passed, never a completed one', async () => {
      const clock = manualClock('2026-12-01T21:40:00.000Z');
      const a = open(clock.now);
      const b = open(clock.now);
      expect(await a.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
      expect(await a.runLeases.claim('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
      await a.runLeases.complete('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-a');
      clock.advance(29_999);
      expect(await b.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
      clock.advance(1);
      // replica-a died holding the scan: its lease is over.
      expect(await b.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(true);
      expect(await b.runLeases.claim('weekly-summary:2026-12-01T21:40:00.000Z', 'replica-b', 30_000)).toBe(false);
      // A late completion by the old holder does not close the new holder's claim.
      await a.runLeases.complete('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a');
      clock.advance(30_000);
      expect(await a.runLeases.claim('posture-scan:2026-12-01T21:40:00.000Z', 'replica-a', 30_000)).toBe(true);
    });

    it('renews a live claim for its holder only, so a long run keeps it past the first lease; a completed or taken-over claim is not renewed', async () => {
      const clock = manualClock('2026-12-01T21:40:00.000Z');
      const a = open(clock.now);
      const b = open(clock.now);
      const key = 'weekly-summary-catch-up:2026-W48';
      expect(await a.runLeases.claim(key, 'replica-a', 30_000)).toBe(true);
      clock.advance(20_000);
      expect(await b.runLeases.renew(key, 'replica-b', 30_000)).toBe(false);
      expect(await a.runLeases.renew(key, 'replica-a', 30_000)).toBe(true);
      // Past the first lease (30 s after the claim), within the renewed one (50 s): still replica-a's.
      clock.advance(29_999);
      expect(await b.runLeases.claim(key, 'replica-b', 30_000)).toBe(false);
      // replica-a stops renewing (it died): the renewed lease lapses and replica-b takes over.
      clock.advance(1);
      expect(await b.runLeases.claim(key, 'replica-b', 30_000)).toBe(true);
      // The old holder, back from a pause, learns it lost the claim and does not extend the new holder's lease.
      expect(await a.runLeases.renew(key, 'replica-a', 30_000)).toBe(false);
      clock.advance(29_999);
      expect(await a.runLeases.claim(key, 'replica-a', 30_000)).toBe(false);
      await b.runLeases.complete(key, 'replica-b');
      expect(await b.runLeases.renew(key, 'replica-b', 30_000)).toBe(false);
      clock.advance(60_000);
      expect(await a.runLeases.claim(key, 'replica-a', 30_000)).toBe(false);
      await expect(a.runLeases.renew(key, 'replica-a', 0)).rejects.toThrow(/positive number of milliseconds/);
    });

    it('names the live holder of an uncompleted claim, none once its lease passed or it is completed', async () => {
      const clock = manualClock('2026-12-01T21:40:00.000Z');
      const a = open(clock.now);
      const b = open(clock.now);
      const key = 'cloudtrail-poll-123456789012:pass-in-progress';
      expect(await b.runLeases.liveHolder(key)).toBeNull();
      expect(await a.runLeases.claim(key, 'replica-a', 30_000)).toBe(true);
      expect(await b.runLeases.liveHolder(key)).toBe('replica-a');
      // The pass ended: its holder shortens the lease to 1 s (pass-lease.ts); after that the key is free again.
      clock.advance(5_000);
      expect(await a.runLeases.renew(key, 'replica-a', 1_000)).toBe(true);
      clock.advance(999);
      expect(await b.runLeases.liveHolder(key)).toBe('replica-a');
      expect(await b.runLeases.claim(key, 'replica-b', 30_000)).toBe(false);
      clock.advance(1);
      expect(await b.runLeases.liveHolder(key)).toBeNull();
      expect(await b.runLeases.claim(key, 'replica-b', 30_000)).toBe(true);
      expect(await a.runLeases.liveHolder(key)).toBe('replica-b');
      expect(await a.runLeases.claim('reminders:2026-12-01T21:41:00.000Z', 'replica-a', 30_000)).toBe(true);
      await a.runLeases.complete('reminders:2026-12-01T21:41:00.000Z', 'replica-a');
      expect(await b.runLeases.liveHolder('reminders:2026-12-01T21:41:00.000Z')).toBeNull();
    });

    it('prunes occurrences a day past their lease, and keeps younger ones', async () => {
      const clock = manualClock('2026-12-01T00:00:00.000Z');
      const a = open(clock.now);
      expect(await a.runLeases.claim('reminders:old', 'replica-a', 1_000)).toBe(true);
      await a.runLeases.complete('reminders:old', 'replica-a');
      clock.advance(RUN_LEASE_RETENTION_MS);
      expect(await a.runLeases.claim('reminders:young', 'replica-a', 1_000)).toBe(true);
      await a.runLeases.complete('reminders:young', 'replica-a');
      // Still there: the retention counts from the lease's end (1 s after the claim).
      expect(await a.runLeases.claim('reminders:old', 'replica-b', 1_000)).toBe(false);
      clock.advance(1_001);
      // The next win prunes "old"; asked again it is a fresh key, which shows it is gone.
      expect(await a.runLeases.claim('reminders:trigger', 'replica-a', 1_000)).toBe(true);
      expect(await a.runLeases.claim('reminders:old', 'replica-b', 1_000)).toBe(true);
      expect(await a.runLeases.claim('reminders:young', 'replica-b', 1_000)).toBe(false);
    });

    it('two replicas claiming 50 occurrences at the same moment: each occurrence has exactly one winner', async () => {
      const a = open();
      const b = open();
      const keys = Array.from({ length: 50 }, (_, index) => `poll:2026-12-01T21:${String(index).padStart(2, '0')}:00.000Z`);
      const claims = await Promise.all(keys.flatMap((key) => [a.runLeases.claim(key, 'replica-a', 30_000), b.runLeases.claim(key, 'replica-b', 30_000)]));
      for (let index = 0; index < keys.length; index += 1) expect([claims[2 * index], claims[2 * index + 1]].filter(Boolean)).toHaveLength(1);
      const holders = await database.rows<{ holder: string; n: number }>(`SELECT holder, count(*) AS n FROM run_leases GROUP BY holder ORDER BY holder`);
      expect(holders.reduce((sum, row) => sum + Number(row.n), 0)).toBe(50);
    });

    it('refuses a lease that is not a positive number of milliseconds', async () => {
      await expect(open().runLeases.claim('reminders:x', 'replica-a', 0)).rejects.toThrow(/positive number of milliseconds/);
    });
  });

  describe.skipIf(backend.open === null)('node-cron tasks coordinated through the store', () => {
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

    it('runs each occurrence on exactly one of two replicas sharing the database', async () => {
      const a = open();
      const b = open();
      const runs = await runEverySecond([scheduleCoordination(a.runLeases, 'replica-a'), scheduleCoordination(b.runLeases, 'replica-b')]);
      const all = runs.flat();
      // Every slot once: no slot in both lists, and none twice in one.
      expect(new Set(all).size).toBe(all.length);
      // A loaded machine may miss a tick; most of the ~4 slots still ran.
      expect(all.length).toBeGreaterThanOrEqual(3);
    }, 20_000);

    // No database involved: shown once.
    it.runIf(backend.name === 'sqlite')('without coordination both replicas run every occurrence (what the leases prevent)', async () => {
      const runs = await runEverySecond([null, null]);
      const all = runs.flat();
      expect(all.length).toBeGreaterThanOrEqual(6);
      expect(new Set(all).size).toBeLessThan(all.length);
    }, 20_000);

    it('passes the coordination through schedulePolling: each poll tick once across two replicas', async () => {
      const a = open();
      const b = open();
      const passes: string[] = [];
      const pollerOf = (replica: string) => recordingPoller(passes, replica);
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

    /** Two replicas polling every second with passes of `passMs`; each pass's [start, end] and replica. */
    async function slowPasses(passMs: number, withPassLeases: boolean): Promise<Array<{ replica: string; startMs: number; endMs: number }>> {
      const passes: Array<{ replica: string; startMs: number; endMs: number }> = [];
      const slowPoller = (replica: string): Poller => ({
        ...recordingPoller([], replica),
        async pollOnce() {
          const startMs = Date.now();
          await sleep(passMs);
          passes.push({ replica, startMs, endMs: Date.now() });
          return recordingPoller([], replica).pollOnce();
        },
      });
      const { logger } = capturingLogger();
      const start = (replica: string) => {
        const leases = open().runLeases;
        return schedulePolling(slowPoller(replica), '* * * * * *', { logger, coordination: scheduleCoordination(leases, replica), ...(withPassLeases ? { passLeases: holderClaims(leases, replica) } : {}) });
      };
      const stops = [start('replica-a'), start('replica-b')];
      await sleep(6_500);
      for (const stop of stops) await stop();
      return passes;
    }
    const overlapping = (passes: Array<{ startMs: number; endMs: number }>) =>
      passes.filter((pass, index) => passes.some((other, otherIndex) => otherIndex !== index && other.startMs < pass.endMs && pass.startMs < other.endMs)).length;

    it('with the pass lease, passes longer than their tick never run on two replicas at once; without it they do', async () => {
      const apart = await slowPasses(2_500, true);
      expect(apart.length).toBeGreaterThanOrEqual(2);
      expect(overlapping(apart)).toBe(0);
      // The same two replicas on the tick claims alone: one wins the tick the other's pass outlasts.
      const before = await slowPasses(2_500, false);
      expect(overlapping(before)).toBeGreaterThan(0);
    }, 30_000);

    it("coordinates the start-up pass too: replicas starting together poll once, and one starting after its tick ran does not poll", async () => {
      const replicas = [open(), open(), open()];
      const passes: string[] = [];
      const pollerOf = (replica: string) => recordingPoller(passes, replica);
      const { logger } = capturingLogger();
      // Every minute at second 0: the test's few seconds fall in one slot (or, across a minute, in two).
      const start = (index: number) => schedulePolling(pollerOf(`r${index}`), '0 * * * * *', { logger, runNow: true, coordination: scheduleCoordination(replicas[index]!.runLeases, `replica-${index}`) });
      const startedAt = new Date();
      const together = [start(0), start(1)];
      await sleep(300);
      const later = start(2);
      await sleep(300);
      for (const stop of [...together, later]) await stop();
      const slotsCrossed = new Date().getUTCMinutes() === startedAt.getUTCMinutes() ? 1 : 2;
      expect(passes.length).toBeGreaterThanOrEqual(1);
      expect(passes.length).toBeLessThanOrEqual(slotsCrossed);
    }, 20_000);
  });
});
