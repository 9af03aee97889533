// PostgreSQL migrations (real server at TEST_DATABASE_URL): the same tables and columns as SQLite's schema at the
// same version, text in byte order whatever the cluster's locale, and two replicas starting together migrate once.
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, StoreVersionError } from '../../src/store/migrations.js';
import { readPostgresConfig } from '../../src/store/postgres-config.js';
import { PostgresExecutor } from '../../src/store/postgres-executor.js';
import { migratePostgres, POSTGRES_MIGRATIONS, postgresSchemaVersion, type PostgresMigration } from '../../src/store/postgres-migrations.js';
import { freshSchema, testDatabaseUrl } from './postgres-database.js';

const url = testDatabaseUrl();
const NEWEST = POSTGRES_MIGRATIONS.at(-1)!.version;
const ALL_VERSIONS = POSTGRES_MIGRATIONS.map((migration) => migration.version);

interface ColumnShape {
  table: string;
  column: string;
  type: 'text' | 'integer';
  notNull: boolean;
  hasDefault: boolean;
  primaryKey: boolean;
}

/** SQLite's tables and columns at the newest version PostgreSQL knows, as PRAGMA table_info tells them. */
function sqliteColumns(version: number): ColumnShape[] {
  const db = new DatabaseConstructor(':memory:');
  try {
    migrate(db, ':memory:', MIGRATIONS.filter((migration) => migration.version <= version));
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);
    return tables.flatMap((table) =>
      (db.pragma(`table_info(${table})`) as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>).map((column) => ({
        table,
        column: column.name,
        type: column.type === 'TEXT' ? ('text' as const) : ('integer' as const),
        // SQLite lets a non-INTEGER primary key hold NULL unless NOT NULL is written; PostgreSQL's never does.
        notNull: column.notnull === 1 || column.pk > 0,
        // An INTEGER PRIMARY KEY is SQLite's rowid: it fills itself, as an identity column does.
        hasDefault: column.dflt_value !== null || (column.pk === 1 && column.type === 'INTEGER'),
        primaryKey: column.pk > 0,
      })),
    );
  } finally {
    db.close();
  }
}

