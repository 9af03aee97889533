// The replay guard's memory in the store, on each backend: the insert decides fresh or replayed across two replicas'
// connections (also when both ask at the same moment), and expired hashes are swept (at most once a minute), so the
// table holds only the last 5 minutes or so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../src/slack/replay-guard.js';
import { BACKENDS, type SharedDatabase } from './shared-databases.js';

const hash = (digit: string) => `v0=${digit.repeat(64)}`;

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
    expect(await rowsLeft()).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
  });
});
