// The replay guard's memory shared by every replica on the store: one row per Slack request signature hash seen,
// kept until the last second Bolt would still accept that request. The insert decides "seen" (a second insert of
// the same hash changes nothing), so two replicas cannot both take one signed request as fresh.
//
// On the ack path: the hashes of the requests that arrive in one turn of the event loop are inserted in one
// transaction (../turn-batches.ts), not one transaction each (a commit cost ~180 us of event loop per request under
// 500 requests in flight). Within a group the first request with a hash wins and a second identical one is replayed;
// across replicas the unique key decides, as before. A group that fails is retried request by request, so the rows
// decide again: a retry can refuse a fresh request whose row a failed commit did write (PostgreSQL, a connection lost
// during COMMIT), never take a replay as fresh. Expired rows are swept at most once a minute per replica, in a timer
// turn of their own, never inside a request's insert.
//
// SQLite file: its own connection with synchronous=NORMAL: in WAL mode a commit is then safe against a process crash
// without an fsync (the store's FULL made each Slack ack wait for the disk, ~6 ms). What an OS crash or power loss can
// drop is the last hashes, i.e. requests that could be replayed in what is left of their 5 minutes. That connection
// never checkpoints the WAL inside a commit (wal_autocheckpoint=0): SQLite runs the automatic checkpoint in the
// commit that finds the WAL past 1,000 pages, which stalled that turn's acks up to 65 ms. A timer turn of its own
// checkpoints instead (PASSIVE: it never waits for readers or writers), every few seconds while hashes are written,
// so each one copies only the pages written since the last and the WAL stays small.
// Any SqlExecutor (PostgreSQL for several replicas): one `insert … on conflict do nothing returning` for the group, its
// hashes in sorted order so two replicas inserting overlapping groups take the key locks in one order (no deadlock):
// of two replicas inserting one hash at once, one gets the row back, the other waits on it and gets nothing.
import DatabaseConstructor, { type Database, type Statement, type Transaction } from 'better-sqlite3';
import type { SeenSignatures } from '../slack/replay-guard.js';
import { batchByTurn } from '../turn-batches.js';
import type { SqlExecutor, SqlQueries } from './sql-executor.js';

const SWEEP_EVERY_SECONDS = 60;
/** How often the replay guard's own connection checkpoints the WAL while it writes (SQLite file only). */
const CHECKPOINT_EVERY_MS = 5_000;
const INSERT_SQL = `INSERT INTO seen_slack_signatures (signature_hash, accepted_until) VALUES (?, ?) ON CONFLICT (signature_hash) DO NOTHING`;
const SWEEP_SQL = `DELETE FROM seen_slack_signatures WHERE accepted_until < ?`;
/** Rows per multi-row insert: 400 placeholders, far below both backends' limits. */
const ROWS_PER_STATEMENT = 200;

interface SeenSignature {
  hash: string;
  /** Unix seconds: the last second Bolt still accepts the request. */
  acceptedUntil: number;
}

/** How a backend writes: a group of hashes in one transaction (true: stored now; false: there already), and the sweep. */
interface SignatureRows {
  insertGroup(signatures: readonly SeenSignature[]): Promise<boolean[]>;
  deleteExpired(now: number): Promise<unknown>;
}

/** The grouping and the sweep schedule, written once over either backend's rows. */
class GroupedSeenSignatures implements SeenSignatures {
  private readonly insert: (signature: SeenSignature) => Promise<boolean>;
  private nextSweepAt = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly rows: SignatureRows) {
    this.insert = batchByTurn<SeenSignature, boolean>({
      commitGroup: (signatures) => rows.insertGroup(signatures),
      commitAlone: async (signature) => (await rows.insertGroup([signature]))[0]!,
    });
  }

  remember(hash: string, acceptedUntil: number, now: number): Promise<boolean> {
    if (now >= this.nextSweepAt) this.scheduleSweep(now);
    return this.insert({ hash, acceptedUntil });
  }

  private scheduleSweep(now: number): void {
    this.nextSweepAt = now + SWEEP_EVERY_SECONDS;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      // A failed sweep only leaves expired rows a while longer: the next request after it asks for another.
      this.rows.deleteExpired(now).catch(() => {
        this.nextSweepAt = 0;
      });
    }, 0);
    this.sweepTimer.unref();
  }

  /** Stops a sweep that is due (the connection is about to close). */
  protected stopSweeps(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }
}

