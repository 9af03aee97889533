// Replicas' schedulers on vitest's fake clock sharing one ledger and the real run leases (SQLite, one in-memory
// database), so leases lapse and retry delays pass in milliseconds; everything started is stopped after each test.
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, vi } from 'vitest';
import { holderClaims, migrate, SqliteRunLeases, type HolderClaims } from '../../src/store/index.js';
import type { WeeklySummaryScheduler } from '../../src/summary/scheduler.js';
import { MemoryLedger } from './memory.js';

export interface ReplicaWorld {
  /** Fakes the clock from `start` and opens a fresh database. */
  open(start: Date): { ledger: MemoryLedger; leases: SqliteRunLeases };
  /** Stopped after the test. */
  track(scheduler: WeeklySummaryScheduler): void;
  /** Stops one early (stop() itself is the subject). */
  untrack(scheduler: WeeklySummaryScheduler): void;
  /** Work that does not end until the test is over (a dead process's): stop() waits for a run in progress. */
  hang(): Promise<void>;
  /** The run_leases rows. */
  leaseRows(where?: string): unknown[];
}

/** Call at the top of a test file: registers the afterEach that stops and closes everything. */
export function replicaWorld(): ReplicaWorld {
  let running: WeeklySummaryScheduler[] = [];
  let db: DatabaseConstructor.Database | null = null;
  const hung: Array<() => void> = [];
  afterEach(async () => {
    for (const release of hung.splice(0)) release();
    for (const scheduler of running) await scheduler.stop();
    running = [];
    db?.close();
    db = null;
    vi.useRealTimers();
  });
  return {
    open(start) {
      vi.useFakeTimers({ now: start, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      db?.close();
      db = new DatabaseConstructor(':memory:');
      migrate(db, ':memory:');
      return { ledger: new MemoryLedger(), leases: new SqliteRunLeases(db, () => new Date()) };
    },
    track: (scheduler) => void running.push(scheduler),
    untrack: (scheduler) => void (running = running.filter((entry) => entry !== scheduler)),
    hang: () => new Promise<void>((resolve) => hung.push(resolve)),
    leaseRows: (where = '1 = 1') => db!.prepare(`SELECT occurrence_key, holder, completed_at FROM run_leases WHERE ${where} ORDER BY claimed_at`).all(),
  };
}

/** A replica's claims on the shared leases, and `die()`: from then on its renewals stop reaching the store. */
export function mortalClaims(leases: SqliteRunLeases, holder: string): { claims: HolderClaims; die(): void } {
  const claims = holderClaims(leases, holder);
  let alive = true;
  return {
    claims: { ...claims, renew: (key, leaseMs) => (alive ? claims.renew(key, leaseMs) : Promise.resolve(true)) },
    die: () => void (alive = false),
  };
}
