// The start-up catch-up claimed across replicas: schedulers sharing one ledger and the real run leases (SQLite, one
// in-memory database) on vitest's fake clock, so leases lapse in milliseconds. The two-process version on PostgreSQL
// is test/two-replicas-summary.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { holderClaims, type HolderClaims } from '../../src/store/index.js';
import { runWeeklySummary, type AssessedAccount } from '../../src/summary/index.js';
import { CATCH_UP_LEASE_MS, CATCH_UP_RECHECK_MS } from '../../src/summary/catch-up-claim.js';
import { startWeeklySummarySchedule } from '../../src/summary/scheduler.js';
import { report } from './fixtures.js';
import { type MemoryLedger, MemorySources } from './memory.js';
import { mortalClaims, replicaWorld } from './replica-world.js';

const ACCOUNT = { id: '111122223333', alias: 'prod' };
// Wednesday: Monday 09:00's run was missed, and the store has no snapshot: the catch-up checks the account.
const START = new Date('2026-12-02T12:00:00.000Z');
const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;

const replicas = replicaWorld();
const world = () => replicas.open(START);

/** A replica: its own sources (its fresh checks counted) and claims; `check` decides how its fresh check goes. */
function startReplica(name: string, ledger: MemoryLedger, claims: HolderClaims, options: { check?: () => Promise<void>; yieldFirst?: Promise<boolean>; failRun?: boolean } = {}) {
  const sources = new MemorySources({
    watched: [ACCOUNT],
    assess: async (ids): Promise<AssessedAccount[]> => {
      await options.check?.();
      return ids.map((id) => ({ account: { id, alias: 'prod' }, posture: { ok: true, report: report(id) } }));
    },
  });
  const scheduler = startWeeklySummarySchedule({
    schedule: '0 9 * * 1',
    timezone: 'UTC',
    ledger,
    logger: quietLogger,
    name: `weekly-summary-${name}`,
    catchUpClaim: { claims, ...(options.yieldFirst ? { yieldFirst: options.yieldFirst } : {}) },
    run: async () => {
      if (options.failRun) throw new Error('SQLITE_BUSY: database is locked');
      return runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => new Date() });
    },
  });
  replicas.track(scheduler);
  return { scheduler, sources };
}

const leaseRows = () => replicas.leaseRows();

describe('the weekly summary catch-up claimed across replicas', () => {
  it('two replicas starting together on a store with no snapshot: one checks the account and records the week, the other waits and ends', async () => {
    const { ledger, leases } = world();
    const slowCheck = () => new Promise<void>((resolve) => setTimeout(resolve, 45_000));
    const a = startReplica('a', ledger, holderClaims(leases, 'host-a/1/aaaa'), { check: slowCheck });
    const b = startReplica('b', ledger, holderClaims(leases, 'host-b/2/bbbb'), { check: slowCheck });
    // The check outlasts one lease (30 s): the holder's renewals keep it.
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all([a.scheduler.startup, b.scheduler.startup]);
    expect([a.sources.freshChecks, b.sources.freshChecks]).toEqual([[[ACCOUNT.id]], []]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    expect(leaseRows()).toEqual([{ occurrence_key: 'weekly-summary-catch-up:2026-W48', holder: 'host-a/1/aaaa', completed_at: '2026-12-02T12:00:45.000Z' }]);
  });

  it('the holder dies mid-check (no more renewals, no run): the other takes the claim over after its lease and records the week', async () => {
    const { ledger, leases } = world();
    // A's process is gone: its check never ends and its renewals stop.
    const dying = mortalClaims(leases, 'host-a/1/aaaa');
    const a = startReplica('a', ledger, dying.claims, { check: () => replicas.hang() });
    const b = startReplica('b', ledger, holderClaims(leases, 'host-b/2/bbbb'));
    await vi.advanceTimersByTimeAsync(25_000);
    expect(ledger.queued).toEqual([]);
    dying.die();
    const diedAtMs = Date.now();
    // Renewed at 20 s, so held until 50 s; B rechecks every 10 s and runs at the first after that.
    await vi.advanceTimersByTimeAsync(CATCH_UP_LEASE_MS + CATCH_UP_RECHECK_MS);
    await b.scheduler.startup;
    expect([a.sources.freshChecks, b.sources.freshChecks]).toEqual([[[ACCOUNT.id]], [[ACCOUNT.id]]]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    expect(leaseRows()).toEqual([{ occurrence_key: 'weekly-summary-catch-up:2026-W48', holder: 'host-b/2/bbbb', completed_at: new Date(diedAtMs + 25_000).toISOString() }]);
  });

  it('a run that fails records nothing and leaves the claim to lapse: the waiting replica runs it after the lease', async () => {
    const { ledger, leases } = world();
    startReplica('a', ledger, holderClaims(leases, 'host-a/1/aaaa'), { failRun: true });
    const b = startReplica('b', ledger, holderClaims(leases, 'host-b/2/bbbb'));
    await vi.advanceTimersByTimeAsync(CATCH_UP_LEASE_MS - 1);
    expect(b.sources.freshChecks).toEqual([]);
    await vi.advanceTimersByTimeAsync(CATCH_UP_RECHECK_MS);
    await b.scheduler.startup;
    expect(b.sources.freshChecks).toEqual([[ACCOUNT.id]]);
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    expect(leaseRows()).toEqual([{ occurrence_key: 'weekly-summary-catch-up:2026-W48', holder: 'host-b/2/bbbb', completed_at: '2026-12-02T12:00:30.000Z' }]);
  });

  it("a replica told to yield asks after one recheck: the other's claim comes first even when it starts later", async () => {
    const { ledger, leases } = world();
    const b = startReplica('b', ledger, holderClaims(leases, 'host-b/2/bbbb'), { yieldFirst: Promise.resolve(true) });
    await vi.advanceTimersByTimeAsync(5_000);
    const a = startReplica('a', ledger, holderClaims(leases, 'host-a/1/aaaa'), { check: () => new Promise<void>((resolve) => setTimeout(resolve, 20_000)), yieldFirst: Promise.resolve(false) });
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all([a.scheduler.startup, b.scheduler.startup]);
    expect([a.sources.freshChecks, b.sources.freshChecks]).toEqual([[[ACCOUNT.id]], []]);
    expect(ledger.queued).toHaveLength(1);
  });

  it('stop() ends a replica waiting for another holder at once', async () => {
    const { ledger, leases } = world();
    startReplica('a', ledger, holderClaims(leases, 'host-a/1/aaaa'), { check: () => replicas.hang() });
    const b = startReplica('b', ledger, holderClaims(leases, 'host-b/2/bbbb'));
    await vi.advanceTimersByTimeAsync(15_000);
    let stopped = false;
    const stopping = b.scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    expect(stopped).toBe(true);
    expect(b.sources.freshChecks).toEqual([]);
    replicas.untrack(b.scheduler);
  });
});
