// The databases replicas share, for tests that run one behaviour on each backend (describe.each): SQLite, several
// store handles on one file; PostgreSQL, several pools on one schema of TEST_DATABASE_URL (migrated like at start).
// Each connect() is one replica's own connection(s).
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import type { SeenSignatures } from '../../src/slack/replay-guard.js';
import { openSqliteStore, type RunLeases, type SqliteStore } from '../../src/store/index.js';
import { readPostgresConfig } from '../../src/store/postgres-config.js';
import { PostgresExecutor } from '../../src/store/postgres-executor.js';
import { migratePostgres } from '../../src/store/postgres-migrations.js';
import { SqlRunLeases } from '../../src/store/run-leases.js';
import { SqlSeenSignatures } from '../../src/store/seen-signatures.js';
import type { SqlRow } from '../../src/store/sql-executor.js';
import { tempDir } from './helpers.js';
import { freshSchema, testDatabaseUrl } from './postgres-database.js';

export interface ReplicaConnection {
  runLeases: RunLeases;
  seenSignatures: SeenSignatures;
}

export interface SharedDatabase {
  /** A new replica's connection to the one database; `clock` is its clock. */
  connect(clock?: () => Date): ReplicaConnection;
  /** Rows of a query, for assertions (a connection of the test's own). */
  rows<T extends SqlRow = SqlRow>(sql: string): Promise<T[]>;
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
  return {
    connect(clock) {
      const store = openSqliteStore({ path }, clock ? { clock } : {});
      stores.push(store);
      return store;
    },
    async rows<T extends SqlRow>(sql: string) {
      const db = new DatabaseConstructor(path, { readonly: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    },
    async close() {
      for (const store of stores.splice(0)) await store.close();
      dir.remove();
    },
  };
}

async function openPostgres(url: string): Promise<SharedDatabase> {
  const schema = await freshSchema(url, 'shared');
  const pool = readPostgresConfig({ DATABASE_URL: schema.url }).config!.pool;
  const own = PostgresExecutor.open(pool);
  await migratePostgres(own, 'test');
  const executors: PostgresExecutor[] = [own];
  return {
    connect(clock = () => new Date()) {
      const executor = PostgresExecutor.open(pool);
      executors.push(executor);
      return { runLeases: new SqlRunLeases(executor, clock), seenSignatures: new SqlSeenSignatures(executor) };
    },
    rows: <T extends SqlRow>(sql: string) => own.all<T>(sql),
    async close() {
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
