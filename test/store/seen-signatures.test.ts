// The replay guard's memory in the store: the insert decides fresh or replayed across handles on one file, and
// expired hashes are swept (at most once a minute), so the table holds only the last 5 minutes or so.
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../src/slack/replay-guard.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

let dir: ReturnType<typeof tempDir>;
const opened: SqliteStore[] = [];
const path = () => join(dir.path, 'shared.sqlite');
const open = () => {
  const store = openSqliteStore({ path: path() });
  opened.push(store);
  return store;
};
const rowsLeft = () => {
  const db = new DatabaseConstructor(path(), { readonly: true });
  try {
    return (db.prepare(`SELECT signature_hash FROM seen_slack_signatures ORDER BY signature_hash`).all() as Array<{ signature_hash: string }>).map((row) => row.signature_hash);
  } finally {
    db.close();
  }
};

beforeEach(() => {
  dir = tempDir('arg-seen-');
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  dir.remove();
});

const hash = (digit: string) => `v0=${digit.repeat(64)}`;

describe('seen Slack signatures in the store', () => {
  it('takes a signature as fresh once across two handles, whichever asks', () => {
    let now = 1_000_000;
    const a = new ReplayGuard(open().seenSignatures, () => now);
    const b = new ReplayGuard(open().seenSignatures, () => now);
    expect(a.check(hash('a'), now)).toBe('fresh');
    expect(b.check(hash('a'), now)).toBe('replayed');
    expect(a.check(hash('a'), now)).toBe('replayed');
    expect(b.check(hash('b'), now)).toBe('fresh');
    now += 300;
    expect(b.check(hash('a'), 1_000_000)).toBe('replayed');
  });

  it('sweeps hashes whose window has passed and keeps live ones', () => {
    let now = 1_000_000;
    const guard = new ReplayGuard(open().seenSignatures, () => now);
    expect(guard.check(hash('a'), now)).toBe('fresh');
    now += 200;
    expect(guard.check(hash('b'), now)).toBe('fresh');
    // "a" is accepted by Bolt until 1_000_300; at 1_000_301 it may go, "b" (until 1_000_500) stays.
    now = 1_000_301;
    expect(guard.check(hash('c'), now)).toBe('fresh');
    expect(rowsLeft()).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
  });
});
