// Each schedule occurrence runs once across replicas: node-cron (4.4+, `distributed: true` on a named task) asks a
// RunCoordinator `shouldRun(key, ttlMs)` before every run, the key being `<task name>:<slot ISO time>`, the same on
// every replica; the one whose claim inserts the row runs it, the others skip ("not-elected"). A unique row per
// occurrence key, not a lock: it survives connection pools and needs no session. One statement decides,
// `insert … on conflict do update … where` (for a live lease it is `on conflict do nothing`), on SQLite and on
// PostgreSQL alike; on PostgreSQL two replicas inserting one key at once wait on each other's row, and the second
// then finds the first's live lease.
// A claim whose holder died before completing can be taken over once its lease has passed; a completed occurrence
// never runs again. Rows are pruned a day after their lease, far beyond node-cron's missed-execution tolerance.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import type { RunCoordinator, TaskOptions } from 'node-cron';
import type { SqlExecutor } from './sql-executor.js';

/** How long an occurrence row is kept after its lease ends. */
export const RUN_LEASE_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface RunLeases {
  /** Claims the occurrence for `holder` for `leaseMs`: true if this holder should run it. */
  claim(key: string, holder: string, leaseMs: number): Promise<boolean>;
  /**
   * Extends the holder's uncompleted claim to `leaseMs` from now, for a run longer than one lease (the weekly summary's
   * catch-up): false when the claim is not the holder's any more (taken over after it lapsed) or is completed.
   */
  renew(key: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Marks the holder's occurrence done: nobody takes it over. */
  complete(key: string, holder: string): Promise<void>;
  /** Who holds the key's uncompleted claim with its lease still running; null when nobody does. */
  liveHolder(key: string): Promise<string | null>;
}

// Parameters: key, holder, now, lease until.
const CLAIM_SQL = `
  INSERT INTO run_leases (occurrence_key, holder, claimed_at, lease_until) VALUES (?, ?, ?, ?)
  ON CONFLICT (occurrence_key) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
  WHERE run_leases.completed_at IS NULL AND run_leases.lease_until <= excluded.claimed_at`;
// Parameters: lease until, key, holder.
const RENEW_SQL = `UPDATE run_leases SET lease_until = ? WHERE occurrence_key = ? AND holder = ? AND completed_at IS NULL`;
// Parameters: now, key, holder.
const COMPLETE_SQL = `UPDATE run_leases SET completed_at = ? WHERE occurrence_key = ? AND holder = ?`;
// Parameters: key, now.
const LIVE_HOLDER_SQL = `SELECT holder FROM run_leases WHERE occurrence_key = ? AND completed_at IS NULL AND lease_until > ?`;
const PRUNE_SQL = `DELETE FROM run_leases WHERE lease_until < ?`;

/** The end of a lease of `leaseMs` from `now`; a lease that is not a positive number of milliseconds is refused. */
function leaseUntil(now: Date, leaseMs: number): string {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError(`a run lease must be a positive number of milliseconds, not ${leaseMs}`);
  return new Date(now.getTime() + leaseMs).toISOString();
}

/** The claim's parameters at `now`. */
function claimParameters(key: string, holder: string, leaseMs: number, now: Date): { claim: [string, string, string, string]; pruneBefore: string } {
  return {
    claim: [key, holder, now.toISOString(), leaseUntil(now, leaseMs)],
    pruneBefore: new Date(now.getTime() - RUN_LEASE_RETENTION_MS).toISOString(),
  };
}

export class SqliteRunLeases implements RunLeases {
  private readonly claimStatement: Statement;
  private readonly renewStatement: Statement;
  private readonly completeStatement: Statement;
  private readonly pruneStatement: Statement;
  private readonly liveHolderStatement: Statement;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {
    this.claimStatement = db.prepare(CLAIM_SQL);
    this.renewStatement = db.prepare(RENEW_SQL);
    this.completeStatement = db.prepare(COMPLETE_SQL);
    this.pruneStatement = db.prepare(PRUNE_SQL);
    this.liveHolderStatement = db.prepare(LIVE_HOLDER_SQL);
  }

  async claim(key: string, holder: string, leaseMs: number): Promise<boolean> {
    const { claim, pruneBefore } = claimParameters(key, holder, leaseMs, this.clock());
    return this.db
      .transaction(() => {
        const won = this.claimStatement.run(...claim).changes === 1;
        // Only the winner prunes: one replica per occurrence, not all of them.
        if (won) this.pruneStatement.run(pruneBefore);
        return won;
      })
      .immediate();
  }

  async renew(key: string, holder: string, leaseMs: number): Promise<boolean> {
    return this.renewStatement.run(leaseUntil(this.clock(), leaseMs), key, holder).changes === 1;
  }

  async complete(key: string, holder: string): Promise<void> {
    this.completeStatement.run(this.clock().toISOString(), key, holder);
  }

  async liveHolder(key: string): Promise<string | null> {
    const row = this.liveHolderStatement.get(key, this.clock().toISOString()) as { holder: string } | undefined;
    return row?.holder ?? null;
  }
}

/** The same leases on any SqlExecutor: PostgreSQL, where the replicas of a deployment share them. */
export class SqlRunLeases implements RunLeases {
  constructor(
    private readonly executor: SqlExecutor,
    private readonly clock: () => Date,
  ) {}

  async claim(key: string, holder: string, leaseMs: number): Promise<boolean> {
    const { claim, pruneBefore } = claimParameters(key, holder, leaseMs, this.clock());
    const won = (await this.executor.run(CLAIM_SQL, claim)).changes === 1;
    // Only the winner prunes, after its claim committed: the prune never holds up another replica's claim.
    if (won) await this.executor.run(PRUNE_SQL, [pruneBefore]);
    return won;
  }

  async renew(key: string, holder: string, leaseMs: number): Promise<boolean> {
    return (await this.executor.run(RENEW_SQL, [leaseUntil(this.clock(), leaseMs), key, holder])).changes === 1;
  }

  async complete(key: string, holder: string): Promise<void> {
    await this.executor.run(COMPLETE_SQL, [this.clock().toISOString(), key, holder]);
  }

  async liveHolder(key: string): Promise<string | null> {
    const row = await this.executor.get<{ holder: string }>(LIVE_HOLDER_SQL, [key, this.clock().toISOString()]);
    return row?.holder ?? null;
  }
}

/**
 * Who holds a lease: the replica's name (default the host), pid and a random part, so a restarted process on the
 * same pid is another holder; `<name>/` is what a restarted replica recognises as its earlier runs' claims.
 */
export function replicaHolderId(replicaName: string = hostname()): string {
  return `${replicaName}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** The leases as one holder uses them for a claim of its own making (the weekly summary's start-up catch-up, the poll's pass lease). */
export interface HolderClaims {
  claim(key: string, leaseMs: number): Promise<boolean>;
  renew(key: string, leaseMs: number): Promise<boolean>;
  complete(key: string): Promise<void>;
  liveHolder(key: string): Promise<string | null>;
}

export function holderClaims(leases: RunLeases, holder: string): HolderClaims {
  return {
    claim: (key, leaseMs) => leases.claim(key, holder, leaseMs),
    renew: (key, leaseMs) => leases.renew(key, holder, leaseMs),
    complete: (key) => leases.complete(key, holder),
    liveHolder: (key) => leases.liveHolder(key),
  };
}

/** The node-cron options that make a task run once per occurrence across every replica sharing `leases`. */
export type ScheduleCoordination = Required<Pick<TaskOptions, 'distributed' | 'runCoordinator'>>;

export function scheduleCoordination(leases: RunLeases, holder: string): ScheduleCoordination {
  const claims = holderClaims(leases, holder);
  const runCoordinator: RunCoordinator = { shouldRun: (key, ttlMs) => claims.claim(key, ttlMs), onComplete: (key) => claims.complete(key) };
  return { distributed: true, runCoordinator };
}
