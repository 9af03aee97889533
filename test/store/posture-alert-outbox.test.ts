// Migration 7 rebuilds the outbox so it takes 'posture-alert' rows: rows and references written before survive, foreign
// keys stay enforced, and a snapshot with its alert is written in one transaction.
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openSqliteStore, STORE_FILE_NAME } from '../../src/store/index.js';
import { reportWith } from '../slack/overview-fixture.js';
import { tempDir } from './helpers.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('posture alerts in the outbox', () => {
  it('migrates a version 6 database with alerts and a weekly summary in its outbox, keeping every row and reference', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, STORE_FILE_NAME);
    const db = new DatabaseConstructor(file);
    db.pragma('foreign_keys = ON');
    migrate(db, file, MIGRATIONS.filter((migration) => migration.version <= 6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    // Version 6 rows: a weekly summary post referenced by the ledger, and its thread reply referencing the post.
    const now = '2026-11-30T09:00:00.000Z';
    db.prepare(`INSERT INTO outbox (id, kind, priority, week_key, payload_json, next_attempt_at, created_at) VALUES (1, 'summary-post', 1, '2026-W48', '{"weekKey":"2026-W48"}', ?, ?)`).run(now, now);
    db.prepare(`INSERT INTO outbox (id, kind, priority, week_key, parent_id, payload_json, next_attempt_at, created_at) VALUES (2, 'summary-reply', 1, '2026-W48', 1, '{"weekKey":"2026-W48","part":0}', ?, ?)`).run(now, now);
    db.prepare(`INSERT INTO weekly_summaries (week_key, created_at, summary_json, thread_parts_json, outbox_id) VALUES ('2026-W48', ?, '{}', '[{}]', 1)`).run(now);
    expect(() => db.prepare(`INSERT INTO outbox (kind, priority, next_attempt_at, created_at) VALUES ('posture-alert', 0, ?, ?)`).run(now, now)).toThrow(/CHECK/);
    db.close();

    const store = openSqliteStore({ path: file });
    expect((await store.listOutbox()).map((row) => [row.id, row.kind, row.parentId, row.weekKey])).toEqual([
      [1, 'summary-post', null, '2026-W48'],
      [2, 'summary-reply', 1, '2026-W48'],
    ]);
    expect((await store.getWeeklySummary('2026-W48'))?.outboxId).toBe(1);
    const report = reportWith('210987654321', 'pass', { 'root-no-access-keys': 'fail' });
    const { snapshotId, outboxId } = await store.savePostureSnapshotWithAlert(report, { accountId: '210987654321', findings: [] });
    expect(snapshotId).toBeGreaterThan(0);
    expect(await store.getOutboxMessage(outboxId!)).toMatchObject({ kind: 'posture-alert', state: 'pending', payload: { accountId: '210987654321' } });
    expect((await store.savePostureSnapshotWithAlert(report, null)).outboxId).toBeNull();
    const connection = (store as unknown as { db: InstanceType<typeof DatabaseConstructor> }).db;
    expect(connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connection.pragma('foreign_key_check')).toEqual([]);
    // Still enforced after the rebuild: a reply to a missing parent is refused.
    expect(() => connection.prepare(`INSERT INTO outbox (kind, priority, parent_id, next_attempt_at, created_at) VALUES ('alert-reply', 1, 99999, 'x', 'x')`).run()).toThrow(/FOREIGN KEY/);
    await store.close();
  });
});
