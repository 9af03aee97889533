// The weekly summary's runs taken in turn across replicas (src/summary/summary-turn.ts), on replica-world.ts's fake
// clock and shared leases, with node-cron's distributed slot on the same leases as the bot has it (scheduleCoordination).
import { describe, expect, it, vi } from 'vitest';
import { holderClaims, scheduleCoordination, type SqliteRunLeases } from '../../src/store/index.js';
import { catchUpKey } from '../../src/summary/catch-up-claim.js';
import { claimedTurn, runWeeklySummary, turnKey, type AssessedAccount } from '../../src/summary/index.js';
import { startWeeklySummarySchedule, TURN_CHECK_MS } from '../../src/summary/scheduler.js';
import { report } from './fixtures.js';
import { type MemoryLedger, MemorySources } from './memory.js';
import { mortalClaims, replicaWorld } from './replica-world.js';

const MINUTE = 60_000;
const RETRY_MS = 15 * MINUTE;
const ACCOUNT = { id: '111122223333', alias: 'prod' };
const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;

const replicas = replicaWorld();
const world = (start: Date) => replicas.open(start);

type Attempt = { replica: string; at: number; trigger: string };

interface ReplicaOptions {
  /** Whether this attempt fails (before any check, as an AWS outage or a store error would). */
  fails?: (attempt: Attempt) => boolean;
  /** The run never ends: the process died in it (its claims stop being renewed too). */
  hangs?: (attempt: Attempt) => boolean;
  /** Runs taken in turn (the bot); false: the scheduler as it was before the turn, each replica on its own. */
  inTurn?: boolean;
  /** How long this attempt takes before it builds the summary. */
  slowMs?: (attempt: Attempt) => number;
  /** Cron's slot claimed across replicas as `serve` does; false: a start-up catch-up only. */
  coordinated?: boolean;
}

function startReplica(name: string, ledger: MemoryLedger, leases: SqliteRunLeases, attempts: Attempt[], options: ReplicaOptions = {}) {
  const holder = `host-${name}/1/${name.repeat(4)}`;
  const { claims, die } = mortalClaims(leases, holder);
  const sources = new MemorySources({
    watched: [ACCOUNT],
    assess: async (ids): Promise<AssessedAccount[]> => ids.map((id) => ({ account: { id, alias: 'prod' }, posture: { ok: true, report: report(id) } })),
  });
  const scheduler = startWeeklySummarySchedule({
    schedule: '0 9 * * 1',
    timezone: 'UTC',
    ledger,
    logger: quietLogger,
    name: 'weekly-summary',
    retryDelayMs: RETRY_MS,
    ...(options.coordinated ? { coordination: scheduleCoordination(leases, holder) } : {}),
    catchUpClaim: { claims },
    ...(options.inTurn === false ? {} : { turn: claimedTurn(claims, quietLogger) }),
    run: async (trigger) => {
      const attempt = { replica: name, at: Date.now(), trigger };
      attempts.push(attempt);
      if (options.hangs?.(attempt)) {
        die();
        await replicas.hang();
        throw new Error('the process died');
      }
      const slowMs = options.slowMs?.(attempt) ?? 0;
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      if (options.fails?.(attempt)) throw new Error('ThrottlingException: Rate exceeded');
      return runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => new Date() });
    },
  });
  replicas.track(scheduler);
  return { scheduler, holder };
}

const minutesFrom = (start: Date, attempts: Attempt[]) => attempts.map((attempt) => `${attempt.replica}@${((attempt.at - start.getTime()) / MINUTE).toFixed(1)}`);
const turnRows = () => replicas.leaseRows("occurrence_key LIKE 'weekly-summary-turn:%'").map((row) => ({ holder: (row as { holder: string }).holder, completed_at: (row as { completed_at: string | null }).completed_at }));

// Wednesday: Monday 09:00's run was missed, so each replica's start-up catch-up wants the week.
const MISSED = new Date('2026-12-02T12:00:00.000Z');

