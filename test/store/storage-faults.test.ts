// The store refuses what it cannot keep: a data directory or database file it may not write fails the open
// (SQLite would otherwise open the file read-only without a word), and a database file deleted or
// replaced under the open store is noticed.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, STORE_FILE_NAME, StoreNotWritableError, type SqliteStore } from '../../src/store/index.js';
import { makeReadOnly, type ReadOnlyPaths } from '../support/read-only.js';
import { batch, rootEvent, tempDir } from './helpers.js';

let dir: { path: string; remove(): void };
let readOnly: ReadOnlyPaths | null = null;
let store: SqliteStore | null = null;

afterEach(async () => {
  readOnly?.undo();
  readOnly = null;
  await store?.close();
  store = null;
  dir?.remove();
});

async function openError(dataDir: string): Promise<unknown> {
  try {
    await openSqliteStore({ dataDir }).close();
  } catch (error) {
    return error;
  }
  return null;
}

describe('a data directory the bot cannot write', () => {
  it('fails the open when the database file is read-only, where SQLite alone would open it read-only', async () => {
    dir = tempDir();
    await openSqliteStore({ dataDir: dir.path }).close();
    const file = join(dir.path, STORE_FILE_NAME);
    readOnly = makeReadOnly([file]);
    const error = await openError(dir.path);
    expect(error, readOnly.how).toBeInstanceOf(StoreNotWritableError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot write the database file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\((EPERM|EACCES)\\): .*DATA_DIR`));
  });

  it('fails the open when the directory is read-only (WAL could not create its files)', async () => {
    dir = tempDir();
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    readOnly = makeReadOnly([dataDir]);
    const error = await openError(dataDir);
    expect(error, readOnly.how).toBeInstanceOf(StoreNotWritableError);
    expect((error as Error).message).toContain(`cannot write in the data directory ${dataDir}`);
  });

  it('fails the open, naming DATA_DIR, when the path goes through a file (ENOTDIR)', async () => {
    dir = tempDir();
    writeFileSync(join(dir.path, 'a-file'), 'not a directory');
    const error = await openError(join(dir.path, 'a-file', 'data'));
    expect(error).toBeInstanceOf(StoreNotWritableError);
    expect((error as Error).message).toMatch(/^cannot create the data directory .*a-file\/data \(ENOTDIR\): .*Point DATA_DIR at a writable directory/);
  });

  it('leaves no probe file behind when the directory is writable', () => {
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir.path });
    expect(() => closeSync(openSync(join(dir.path, `.write-probe-${process.pid}`), 'r'))).toThrow(/ENOENT/);
  });
});

describe('the database file changed under the open store', () => {
  it('reports nothing while the file is the one opened, also after writes', async () => {
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir.path });
    await store.commitBatch(batch([rootEvent()]));
    expect(store.fileProblem()).toBeNull();
  });

  it('reports a deleted file', () => {
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir.path });
    unlinkSync(join(dir.path, STORE_FILE_NAME));
    expect(store.fileProblem()).toBe(`the database file ${join(dir.path, STORE_FILE_NAME)} was deleted while the bot was running`);
  });

  it('reports a file replaced by another one (a restore over it)', async () => {
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir.path });
    const other = join(dir.path, 'restored.sqlite');
    await openSqliteStore({ path: other }).close();
    rmSync(join(dir.path, `${STORE_FILE_NAME}-wal`), { force: true });
    renameSync(other, join(dir.path, STORE_FILE_NAME));
    expect(store.fileProblem()).toBe(`the database file ${join(dir.path, STORE_FILE_NAME)} was replaced by another file while the bot was running`);
  });
});
