// The replay guard's memory shared by every replica on the store: one row per Slack request signature hash seen,
// kept until the last second Bolt would still accept that request. The insert decides "seen" (a second insert of
// the same hash changes nothing), so two replicas cannot both take one signed request as fresh. One indexed insert
// per request on the ack path; expired rows are swept at most once a minute per replica. SqlSeenSignatures runs the
// same statements on any SqlExecutor (PostgreSQL: the row count of `insert … on conflict do nothing` says fresh or
// replayed, and two replicas inserting one hash at once wait on each other's row: one gets 1, the other 0).
//
// On a file it has its own connection with synchronous=NORMAL: in WAL mode a commit is then safe against a process
// crash without an fsync (the store's FULL made each Slack ack wait for the disk, ~6 ms). What an OS crash or power
// loss can drop is the last hashes, i.e. requests that could be replayed in what is left of their 5 minutes.
import DatabaseConstructor, { type Database, type Statement } from 'better-sqlite3';
import type { SeenSignatures } from '../slack/replay-guard.js';
import type { SqlExecutor } from './sql-executor.js';

const SWEEP_EVERY_SECONDS = 60;
const INSERT_SQL = `INSERT INTO seen_slack_signatures (signature_hash, accepted_until) VALUES (?, ?) ON CONFLICT (signature_hash) DO NOTHING`;
const SWEEP_SQL = `DELETE FROM seen_slack_signatures WHERE accepted_until < ?`;

export class SqliteSeenSignatures implements SeenSignatures {
  private readonly db: Database;
  private readonly ownConnection: boolean;
  private readonly insertStatement: Statement;
  private readonly sweepStatement: Statement;
  private nextSweepAt = 0;

  /** `source`: the database file (its own connection), or an open database (":memory:"). */
  constructor(source: string | Database, busyTimeoutMs = 5000) {
    this.ownConnection = typeof source === 'string';
    this.db = typeof source === 'string' ? new DatabaseConstructor(source, { fileMustExist: true }) : source;
    if (this.ownConnection) {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      this.db.pragma('synchronous = NORMAL');
    }
    this.insertStatement = this.db.prepare(INSERT_SQL);
    this.sweepStatement = this.db.prepare(SWEEP_SQL);
  }

  async remember(hash: string, acceptedUntil: number, now: number): Promise<boolean> {
    if (now >= this.nextSweepAt) {
      this.sweepStatement.run(now);
      this.nextSweepAt = now + SWEEP_EVERY_SECONDS;
    }
    return this.insertStatement.run(hash, acceptedUntil).changes === 1;
  }

  close(): void {
    if (this.ownConnection && this.db.open) this.db.close();
  }
}

/** The same memory on any SqlExecutor (PostgreSQL for several replicas): one insert per request, a sweep a minute. */
export class SqlSeenSignatures implements SeenSignatures {
  private nextSweepAt = 0;

  constructor(private readonly executor: SqlExecutor) {}

  async remember(hash: string, acceptedUntil: number, now: number): Promise<boolean> {
    if (now >= this.nextSweepAt) {
      this.nextSweepAt = now + SWEEP_EVERY_SECONDS;
      await this.executor.run(SWEEP_SQL, [now]);
    }
    return (await this.executor.run(INSERT_SQL, [hash, acceptedUntil])).changes === 1;
  }
}
