import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openSqliteStore, STORE_FILE_NAME, StoreVersionError } from '../../src/store/index.js';
import { batch, rootEvent, tempDir } from './helpers.js';

const dirs: Array<{ remove(): void }> = [];
function freshDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('SQLite store: opening and migrations', () => {
  it('creates DATA_DIR if missing and migrates an empty file to the newest version with WAL and synchronous=FULL', async () => {
    const dataDir = join(freshDir(), 'nested', 'data');
    const store = openSqliteStore({ dataDir });
    await store.close();
    const file = join(dataDir, STORE_FILE_NAME);
    expect(existsSync(file)).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const db = new DatabaseConstructor(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['alerts', 'alert_audit', 'outbox', 'poll_cursors', 'posture_snapshots', 'root_events', 'store_meta', 'weekly_summaries']));
    db.close();

    // synchronous is per connection: check the store's own.
    const reopened = openSqliteStore({ dataDir });
    const connection = (reopened as unknown as { db: InstanceType<typeof DatabaseConstructor> }).db;
    expect(connection.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    await reopened.close();
  });

  it('keeps its data and its store id across a close and re-open, and re-running migrations is a no-op', async () => {
    const dataDir = freshDir();
    const first = openSqliteStore({ dataDir });
    const event = rootEvent({ kind: 'console-login-success', severity: 'critical', mfaUsed: false, eventName: 'ConsoleLogin' });
    await first.commitBatch(batch([event], { cursor: '2026-11-02T04:00:00.000Z' }));
    const storeId = first.storeId;
    await first.close();

    const second = openSqliteStore({ dataDir });
    expect(second.storeId).toBe(storeId);
    expect(await second.readCursor('123456789012', 'us-east-1')).toBe('2026-11-02T04:00:00.000Z');
    expect((await second.getEvent(event.eventId))?.event).toEqual(event);
    expect(await second.listOpenAlerts()).toHaveLength(1);
    expect((await second.listOutbox({ state: 'pending' })).map((row) => row.kind)).toEqual(['alert-post']);
    await second.close();

    const db = new DatabaseConstructor(join(dataDir, STORE_FILE_NAME));
    expect(migrate(db, 'test')).toEqual([]);
    db.close();
  });

  it('migration 5 lets root events of the new kinds in, keeping the rows, indexes and the kind check', async () => {
    const dataDir = freshDir();
    const file = join(dataDir, STORE_FILE_NAME);
    const old = new DatabaseConstructor(file);
    migrate(old, file, MIGRATIONS.filter((migration) => migration.version <= 4));
    const kept = rootEvent({ kind: 'root-only-task', severity: 'high', eventName: 'CloseAccount' });
    const insert = (db: InstanceType<typeof DatabaseConstructor>, event: ReturnType<typeof rootEvent>) =>
      db.prepare(`INSERT INTO root_events (event_id, account_id, region, kind, severity, event_time, event_json, raw_record, first_seen_at) VALUES (?, ?, 'us-east-1', ?, ?, ?, ?, '{}', ?)`).run(event.eventId, event.accountId, event.kind, event.severity, event.eventTime, JSON.stringify(event), event.eventTime);
    insert(old, kept);
    expect(() => insert(old, rootEvent({ kind: 'root-logging-disabled', severity: 'critical' }))).toThrow(/CHECK constraint/);
    old.close();

    const store = openSqliteStore({ dataDir });
    expect((await store.getEvent(kept.eventId))?.event).toEqual(kept);
    const logging = rootEvent({ kind: 'root-logging-disabled', severity: 'critical', eventName: 'StopLogging', action: 'stopped logging on CloudTrail trail main' });
    const access = rootEvent({ kind: 'root-access-change', severity: 'critical', eventName: 'AttachUserPolicy' });
    expect(await store.commitBatch(batch([logging, access]))).toEqual({ inserted: 2, duplicates: 0 });
    expect((await store.getEvent(logging.eventId))?.event).toEqual(logging);
    await store.close();
    const db = new DatabaseConstructor(file, { readonly: true });
    const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'root_events' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);
    expect(indexes).toEqual(['root_events_alert', 'root_events_time']);
    db.close();
  });

  it('refuses a file written by a newer build, naming the versions and the fix', () => {
    const dataDir = freshDir();
    const db = new DatabaseConstructor(join(dataDir, STORE_FILE_NAME));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore({ dataDir })).toThrow(StoreVersionError);
    expect(() => openSqliteStore({ dataDir })).toThrow(/schema version 99, newer than this build knows .*DATA_DIR/);
  });

  it('a migration that fails leaves the previous version, nothing half-applied', () => {
    const db = new DatabaseConstructor(':memory:');
    const broken = [
      ...MIGRATIONS,
      {
        version: (MIGRATIONS.at(-1)?.version ?? 0) + 1,
        description: 'broken on purpose',
        up(target: InstanceType<typeof DatabaseConstructor>) {
          target.exec('CREATE TABLE half_done (id INTEGER)');
          target.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => migrate(db, ':memory:', broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.prepare(`SELECT COUNT(*) AS count FROM sqlite_master WHERE name = 'half_done'`).get()).toEqual({ count: 0 });
    db.close();
  });

  it('opens in memory for tests and terminal commands', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    expect(store.location).toBe(':memory:');
    expect(await store.readCursor('123456789012', 'eu-west-1')).toBeNull();
    await store.close();
  });
});
