// The replay guard's own SQLite connection never checkpoints the WAL inside a request's commit (the automatic
// checkpoint ran in whichever commit found the WAL past 1,000 pages, stalling that turn's acks); its timer does, a
// while after the hashes were written, so the WAL is copied back into the database and restarts small.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SqliteSeenSignatures } from '../../src/store/seen-signatures.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { STORE_FILE_NAME } from '../../src/store/sqlite.js';

let dataDir: string;
let store: SqliteStore;
let file: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'arg-checkpoint-'));
  store = openSqliteStore({ dataDir });
  file = join(dataDir, STORE_FILE_NAME);
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('writes 1,500 commits without a checkpoint in any of them, then checkpoints on its timer', async () => {
  expect(statSync(file).isFile()).toBe(true);
  // Only timeouts are faked: the commits still happen in turns of the event loop (setImmediate), and the checkpoint
  // runs when the test moves the clock past its interval, however long the commits took on a loaded machine.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const guard = new SqliteSeenSignatures(file, 5000, 5000);
  try {
    // A checkpoint copies pages from the WAL into the database file: the file's size tells whether one ran.
    const databaseBytes = () => statSync(file).size;
    const walPages = () => statSync(`${file}-wal`).size / 4096;
    const before = databaseBytes();
    for (let index = 0; index < 1500; index += 1) {
      // One commit each: separate turns of the event loop.
      await guard.remember(index.toString(16).padStart(64, '0'), 2_000_000_000, 1_000_000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Past SQLite's 1,000-page automatic checkpoint, and no commit copied anything back.
    expect(walPages()).toBeGreaterThan(1000);
    expect(databaseBytes()).toBe(before);
    // The store's own connection is idle: what copies the rows into the file now is the guard's timer.
    vi.advanceTimersByTime(4999);
    expect(databaseBytes()).toBe(before);
    vi.advanceTimersByTime(1);
    expect(databaseBytes()).toBeGreaterThan(before);
    const rows = new DatabaseConstructor(file, { readonly: true });
    try {
      expect((rows.prepare('SELECT count(*) AS n FROM seen_slack_signatures').get() as { n: number }).n).toBe(1500);
    } finally {
      rows.close();
    }
  } finally {
    guard.close();
    vi.useRealTimers();
  }
});
