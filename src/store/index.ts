// The store room's door: the Store interface, its operations written once over a SqlExecutor (SqlStore), and SQLite.
export type { AcknowledgmentDuration, AlertTransition, EventKindCount, OutboxCounts, OutboxRetry, PostureSnapshot, Store, StoreOperations, TimeRange, WeeklySummaryEntry } from './store.js';
export { StoreNotWritableError } from './writable.js';
export { openSqlStore, SqlStore, type SqlStoreOptions, type StoreIdentity } from './sql-store.js';
export type { SqlExecutor, SqlQueries, SqlRow, SqlRunResult, SqlValue } from './sql-executor.js';
export { NestedSqliteCallError, SqliteExecutor } from './sqlite-executor.js';
export { openSqliteStore, STORE_FILE_NAME, type SqliteStore, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite.js';
export { MIGRATIONS, migrate, StoreVersionError, type Migration } from './migrations.js';
export { replicaHolderId, RUN_LEASE_RETENTION_MS, scheduleCoordination, SqliteRunLeases, type RunLeases, type ScheduleCoordination } from './run-leases.js';
export { SqliteSeenSignatures } from './seen-signatures.js';
