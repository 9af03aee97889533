// The store room's door: the Store interface and its SQLite implementation.
export type { AcknowledgmentDuration, AlertTransition, EventKindCount, OutboxCounts, OutboxRetry, PostureSnapshot, Store, TimeRange, WeeklySummaryEntry } from './store.js';
export { StoreNotWritableError } from './writable.js';
export { openSqliteStore, STORE_FILE_NAME, type SqliteStore, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite.js';
export { MIGRATIONS, migrate, StoreVersionError, type Migration } from './migrations.js';
export { replicaHolderId, RUN_LEASE_RETENTION_MS, scheduleCoordination, SqliteRunLeases, type RunLeases, type ScheduleCoordination } from './run-leases.js';
export { SqliteSeenSignatures } from './seen-signatures.js';
