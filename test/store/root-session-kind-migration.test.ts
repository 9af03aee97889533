// The migration that allows 'root-session-opened' rebuilds root_events to allow the kind 'root-session-opened', keeping the rows and indexes.
import DatabaseConstructor from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';

const ROOT_SESSION_VERSION = MIGRATIONS.find((migration) => migration.description.includes('root-session-opened'))!.version;

describe('migration: root-session-opened events', () => {
  it('keeps the events and indexes of the database before it and accepts the new kind, still refusing unknown ones', () => {
    const db = new DatabaseConstructor(':memory:');
    migrate(db, ':memory:', MIGRATIONS.filter((migration) => migration.version < ROOT_SESSION_VERSION));
    const insert = db.prepare(`INSERT INTO root_events (event_id, account_id, region, kind, severity, event_time, event_json, raw_record, first_seen_at) VALUES (?, '111111111111', 'us-east-1', ?, 'high', '2026-11-30T09:15:02.000Z', '{}', '{}', '2026-11-30T09:16:00.000Z')`);
    insert.run('kept-1', 'root-api-call');
    expect(() => insert.run('new-kind-early', 'root-session-opened')).toThrow(/CHECK constraint failed/);
    const indexesBefore = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'root_events' AND sql IS NOT NULL ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);

    expect(migrate(db, ':memory:')).toEqual(MIGRATIONS.filter((migration) => migration.version >= ROOT_SESSION_VERSION).map((migration) => migration.version));
    expect(db.prepare(`SELECT event_id, kind FROM root_events`).all()).toEqual([{ event_id: 'kept-1', kind: 'root-api-call' }]);
    insert.run('assume-root-1', 'root-session-opened');
    expect(() => insert.run('bad-1', 'not-a-kind')).toThrow(/CHECK constraint failed/);
    const indexesAfter = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'root_events' AND sql IS NOT NULL ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);
    expect(indexesAfter).toEqual(indexesBefore);
    expect(indexesAfter.length).toBeGreaterThan(0);
    db.close();
  });
});