describe.skipIf(url === null)('PostgreSQL migrations', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  const executors: PostgresExecutor[] = [];
  const open = () => {
    const executor = PostgresExecutor.open(readPostgresConfig({ DATABASE_URL: schema.url }).config!.pool);
    executors.push(executor);
    return executor;
  };

  beforeEach(async () => {
    schema = await freshSchema(url!, 'migrations');
  });
  afterEach(async () => {
    for (const executor of executors.splice(0)) await executor.close();
    await schema.drop();
  });

  it("creates from empty the tables and columns of SQLite's schema at the same version", async () => {
    const db = open();
    expect(await postgresSchemaVersion(db)).toBe(0);
    expect(await migratePostgres(db, 'test')).toEqual(ALL_VERSIONS);
    const version = await postgresSchemaVersion(db);
    expect(version).toBe(NEWEST);

    const columns = await db.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string; primary_key: number }>(
      `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity,
              (SELECT count(*) FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t USING (constraint_schema, constraint_name)
                WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = c.column_name) AS primary_key
         FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name <> 'schema_migrations'`,
    );
    const postgres: ColumnShape[] = columns.map((column) => ({
      table: column.table_name,
      column: column.column_name,
      type: column.data_type === 'text' ? 'text' : 'integer',
      notNull: column.is_nullable === 'NO',
      hasDefault: column.column_default !== null || column.is_identity === 'YES',
      primaryKey: column.primary_key > 0,
    }));
    const order = (shapes: ColumnShape[]) => [...shapes].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    expect(postgres.length).toBeGreaterThan(90);
    expect(order(postgres)).toEqual(order(sqliteColumns(version)));
    // Ids are integer (not bigint): pg hands integers back as JS numbers.
    const ids = columns.filter((column) => column.is_identity === 'YES');
    expect(ids.map((column) => `${column.table_name}:${column.data_type}`).sort()).toEqual(
      ['alert_audit', 'alerts', 'outbox', 'posture_snapshots', 'unreadable_records'].map((table) => `${table}:integer`),
    );
  });

  it('orders text in byte order (COLLATE "C" on every text column), as SQLite does, whatever the cluster locale', async () => {
    const db = open();
    await migratePostgres(db, 'test');
    const collations = await db.all<{ collation_name: string | null; n: number }>(
      `SELECT collation_name, count(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations' GROUP BY collation_name`,
    );
    expect(collations).toEqual([{ collation_name: 'C', n: expect.any(Number) }]);
    // A linguistic collation sorts 'a' before 'B' and ignores punctuation; byte order does neither.
    for (const [index, key] of ['a', 'B', '_z', '2026-12-01T10:00:00.000Z', '2026-12-01T09:59:59.999Z'].entries()) {
      await db.run(`INSERT INTO store_meta (key, value) VALUES (?, ?)`, [key, String(index)]);
    }
    const keys = (await db.all<{ key: string }>(`SELECT key FROM store_meta WHERE key > ? ORDER BY key`, ['2026-12-01T09:59:59.999Z'])).map((row) => row.key);
    expect(keys).toEqual(['2026-12-01T10:00:00.000Z', 'B', '_z', 'a']);
  });

  it('two replicas starting together on an empty database: one migrates, the other waits and applies nothing, both at the newest version', async () => {
    const [a, b] = [open(), open()];
    const results = await Promise.all([migratePostgres(a, 'test'), migratePostgres(b, 'test')]);
    expect(results.map((applied) => applied.length).sort()).toEqual([0, ALL_VERSIONS.length]);
    expect(await postgresSchemaVersion(a)).toBe(NEWEST);
    expect(await postgresSchemaVersion(b)).toBe(NEWEST);
    expect(await a.get<{ n: number }>(`SELECT count(*) AS n FROM schema_migrations`)).toEqual({ n: ALL_VERSIONS.length });
    // Run again at the next start: nothing to do.
    expect(await migratePostgres(a, 'test')).toEqual([]);
  });

  it('migrates from the previous version; a failing step leaves the previous version whole', async () => {
    const db = open();
    expect(await migratePostgres(db, 'test', POSTGRES_MIGRATIONS)).toEqual(ALL_VERSIONS);
    const next: PostgresMigration = {
      version: NEWEST + 1,
      description: 'a test step',
      up: (tx) => tx.run(`ALTER TABLE outbox ADD COLUMN test_column ${'TEXT'}`).then(() => undefined),
    };
    const broken: PostgresMigration = {
      version: NEWEST + 1,
      description: 'a step that fails half-way',
      async up(tx) {
        await tx.run(`CREATE TABLE half_made (id INTEGER)`);
        await tx.run(`SELECT no_such_column FROM outbox`);
      },
    };
    await expect(migratePostgres(db, 'test', [...POSTGRES_MIGRATIONS, broken])).rejects.toThrow(/no_such_column/);
    expect(await postgresSchemaVersion(db)).toBe(NEWEST);
    expect(await db.get(`SELECT to_regclass('half_made') AS present`)).toEqual({ present: null });
    expect(await migratePostgres(db, 'test', [...POSTGRES_MIGRATIONS, next])).toEqual([NEWEST + 1]);
    expect(await db.get(`SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'test_column'`)).toEqual({ n: 1 });
  });

  it('refuses a database newer than this build, naming DATABASE_URL as the way out', async () => {
    const db = open();
    await migratePostgres(db, 'test');
    await db.run(`INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00.000Z')`);
    const error = await migratePostgres(db, 'PostgreSQL postgres://guard@db/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreVersionError);
    expect((error as Error).message).toBe(
      `The state database PostgreSQL postgres://guard@db/x has schema version 99, newer than this build knows (${NEWEST}). Run a newer aws-root-guard, or point DATABASE_URL at another database.`,
    );
  });
});
