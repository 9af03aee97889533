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
  it('records a session, finds it by key id after a reopen, ignores a second record of it', async () => {
    const dir = dataDir();
    const store = openSqliteStore({ dataDir: dir });
    await store.recordAuditSession(SESSION);
    await store.recordAuditSession({ ...SESSION, issuedAt: '2026-12-01T10:05:00.000Z' });
    await store.close();
    const reopened = openSqliteStore({ dataDir: dir });
    expect(await reopened.findAuditSession('ASIAQAUDITSESSION001')).toEqual(SESSION);
    expect(await reopened.findAuditSession('ASIAQSOMEONEELSE0001')).toBeNull();
    await reopened.close();
  });

  it('prunes only sessions that expired before the cutoff', async () => {
    const store = openSqliteStore({ dataDir: dataDir() });
    await store.recordAuditSession(SESSION);
    await store.recordAuditSession({ ...SESSION, accessKeyId: 'ASIAQAUDITSESSION002', expiresAt: '2026-12-02T10:15:00.000Z' });
    expect(await store.pruneAuditSessions('2026-12-01T12:00:00.000Z')).toBe(1);
    expect(await store.findAuditSession('ASIAQAUDITSESSION001')).toBeNull();
    expect(await store.findAuditSession('ASIAQAUDITSESSION002')).not.toBeNull();
    await store.close();
  });

  it('a bad time is refused, nothing written', async () => {
    const store = openSqliteStore({ dataDir: dataDir() });
    await expect(store.recordAuditSession({ ...SESSION, expiresAt: 'soon' })).rejects.toThrow(/expiresAt is not a valid time/);
    expect(await store.findAuditSession(SESSION.accessKeyId)).toBeNull();
    await store.close();
  });

  it('the database file holds the key id but no secret-shaped field', async () => {
    const dir = dataDir();
    const store = openSqliteStore({ dataDir: dir });
    await store.recordAuditSession(SESSION);
    await store.close();
    const bytes = readFileSync(join(dir, STORE_FILE_NAME)).toString('latin1');
    expect(bytes).toContain('ASIAQAUDITSESSION001');
    expect(bytes).not.toMatch(/secret_access_key|session_token/i);
  });
});
