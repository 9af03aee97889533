// The replay guard's memory shared by every replica on the store: one row per Slack request signature hash seen,
// kept until the last second Bolt would still accept that request. The insert decides "seen" (a second insert of
// the same hash changes nothing), so two replicas cannot both take one signed request as fresh. One indexed insert
// per request on the ack path; expired rows are swept at most once a minute. PostgreSQL later: the same
// `insert … on conflict do nothing`, its row count saying fresh or replayed.
//
// On a file it has its own connection with synchronous=NORMAL: in WAL mode a commit is then safe against a process
// crash without an fsync (the store's FULL made each Slack ack wait for the disk, ~6 ms). What an OS crash or power
// loss can drop is the last hashes, i.e. requests that could be replayed in what is left of their 5 minutes.
import DatabaseConstructor, { type Database, type Statement } from 'better-sqlite3';
import type { SeenSignatures } from '../slack/replay-guard.js';

const SWEEP_EVERY_SECONDS = 60;

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
    this.insertStatement = this.db.prepare(`INSERT INTO seen_slack_signatures (signature_hash, accepted_until) VALUES (?, ?) ON CONFLICT (signature_hash) DO NOTHING`);
    this.sweepStatement = this.db.prepare(`DELETE FROM seen_slack_signatures WHERE accepted_until < ?`);
  }

  remember(hash: string, acceptedUntil: number, now: number): boolean {
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
