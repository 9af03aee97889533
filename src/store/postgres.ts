// The store on PostgreSQL, for several replicas: SqlStore's operations (the same SQL as SQLite) through a pg Pool,
// the schema migrated at open under the migration lock (postgres-migrations.ts), run leases and the replay guard's
// memory in the same database, so every replica on DATABASE_URL shares them.
import type { SeenSignatures } from '../slack/replay-guard.js';
import type { PostgresConfig } from './postgres-config.js';
import { PostgresExecutor } from './postgres-executor.js';
import { StoreVersionError } from './migrations.js';
import { migratePostgres } from './postgres-migrations.js';
import { SqlRunLeases, type RunLeases } from './run-leases.js';
import { SqlSeenSignatures } from './seen-signatures.js';
import { readSqlStoreIdentity, SqlStore, type SqlStoreOptions, type StoreIdentity } from './sql-store.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions extends SqlStoreOptions {
  /** An idle pooled connection failed (server restart, network): logged; pg reconnects on the next query. */
  onIdleError?: (error: Error) => void;
}

export interface PostgresStore extends Store {
  /** DATABASE_URL with the password masked. */
  readonly location: string;
  readonly runLeases: RunLeases;
  readonly seenSignatures: SeenSignatures;
  /** Always null: no file to lose, the server keeps the data (SqliteStore's check of its file, for readiness). */
  fileProblem(): null;
}

/** The database could not be reached or migrated at open: says where (no password) and why. */
export class PostgresUnavailableError extends Error {
  constructor(location: string, cause: unknown) {
    super(`PostgreSQL at ${location} (DATABASE_URL) cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PostgresUnavailableError';
  }
}

class PostgresStoreImpl extends SqlStore implements PostgresStore {
  readonly runLeases: RunLeases;
  readonly seenSignatures: SqlSeenSignatures;

  constructor(
    executor: PostgresExecutor,
    identity: StoreIdentity,
    options: SqlStoreOptions,
    readonly location: string,
  ) {
    super(executor, identity, options);
    const clock = options.clock ?? (() => new Date());
    this.runLeases = new SqlRunLeases(executor, clock);
    this.seenSignatures = new SqlSeenSignatures(executor);
  }

  fileProblem(): null {
    return null;
  }

  override async close(): Promise<void> {
    this.seenSignatures.close();
    await super.close();
  }
}

/** Connects, migrates (once across replicas starting together) and reads the store's identity. */
export async function openPostgresStore(config: PostgresConfig, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const { onIdleError, ...storeOptions } = options;
  const executor = PostgresExecutor.open(config.pool, onIdleError ? { onIdleError } : {});
  try {
    await migratePostgres(executor, `PostgreSQL ${config.displayUrl}`);
    return new PostgresStoreImpl(executor, await readSqlStoreIdentity(executor, storeOptions.clock), storeOptions, config.displayUrl);
  } catch (error) {
    await executor.close().catch(() => undefined);
    // A schema newer than this build says so itself; anything else is the connection, the credentials or the rights.
    if (error instanceof StoreVersionError) throw error;
    throw new PostgresUnavailableError(config.displayUrl, error);
  }
}
