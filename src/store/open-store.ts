// Which store the bot runs on: the embedded SQLite file in DATA_DIR (the default: nothing to install, one replica
// or several on one host), or PostgreSQL when DATABASE_URL is set (replicas on several hosts). Both are SqlStore's
// operations over their executor, with the run leases and the replay guard's memory in the same database.
import type { SeenSignatures } from '../slack/replay-guard.js';
import type { PostgresConfig } from './postgres-config.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
import type { RunLeases } from './run-leases.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';
import type { Store } from './store.js';

/** The store as the bot runs on it: the operations, plus what replicas share and what readiness checks. */
export interface BotStore extends Store {
  /** The SQLite file, or DATABASE_URL with its password masked. */
  readonly location: string;
  /** Null while the store is usable as opened (SQLite: the file is still the one opened; PostgreSQL: always). */
  fileProblem(): string | null;
  readonly runLeases: RunLeases;
  readonly seenSignatures: SeenSignatures;
}

export interface StoreSettings {
  /** DATA_DIR: the SQLite file's directory. */
  dataDir: string;
  /** DATABASE_URL read (postgres-config.ts); null: SQLite. */
  database: PostgresConfig | null;
}

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

export async function openStore(settings: StoreSettings, options: OpenStoreOptions = {}): Promise<BotStore> {
  if (settings.database !== null) return openPostgresStore(settings.database, options);
  const { onIdleError: _unused, ...sqliteOptions } = options;
  return openSqliteStore({ dataDir: settings.dataDir }, sqliteOptions);
}
