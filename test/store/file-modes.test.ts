// DATA_DIR and the database files are owner-only: they hold CloudTrail records and who acknowledged what.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, STORE_FILE_NAME } from '../../src/store/index.js';
import { batch, rootEvent, tempDir } from './helpers.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('SQLite store: file modes', () => {
  it('a new DATA_DIR is 0700 and the database, its WAL and shared-memory files 0600, under a permissive umask', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir.path, 'data');
    const previousUmask = process.umask(0o022);
    try {
      const store = openSqliteStore({ dataDir });
      await store.commitBatch(batch([rootEvent()]));
      const file = join(dataDir, STORE_FILE_NAME);
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
      await store.close();
    } finally {
      process.umask(previousUmask);
    }
  });

  it('tightens a DATA_DIR and a database file an older version left 0755 / 0644', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = join(dataDir, STORE_FILE_NAME);
    const first = openSqliteStore({ dataDir });
    await first.close();
    chmodSync(file, 0o644);
    chmodSync(dataDir, 0o755);
    expect(modeOf(file)).toBe(0o644);

    const store = openSqliteStore({ dataDir });
    await store.commitBatch(batch([rootEvent()]));
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    await store.close();
  });

  it('a database named by path (not DATA_DIR) is created 0600 too', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir.path, 'explicit.sqlite');
    const store = openSqliteStore({ path });
    expect(modeOf(path)).toBe(0o600);
    await store.close();
  });
});
