// The store room's door: the Store interface, its operations written once over a SqlExecutor (SqlStore), openStore
// (SQLite by default, PostgreSQL with DATABASE_URL) and both backends.
export type { AcknowledgmentDuration, AlertTransition, EventKindCount, OutboxClaim, OutboxCounts, OutboxRetry, LastPollRead, PostureSnapshot, Store, StoreOperations, TimeRange, WeeklySummaryEntry } from './store.js';
export { StoreNotWritableError } from './writable.js';
export { openSqlStore, SqlStore, type SqlStoreOptions, type StoreIdentity } from './sql-store.js';
export type { SqlExecutor, SqlQueries, SqlRow, SqlRunResult, SqlValue } from './sql-executor.js';
export { NestedSqliteCallError, SqliteExecutor } from './sqlite-executor.js';
export { openStore, type BotStore, type OpenStoreOptions, type StoreSettings } from './open-store.js';
export { openSqliteStore, STORE_FILE_NAME, type SqliteStore, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite.js';
export { openPostgresStore, PostgresUnavailableError, type PostgresStore, type PostgresStoreOptions } from './postgres.js';
export { DATABASE_URL_VARIABLE, readPostgresConfig, type PostgresConfig, type PostgresTlsMode } from './postgres-config.js';
export { MIGRATIONS, migrate, StoreVersionError, type Migration } from './migrations.js';
export { holderClaims, replicaHolderId, RUN_LEASE_RETENTION_MS, scheduleCoordination, SqliteRunLeases, SqlRunLeases, type HolderClaims, type RunLeases, type ScheduleCoordination } from './run-leases.js';
export { SqliteSeenSignatures, SqlSeenSignatures } from './seen-signatures.js';
