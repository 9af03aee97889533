// The store room's door: the Store interface and its SQLite implementation.
export type { AcknowledgmentDuration, AlertTransition, EventKindCount, OutboxCounts, OutboxRetry, PostureSnapshot, Store, TimeRange, WeeklySummaryEntry } from './store.js';
export { StoreNotWritableError } from './writable.js';
export { openSqliteStore, STORE_FILE_NAME, type SqliteStore, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite.js';
export { MIGRATIONS, migrate, StoreVersionError, type Migration } from './migrations.js';
