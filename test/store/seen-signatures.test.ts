// The replay guard's memory in the store, on each backend: the insert decides fresh or replayed across two replicas'
// connections (also when both ask at the same moment), the requests of one turn of the event loop are inserted in
// one transaction (the first of two identical ones fresh, the second replayed), and expired hashes are swept (at
// most once a minute, after the insert rather than in it), so the table holds only the last 5 minutes or so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../src/slack/replay-guard.js';
import { BACKENDS, type SharedDatabase } from './shared-databases.js';

const hash = (digit: string) => `v0=${digit.repeat(64)}`;
const nthSignature = (index: number) => `v0=${index.toString(16).padStart(64, '0')}`;

describe.each(BACKENDS)('seen Slack signatures on one $name database', (backend) => {
  let database: SharedDatabase;
  beforeEach(async () => {
    if (backend.open) database = await backend.open();
  });
  afterEach(async () => {
    await database?.close();
  });

  const rowsLeft = async () => (await database.rows<{ signature_hash: string }>(`SELECT signature_hash FROM seen_slack_signatures ORDER BY signature_hash`)).map((row) => row.signature_hash);

  it.skipIf(backend.open === null)('takes a signature as fresh once across two replicas, whichever asks', async () => {
    let now = 1_000_000;
    const a = new ReplayGuard(database.connect().seenSignatures, () => now);
    const b = new ReplayGuard(database.connect().seenSignatures, () => now);
    expect(await a.check(hash('a'), now)).toBe('fresh');
    expect(await b.check(hash('a'), now)).toBe('replayed');
    expect(await a.check(hash('a'), now)).toBe('replayed');
    expect(await b.check(hash('b'), now)).toBe('fresh');
    now += 300;
    expect(await b.check(hash('a'), 1_000_000)).toBe('replayed');
  });

  it.skipIf(backend.open === null)('one request replayed to the other replica at the same moment, 40 times: one fresh, one replayed each time', async () => {
    const now = 1_000_000;
    const a = new ReplayGuard(database.connect().seenSignatures, () => now);
    const b = new ReplayGuard(database.connect().seenSignatures, () => now);
    const signatures = Array.from({ length: 40 }, (_, index) => `v0=${index.toString(16).padStart(64, '0')}`);
    const verdicts = await Promise.all(signatures.map((signature) => Promise.all([a.check(signature, now), b.check(signature, now)])));
    for (const pair of verdicts) expect([...pair].sort()).toEqual(['fresh', 'replayed']);
    expect(await rowsLeft()).toHaveLength(40);
  });

  it.skipIf(backend.open === null)('sweeps hashes whose window has passed and keeps live ones', async () => {
    let now = 1_000_000;
    const guard = new ReplayGuard(database.connect().seenSignatures, () => now);
    expect(await guard.check(hash('a'), now)).toBe('fresh');
    now += 200;
    expect(await guard.check(hash('b'), now)).toBe('fresh');
    // "a" is accepted by Bolt until 1_000_300; at 1_000_301 it may go, "b" (until 1_000_500) stays.
    now = 1_000_301;
    expect(await guard.check(hash('c'), now)).toBe('fresh');
    // The sweep runs in a timer turn of its own, not inside the request's insert.
    await expect.poll(rowsLeft, { timeout: 5_000, interval: 20 }).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
  });

  /**
   * How many transactions wrote these hashes. PostgreSQL: the distinct xmin (inserting transaction id) of their rows.
   * SQLite: the frames the write-ahead log grew by since `resetLog` (a commit appends the pages it changed, so one
   * transaction of 60 short rows is a few frames, 60 transactions at least 60).
   */
  async function transactionsOf(hashes: string[]): Promise<number> {
    if (backend.name === 'postgres') {
      const placeholders = hashes.map(() => '?').join(', ');
      const [row] = await database.rows<{ transactions: number }>(`SELECT count(DISTINCT xmin::text) AS transactions FROM seen_slack_signatures WHERE signature_hash IN (${placeholders})`, hashes);
      return Number(row!.transactions);
    }
    const [checkpoint] = await database.rows<{ log: number }>(`PRAGMA wal_checkpoint(PASSIVE)`);
    return checkpoint!.log;
  }
  const resetLog = async () => {
    if (backend.name === 'sqlite') await database.rows(`PRAGMA wal_checkpoint(TRUNCATE)`);
  };

  it.skipIf(backend.open === null)('inserts the requests of one turn in one transaction; of two identical ones in it the first is fresh, the second replayed', async () => {
    const now = 1_000_000;
    const guard = new ReplayGuard(database.connect().seenSignatures, () => now);
    expect(await guard.check(hash('f'), now)).toBe('fresh');
    await resetLog();
    const signatures = Array.from({ length: 60 }, (_, index) => nthSignature(index));
    const verdicts = await Promise.all([...signatures, signatures[7]!].map((signature) => guard.check(signature, now)));
    expect(verdicts.slice(0, 60).every((verdict) => verdict === 'fresh')).toBe(true);
    expect(verdicts[60]).toBe('replayed');
    const hashes = signatures.map((signature) => signature.slice(3));
    expect(await transactionsOf(hashes)).toBeLessThanOrEqual(backend.name === 'postgres' ? 1 : 6);
    // Asked one turn at a time, each is a transaction of its own: what the grouping saves.
    await resetLog();
    const oneByOne = Array.from({ length: 20 }, (_, index) => nthSignature(1000 + index));
    for (const signature of oneByOne) expect(await guard.check(signature, now)).toBe('fresh');
    expect(await transactionsOf(oneByOne.map((signature) => signature.slice(3)))).toBeGreaterThanOrEqual(20);
    // A hash seen in an earlier group is replayed in a later one, on this replica and on another.
    const other = new ReplayGuard(database.connect().seenSignatures, () => now);
    expect(await Promise.all([guard.check(signatures[0]!, now), other.check(signatures[1]!, now), other.check(hash('f'), now)])).toEqual(['replayed', 'replayed', 'replayed']);
  });

  it.skipIf(backend.open === null)('two replicas each inserting 450 hashes in one turn, the same ones in the other order: each hash fresh on exactly one', async () => {
    const now = 1_000_000;
    const a = new ReplayGuard(database.connect().seenSignatures, () => now);
    const b = new ReplayGuard(database.connect().seenSignatures, () => now);
    // More than one statement's rows (200), so a group of several statements is one transaction too.
    const signatures = Array.from({ length: 450 }, (_, index) => nthSignature(index));
    const [onA, onB] = await Promise.all([Promise.all(signatures.map((signature) => a.check(signature, now))), Promise.all([...signatures].reverse().map((signature) => b.check(signature, now)))]);
    const onBInOrder = [...onB].reverse();
    signatures.forEach((_, index) => expect([onA[index], onBInOrder[index]].sort()).toEqual(['fresh', 'replayed']));
    expect(await rowsLeft()).toHaveLength(450);
  });
});