describe('the weekly summary taken in turn across replicas', () => {
  async function outage(inTurn: boolean) {
    const { ledger, leases } = world(MISSED);
    const attempts: Attempt[] = [];
    // AWS answers nothing for the first 50 minutes, whoever asks.
    const fails = (attempt: Attempt) => attempt.at < MISSED.getTime() + 50 * MINUTE;
    const schedulers = ['a', 'b', 'c'].map((name) => startReplica(name, ledger, leases, attempts, { fails, inTurn }).scheduler);
    await vi.advanceTimersByTimeAsync(80 * MINUTE);
    return { attempts, ledger, schedulers };
  }

  it('three replicas whose runs fail in an outage make one attempt per retry delay between them, not one each', async () => {
    const before = await outage(false);
    const beforeAttempts = minutesFrom(MISSED, before.attempts);
    await Promise.all(before.schedulers.map((scheduler) => scheduler.stop()));
    vi.useRealTimers();

    const { attempts, ledger } = await outage(true);
    console.log(`summary retries, 3 replicas, 50-minute outage: each on its own ${before.attempts.length} attempts (${beforeAttempts.join(' ')}); in turn ${attempts.length} (${minutesFrom(MISSED, attempts).join(' ')})`);

    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    // The catch-up, then one retry every 15 minutes (and a check) until the outage is over: 4 failed, the 5th posts.
    expect(attempts).toHaveLength(5);
    const gaps = attempts.slice(1).map((attempt, index) => attempt.at - attempts[index]!.at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(RETRY_MS);
      expect(gap).toBeLessThanOrEqual(RETRY_MS + TURN_CHECK_MS);
    }
    // The replica that failed last lets another go first: not one replica retrying alone.
    expect(new Set(attempts.map((attempt) => attempt.replica)).size).toBeGreaterThan(1);
    expect(turnRows()).toEqual([{ holder: expect.stringMatching(/^host-/), completed_at: expect.any(String) }]);
    // Each on its own, the three made three times as many (the catch-up claim let each in 30 s after the other).
    expect(before.attempts.length).toBeGreaterThanOrEqual(3 * attempts.length - 2);
    expect(before.ledger.queued).toHaveLength(1);
  });

  it("a failure of one replica's own is retried by another: the week is recorded one retry delay later", async () => {
    const slot = new Date('2026-11-30T09:00:00.000Z');
    const { ledger, leases } = world(new Date(slot.getTime() - MINUTE));
    const attempts: Attempt[] = [];
    // Whichever replica cron elects cannot reach AWS (its network, its credentials); the other can.
    let broken: string | null = null;
    const fails = (attempt: Attempt) => (broken ??= attempt.replica) === attempt.replica;
    for (const name of ['a', 'b']) startReplica(name, ledger, leases, attempts, { fails, coordinated: true });
    await vi.advanceTimersByTimeAsync(40 * MINUTE);

    expect(attempts.map((attempt) => attempt.trigger)).toEqual(['scheduled', 'retry']);
    expect(attempts[1]!.replica).not.toBe(broken);
    expect(attempts[1]!.at - slot.getTime()).toBeGreaterThanOrEqual(RETRY_MS);
    expect(attempts[1]!.at - slot.getTime()).toBeLessThanOrEqual(RETRY_MS + TURN_CHECK_MS);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });

  it('the replica running the scheduled slot dies mid-run: another records the week instead of nobody until a restart', async () => {
    const slot = new Date('2026-11-30T09:00:00.000Z');
    const { ledger, leases } = world(new Date(slot.getTime() - MINUTE));
    const attempts: Attempt[] = [];
    const hangs = (attempt: Attempt) => attempt.trigger === 'scheduled';
    for (const name of ['a', 'b']) startReplica(name, ledger, leases, attempts, { hangs, coordinated: true });
    await vi.advanceTimersByTimeAsync(RETRY_MS - MINUTE);
    expect(ledger.queued).toEqual([]);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);

    expect(attempts.map((attempt) => attempt.trigger)).toEqual(['scheduled', 'retry']);
    expect(attempts[1]!.replica).not.toBe(attempts[0]!.replica);
    // The dead run's turn lapsed 30 s after its last renewal; the other looked a retry delay after the slot.
    expect(attempts[1]!.at - slot.getTime()).toBe(RETRY_MS);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
  });

  it('a slot run that outlasts the retry delay is not run twice: the other replica waits while the turn is renewed', async () => {
    const slot = new Date('2026-11-30T09:00:00.000Z');
    const { ledger, leases } = world(new Date(slot.getTime() - MINUTE));
    const attempts: Attempt[] = [];
    // A large organization's fresh checks: the elected run takes 25 minutes, then records the week.
    const slowMs = () => 25 * MINUTE;
    for (const name of ['a', 'b']) startReplica(name, ledger, leases, attempts, { slowMs, coordinated: true });
    await vi.advanceTimersByTimeAsync(RETRY_MS + 2 * MINUTE);
    expect(attempts).toHaveLength(1);
    expect(ledger.queued).toEqual([]);
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(attempts).toHaveLength(1);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    expect(turnRows()).toEqual([{ holder: expect.stringMatching(`^host-${attempts[0]!.replica}/`), completed_at: '2026-11-30T09:25:00.000Z' }]);
  });

  it("a catch-up that finds the turn still held by a dead replica records the week a check later and completes its claim", async () => {
    const { ledger, leases } = world(MISSED);
    const attempts: Attempt[] = [];
    // A replica that died holding the turn for 45 s more: its catch-up claim lapsed first (they are renewed apart).
    const dead = holderClaims(leases, 'host-dead/1/dddd');
    expect(await dead.claim(turnKey('2026-W48'), 45_000)).toBe(true);
    startReplica('a', ledger, leases, attempts);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);

    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    // The catch-up found the turn taken; the checks every 10 s took it once it lapsed.
    expect(attempts.map((attempt) => attempt.trigger)).toEqual(['retry']);
    expect(attempts[0]!.at - MISSED.getTime()).toBe(50_000);
    const rows = replicas.leaseRows() as Array<{ occurrence_key: string; holder: string; completed_at: string | null }>;
    expect(rows.map((row) => [row.occurrence_key, row.holder, row.completed_at])).toEqual([
      [catchUpKey('2026-W48'), 'host-a/1/aaaa', new Date(MISSED.getTime() + 50_000).toISOString()],
      [turnKey('2026-W48'), 'host-a/1/aaaa', new Date(MISSED.getTime() + 50_000).toISOString()],
    ]);
  });

  it('one replica alone retries a check after the delay, and completes the turn once the week is recorded', async () => {
    const slot = new Date('2026-11-30T09:00:00.000Z');
    const { ledger, leases } = world(new Date(slot.getTime() - MINUTE));
    const attempts: Attempt[] = [];
    let failures = 2;
    startReplica('a', ledger, leases, attempts, { fails: () => failures-- > 0, coordinated: true });
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    // Each retry one check after the turn's delay: the check it leaves to other replicas first.
    const retryAt = (n: number) => slot.getTime() + n * (RETRY_MS + TURN_CHECK_MS);
    expect(attempts.map((attempt) => attempt.at)).toEqual([retryAt(0), retryAt(1), retryAt(2)]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    expect(turnRows()).toEqual([{ holder: 'host-a/1/aaaa', completed_at: new Date(retryAt(2)).toISOString() }]);
  });
});
