// Each schedule occurrence runs once across replicas: node-cron (4.4+, `distributed: true` on a named task) asks a
// RunCoordinator `shouldRun(key, ttlMs)` before every run, the key being `<task name>:<slot ISO time>`, the same on
// every replica; the one whose claim inserts the row runs it, the others skip ("not-elected"). A unique row per
// occurrence key, not a lock: it survives connection pools and needs no session (PostgreSQL later runs the same SQL,
// `insert … on conflict do update … where`, which is also `on conflict do nothing` for a live lease).
// A claim whose holder died before completing can be taken over once its lease has passed; a completed occurrence
// never runs again. Rows are pruned a day after their lease, far beyond node-cron's missed-execution tolerance.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import type { RunCoordinator, TaskOptions } from 'node-cron';

/** How long an occurrence row is kept after its lease ends. */
export const RUN_LEASE_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface RunLeases {
  /** Claims the occurrence for `holder` for `leaseMs`: true if this holder should run it. */
  claim(key: string, holder: string, leaseMs: number): boolean;
  /** Marks the holder's occurrence done: nobody takes it over. */
  complete(key: string, holder: string): void;
}

export class SqliteRunLeases implements RunLeases {
  private readonly claimStatement: Statement;
  private readonly completeStatement: Statement;
  private readonly pruneStatement: Statement;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {
    this.claimStatement = db.prepare(`
      INSERT INTO run_leases (occurrence_key, holder, claimed_at, lease_until) VALUES (@key, @holder, @now, @until)
      ON CONFLICT (occurrence_key) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
      WHERE run_leases.completed_at IS NULL AND run_leases.lease_until <= excluded.claimed_at`);
    this.completeStatement = db.prepare(`UPDATE run_leases SET completed_at = @now WHERE occurrence_key = @key AND holder = @holder`);
    this.pruneStatement = db.prepare(`DELETE FROM run_leases WHERE lease_until < ?`);
  }

  claim(key: string, holder: string, leaseMs: number): boolean {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError(`a run lease must be a positive number of milliseconds, not ${leaseMs}`);
    const now = this.clock();
    return this.db
      .transaction(() => {
        const won = this.claimStatement.run({ key, holder, now: now.toISOString(), until: new Date(now.getTime() + leaseMs).toISOString() }).changes === 1;
        // Only the winner prunes: one replica per occurrence, not all of them.
        if (won) this.pruneStatement.run(new Date(now.getTime() - RUN_LEASE_RETENTION_MS).toISOString());
        return won;
      })
      .immediate();
  }

  complete(key: string, holder: string): void {
    this.completeStatement.run({ key, holder, now: this.clock().toISOString() });
  }
}

/** Who holds a lease: host, pid and a random part, so a restarted process on the same pid is another holder. */
export function replicaHolderId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** The node-cron options that make a task run once per occurrence across every replica sharing `leases`. */
export type ScheduleCoordination = Required<Pick<TaskOptions, 'distributed' | 'runCoordinator'>>;

export function scheduleCoordination(leases: RunLeases, holder: string): ScheduleCoordination {
  const runCoordinator: RunCoordinator = {
    shouldRun: (key, ttlMs) => leases.claim(key, holder, ttlMs),
    onComplete: (key) => leases.complete(key, holder),
  };
  return { distributed: true, runCoordinator };
}
