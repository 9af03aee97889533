// The embedded store: one SQLite file in DATA_DIR, opened with better-sqlite3.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL is safe against a process crash but
// may lose the last commits on power loss or an OS crash; an acknowledgment or a "sent" mark lost that
// way would re-post an alert or forget who acknowledged it. FULL syncs the WAL on every commit, and the
// bot commits a handful of times a minute, so the cost is negligible.
// Concurrency: every write runs in a BEGIN IMMEDIATE transaction (takes the write lock up front, so two
// handles never interleave a read-then-write), with a busy timeout for the other handle to wait. The operations
// themselves are SqlStore's (sql-store.ts), the same SQL PostgreSQL runs; this file is what only SQLite has.
// One process should run the outbox sender for a file (see recoverInterruptedSends).
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import type { SeenSignatures } from '../slack/replay-guard.js';
import { fileIdentity, fileIdentityProblem, type FileIdentity } from './file-identity.js';
import { migrate } from './migrations.js';
import { SqlRunLeases, type RunLeases } from './run-leases.js';
import { SqliteSeenSignatures, SqlSeenSignatures } from './seen-signatures.js';
import { toIso } from './sql-rows.js';
import { SqlStore, STORE_META_SQL, type SqlStoreOptions, type StoreIdentity } from './sql-store.js';
import { SqliteExecutor } from './sqlite-executor.js';
import type { Store } from './store.js';
import { assertDirectoryWritable, assertFileWritable, StoreNotWritableError } from './writable.js';

export const STORE_FILE_NAME = 'aws-root-guard.sqlite';

export interface SqliteStoreOptions extends SqlStoreOptions {
  /** How long a write waits for another handle's lock before failing. */
  busyTimeoutMs?: number;
}

export type SqliteStoreLocation = { dataDir: string } | { path: string };

export interface SqliteStore extends Store {
  /** The database file (or ":memory:"). */
  readonly location: string;
  /** Null while the database file is the one opened; a description when it was deleted or replaced. */
  fileProblem(): string | null;
  /** Schedule occurrences claimed across every process on this file (run-leases.ts). */
  readonly runLeases: RunLeases;
  /** The replay guard's memory, shared by every process on this file (seen-signatures.ts). */
  readonly seenSignatures: SeenSignatures;
}

export function openSqliteStore(location: SqliteStoreLocation, options: SqliteStoreOptions = {}): SqliteStore {
  let path: string;
  if ('dataDir' in location) {
    // Created if missing, so a fresh container with an empty volume just works; owner-only, since it
    // holds CloudTrail records (source IPs, user agents) and who acknowledged what.
    try {
      mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StoreNotWritableError(location.dataDir, (error as { code?: string }).code ?? 'Error', `cannot create the data directory ${location.dataDir}`);
    }
    restrictToOwner(location.dataDir, 0o700, 'directory');
    // WAL needs to create its -wal and -shm files beside the database.
    assertDirectoryWritable(location.dataDir);
    path = join(location.dataDir, STORE_FILE_NAME);
  } else {
    path = location.path;
  }
  const onDisk = path !== ':memory:';
  if (onDisk) {
    assertFileWritable(path);
    createOwnerOnlyDatabaseFile(path);
  }
  const db = new DatabaseConstructor(path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (onDisk) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Replaced and deleted content is zeroed, not left in free pages: the raw records migration 3 redacted.
    db.pragma('secure_delete = ON');
    migrate(db, path);
    return new SqliteStoreImpl(db, path, onDisk ? fileIdentity(path) : null, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * chmod, tolerating a directory we do not own (a volume mounted by the platform): the file inside is what holds
 * the records, and it is always ours. Any other failure (a read-only file system, say) is left to the open.
 */
function restrictToOwner(path: string, mode: number, what: 'directory' | 'file'): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (what === 'directory' && (code === 'EPERM' || code === 'EACCES')) return;
    if (code === 'ENOENT') return;
    throw error;
  }
}

/**
 * The database file owner-only (0600) before SQLite opens it: SQLite creates its -wal and -shm files with the
 * mode of the database file, so they follow. A file an older version left 0644 is tightened, with its companions.
 */
function createOwnerOnlyDatabaseFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) restrictToOwner(file, 0o600, 'file');
}

class SqliteStoreImpl extends SqlStore implements SqliteStore {
  readonly runLeases: RunLeases;
  readonly seenSignatures: SqliteSeenSignatures | SqlSeenSignatures;

  constructor(
    /** The connection the executor runs on (tests read its pragmas). */
    readonly db: Database,
    readonly location: string,
    private readonly openedFile: FileIdentity | null,
    options: SqliteStoreOptions,
  ) {
    const clock = options.clock ?? (() => new Date());
    super(new SqliteExecutor(db), readStoreIdentity(db, toIso(clock(), 'now')), options);
    // Through the executor's queue: a claim never lands inside a store transaction in progress on this connection.
    this.runLeases = new SqlRunLeases(this.executor, clock);
    // A file: its own synchronous=NORMAL connection (seen-signatures.ts); ":memory:" has only this one.
    this.seenSignatures = openedFile === null ? new SqlSeenSignatures(this.executor) : new SqliteSeenSignatures(location, options.busyTimeoutMs);
  }

  fileProblem(): string | null {
    return this.openedFile === null ? null : fileIdentityProblem(this.location, this.openedFile);
  }

  override async close(): Promise<void> {
    this.seenSignatures.close();
    await super.close();
  }
}

/** openSqlStore's identity step, synchronous on the file just opened (so openSqliteStore stays synchronous). */
function readStoreIdentity(db: Database, now: string): StoreIdentity {
  return db
    .transaction((): StoreIdentity => {
      const meta = (key: string, initial: string): string => {
        db.prepare(STORE_META_SQL.insert).run(key, initial);
        return (db.prepare(STORE_META_SQL.read).get(key) as { value: string }).value;
      };
      // A store made before created_at was kept counts from its first open by this build.
      const identity = { storeId: meta('store_id', randomUUID()), createdAt: meta('created_at', now) };
      db.prepare(STORE_META_SQL.opened).run(now);
      return identity;
    })
    .immediate();
}
