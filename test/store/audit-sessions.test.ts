// The access key ids sts:AssumeRoot issued to the bot: kept across a reopen, found by key id, pruned once expired,
// and never anything but the id and its lifetime.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, STORE_FILE_NAME } from '../../src/store/index.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-sessions-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SESSION = { accountId: '210987654321', accessKeyId: 'ASIAQAUDITSESSION001', issuedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2026-12-01T10:15:00.000Z' };

describe('audit sessions in the store', () => {
  it('records a session, finds it by key id after a reopen, ignores a second record of it', () => {
    const dir = dataDir();
    const store = openSqliteStore({ dataDir: dir });
    store.recordAuditSession(SESSION);
    store.recordAuditSession({ ...SESSION, issuedAt: '2026-12-01T10:05:00.000Z' });
    store.close();
    const reopened = openSqliteStore({ dataDir: dir });
    expect(reopened.findAuditSession('ASIAQAUDITSESSION001')).toEqual(SESSION);
    expect(reopened.findAuditSession('ASIAQSOMEONEELSE0001')).toBeNull();
    reopened.close();
  });

  it('prunes only sessions that expired before the cutoff', () => {
    const store = openSqliteStore({ dataDir: dataDir() });
    store.recordAuditSession(SESSION);
    store.recordAuditSession({ ...SESSION, accessKeyId: 'ASIAQAUDITSESSION002', expiresAt: '2026-12-02T10:15:00.000Z' });
    expect(store.pruneAuditSessions('2026-12-01T12:00:00.000Z')).toBe(1);
    expect(store.findAuditSession('ASIAQAUDITSESSION001')).toBeNull();
    expect(store.findAuditSession('ASIAQAUDITSESSION002')).not.toBeNull();
    store.close();
  });

  it('a bad time is refused, nothing written', () => {
    const store = openSqliteStore({ dataDir: dataDir() });
    expect(() => store.recordAuditSession({ ...SESSION, expiresAt: 'soon' })).toThrow(/expiresAt is not a valid time/);
    expect(store.findAuditSession(SESSION.accessKeyId)).toBeNull();
    store.close();
  });

  it('the database file holds the key id but no secret-shaped field', () => {
    const dir = dataDir();
    const store = openSqliteStore({ dataDir: dir });
    store.recordAuditSession(SESSION);
    store.close();
    const bytes = readFileSync(join(dir, STORE_FILE_NAME)).toString('latin1');
    expect(bytes).toContain('ASIAQAUDITSESSION001');
    expect(bytes).not.toMatch(/secret_access_key|session_token/i);
  });
});
