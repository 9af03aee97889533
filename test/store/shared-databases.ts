// The databases replicas share, for tests that run one behaviour on each backend (describe.each): SQLite, several
// store handles on one file; PostgreSQL, several pools on one schema of TEST_DATABASE_URL (migrated like at start).
// Each connect() / openStore() is one replica's own connection(s).
import { join } from 'node:path';
import { afterEach } from 'vitest';
import DatabaseConstructor from 'better-sqlite3';
import type { SeenSignatures } from '../../src/slack/replay-guard.js';
import { migrate, MIGRATIONS, openPostgresStore, openSqliteStore, type BotStore, type RunLeases, type SqliteStore } from '../../src/store/index.js';
import { readPostgresConfig } from '../../src/store/postgres-config.js';
import { PostgresExecutor } from '../../src/store/postgres-executor.js';
import { migratePostgres, POSTGRES_MIGRATIONS, postgresSchemaVersion } from '../../src/store/postgres-migrations.js';
import { SqlRunLeases } from '../../src/store/run-leases.js';
import { SqlSeenSignatures } from '../../src/store/seen-signatures.js';
import type { SqlRow } from '../../src/store/sql-executor.js';
import type { SqlStoreOptions } from '../../src/store/sql-store.js';
import { tempDir } from './helpers.js';
import { freshSchema, testDatabaseUrl } from './postgres-database.js';

export interface ReplicaConnection {
  runLeases: RunLeases;
  seenSignatures: SeenSignatures;
}

export interface SharedDatabase {
  /** A new replica's connection to the one database; `clock` is its clock. */
  connect(clock?: () => Date): ReplicaConnection;
  /** A new replica's store on the one database, opened as the bot opens it (migrations included). */
  openStore(options?: SqlStoreOptions): Promise<BotStore>;
  /**
   * Two replicas' stores for calls in flight at once. SQLite: one handle for both, since two handles in one process
   * would deadlock (a transaction awaiting between statements holds the file's write lock while the other handle's
   * BEGIN IMMEDIATE waits synchronously, blocking the event loop); processes sharing a file are raced with child
   * processes in test/alerts/state.test.ts. PostgreSQL: two stores, each with its own pool.
   */
  openReplicas(): Promise<[BotStore, BotStore]>;
  /** Brings the empty database to `version` of the schema only (for migrations from a previous version). */
  migrateTo(version: number): Promise<void>;
  schemaVersion(): Promise<number>;
  /** The newest version the backend's migrations know. */
  readonly newestVersion: number;
  /** Runs a statement or query directly, for arranging and asserting (a connection of the test's own). */
  rows<T extends SqlRow = SqlRow>(sql: string, params?: Array<string | number | null>): Promise<T[]>;
  close(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Null when the backend cannot run here (PostgreSQL without TEST_DATABASE_URL), with why printed once. */
  open: (() => Promise<SharedDatabase>) | null;
}

async function openSqlite(): Promise<SharedDatabase> {
  const dir = tempDir('arg-shared-');
  const path = join(dir.path, 'shared.sqlite');
  const stores: SqliteStore[] = [];
  const direct = <T>(work: (db: DatabaseConstructor.Database) => T): T => {
    const db = new DatabaseConstructor(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  const open = (options: SqlStoreOptions = {}) => {
    const store = openSqliteStore({ path }, options);
    stores.push(store);
    return store;
  };
  return {
    connect: (clock) => open(clock ? { clock } : {}),
    openStore: async (options) => open(options),
    async openReplicas() {
      const store = open();
      return [store, store];
    },
    migrateTo: async (version) => void direct((db) => migrate(db, path, MIGRATIONS.filter((migration) => migration.version <= version))),
    schemaVersion: async () => direct((db) => db.pragma('user_version', { simple: true }) as number),
    newestVersion: MIGRATIONS.at(-1)!.version,
    rows: async <T extends SqlRow>(sql: string, params: Array<string | number | null> = []) =>
      direct((db) => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all(...params) as T[];
        statement.run(...params);
        return [];
      }),
    async close() {
      for (const store of stores.splice(0)) await store.close();
      dir.remove();
    },
  };
}

async function openPostgres(url: string): Promise<SharedDatabase> {
  const schema = await freshSchema(url, 'shared');
  const config = readPostgresConfig({ DATABASE_URL: schema.url }).config!;
  const own = PostgresExecutor.open(config.pool);
  const executors: PostgresExecutor[] = [own];
  const stores: BotStore[] = [];
  let migrated = false;
  const ensureMigrated = async () => {
    if (!migrated) await migratePostgres(own, 'test');
    migrated = true;
  };
  async function openStore(options?: SqlStoreOptions): Promise<BotStore> {
    const store = await openPostgresStore(config, options);
    migrated = true;
    stores.push(store);
    return store;
  }
  return {
    connect(clock = () => new Date()) {
      const executor = PostgresExecutor.open(config.pool);
      executors.push(executor);
      // Run-lease and replay tests need the tables, not a whole store: migrate on first use.
      const ready = ensureMigrated();
      const runLeases = new SqlRunLeases(executor, clock);
      const seenSignatures = new SqlSeenSignatures(executor);
      return {
        runLeases: {
          claim: (...args) => ready.then(() => runLeases.claim(...args)),
          renew: (...args) => ready.then(() => runLeases.renew(...args)),
          complete: (...args) => ready.then(() => runLeases.complete(...args)),
          liveHolder: (...args) => ready.then(() => runLeases.liveHolder(...args)),
        },
        seenSignatures: { remember: (...args) => ready.then(() => seenSignatures.remember(...args)) },
      };
    },
    openStore,
    async openReplicas() {
      return [await openStore(), await openStore()];
    },
    async migrateTo(version) {
      await migratePostgres(
        own,
        'test',
        POSTGRES_MIGRATIONS.filter((migration) => migration.version <= version),
      );
    },
    schemaVersion: () => postgresSchemaVersion(own),
    newestVersion: POSTGRES_MIGRATIONS.at(-1)!.version,
    rows: <T extends SqlRow>(sql: string, params: Array<string | number | null> = []) => own.all<T>(sql, params),
    async close() {
      for (const store of stores.splice(0)) await store.close();
      for (const executor of executors.splice(0)) await executor.close();
      await schema.drop();
    },
  };
}

const postgresUrl = testDatabaseUrl();

export const BACKENDS: readonly Backend[] = [
  { name: 'sqlite', open: openSqlite },
  { name: 'postgres', open: postgresUrl === null ? null : () => openPostgres(postgresUrl) },
];

/**
 * For a test file run on each backend (describe.each(BACKENDS)): each call opens a store on a database of its own
 * (SQLite: a new file; PostgreSQL: a new schema), closed and removed after the test.
 */
export function freshStores(backend: Backend): (options?: SqlStoreOptions) => Promise<BotStore> {
  const databases: SharedDatabase[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.close();
  });
  return async (options) => {
    if (!backend.open) throw new Error(`${backend.name} is not available here`);
    const database = await backend.open();
    databases.push(database);
    return database.openStore(options);
  };
}