export class SqliteSeenSignatures extends GroupedSeenSignatures {
  private readonly db: Database;
  private readonly ownConnection: boolean;
  private checkpointTimer: NodeJS.Timeout | null = null;

  /** `source`: the database file (its own connection), or an open database (":memory:"). */
  constructor(source: string | Database, busyTimeoutMs = 5000, checkpointEveryMs = CHECKPOINT_EVERY_MS) {
    const ownConnection = typeof source === 'string';
    const db = typeof source === 'string' ? new DatabaseConstructor(source, { fileMustExist: true }) : source;
    if (ownConnection) {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 0');
    }
    const insertStatement: Statement<[string, number]> = db.prepare(INSERT_SQL);
    const sweepStatement: Statement<[number]> = db.prepare(SWEEP_SQL);
    const insertAll: Transaction<(signatures: readonly SeenSignature[]) => boolean[]> = db.transaction((signatures: readonly SeenSignature[]) =>
      signatures.map((signature) => insertStatement.run(signature.hash, signature.acceptedUntil).changes === 1),
    );
    const checkpoint: Statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    super({
      insertGroup: async (signatures) => {
        const stored = insertAll.immediate(signatures);
        if (ownConnection) this.scheduleCheckpoint(checkpoint, checkpointEveryMs);
        return stored;
      },
      deleteExpired: async (now) => sweepStatement.run(now),
    });
    this.db = db;
    this.ownConnection = ownConnection;
  }

  /** One checkpoint `everyMs` after the first commit since the last one; none while nothing is written. */
  private scheduleCheckpoint(checkpoint: Statement, everyMs: number): void {
    if (this.checkpointTimer) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      // A busy database only postpones it: the next commit schedules another.
      try {
        if (this.db.open) checkpoint.get();
      } catch {
        // SQLITE_BUSY or a closed file: nothing is lost, the WAL is only longer until the next one.
      }
    }, everyMs);
    this.checkpointTimer.unref();
  }

  close(): void {
    this.stopSweeps();
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    if (this.ownConnection && this.db.open) this.db.close();
  }
}

/** The same memory on any SqlExecutor (PostgreSQL for several replicas). */
export class SqlSeenSignatures extends GroupedSeenSignatures {
  constructor(executor: SqlExecutor) {
    super({
      insertGroup: (signatures) => insertReturningFresh(executor, signatures),
      deleteExpired: (now) => executor.run(SWEEP_SQL, [now]),
    });
  }

  close(): void {
    this.stopSweeps();
  }
}

async function insertReturningFresh(executor: SqlExecutor, signatures: readonly SeenSignature[]): Promise<boolean[]> {
  // The first request of the group with a hash is the one that may be fresh; a later identical one is a replay.
  const firstIndex = new Map<string, number>();
  signatures.forEach((signature, index) => {
    if (!firstIndex.has(signature.hash)) firstIndex.set(signature.hash, index);
  });
  const ordered = [...firstIndex.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, index]) => signatures[index]!);
  const stored = new Set<string>();
  const write = async (queries: SqlQueries) => {
    for (let start = 0; start < ordered.length; start += ROWS_PER_STATEMENT) {
      const chunk = ordered.slice(start, start + ROWS_PER_STATEMENT);
      const rows = await queries.all<{ signature_hash: string }>(
        `INSERT INTO seen_slack_signatures (signature_hash, accepted_until) VALUES ${chunk.map(() => '(?, ?)').join(', ')} ON CONFLICT (signature_hash) DO NOTHING RETURNING signature_hash`,
        chunk.flatMap((signature) => [signature.hash, signature.acceptedUntil]),
      );
      for (const row of rows) stored.add(row.signature_hash);
    }
  };
  // One statement is its own transaction; several share one, so the group is stored whole or not at all.
  if (ordered.length <= ROWS_PER_STATEMENT) await write(executor);
  else await executor.transaction(write);
  return signatures.map((signature, index) => firstIndex.get(signature.hash) === index && stored.has(signature.hash));
}
