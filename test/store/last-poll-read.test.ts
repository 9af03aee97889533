// lastPollRead on each backend, two stores on one database standing for two replicas: the newest Region read to its
// window's end, whichever replica read it (readiness of the deployment asks it); a commit after a failed read stores
// its events and keeps the cursor, and is no read. PostgreSQL skips without TEST_DATABASE_URL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, batch, manualClock, rootEvent } from './helpers.js';
import { BACKENDS, type SharedDatabase } from './shared-databases.js';

describe.each(BACKENDS)('lastPollRead on $name', (backend) => {
  let database: SharedDatabase;
  beforeEach(async () => {
    if (backend.open) database = await backend.open();
  });
  afterEach(async () => {
    await database?.close();
  });
  const run = it.skipIf(backend.open === null);

  run('names the replica and time of the newest Region read, and ignores commits after failed reads', async () => {
    const clock = manualClock('2026-12-02T07:00:00.000Z');
    const a = await database.openStore({ clock: clock.now, replicaName: 'host-a:3000' });
    const b = await database.openStore({ clock: clock.now, replicaName: 'host-b:3001' });
    expect(await a.lastPollRead()).toBeNull();

    await a.commitBatch(batch([], { region: 'us-east-1', cursor: '2026-12-02T07:00:00.000Z' }));
    expect(await b.lastPollRead()).toEqual({ accountId: ACCOUNT, region: 'us-east-1', readAt: '2026-12-02T07:00:00.000Z', readBy: 'host-a:3000' });

    clock.advance(5_000);
    await b.commitBatch(batch([], { region: 'eu-west-1', cursor: '2026-12-02T07:00:05.000Z' }));
    expect(await a.lastPollRead()).toEqual({ accountId: ACCOUNT, region: 'eu-west-1', readAt: '2026-12-02T07:00:05.000Z', readBy: 'host-b:3001' });

    // Later reads that failed part-way: one on a Region with a cursor, one on a Region never read before.
    clock.advance(5_000);
    const found = rootEvent({ region: 'us-east-1', eventTime: '2026-12-02T06:59:00Z' });
    expect(await a.commitBatch(batch([found], { region: 'us-east-1', cursor: '2026-12-02T07:00:00.000Z', regionFailed: true }))).toEqual({ inserted: 1, duplicates: 0 });
    await a.commitBatch(batch([rootEvent({ region: 'eu-central-1' })], { region: 'eu-central-1', cursor: '2026-12-02T06:05:00.000Z', regionFailed: true }));
    expect(await a.getEvent(found.eventId)).not.toBeNull();
    expect(await a.readCursor(ACCOUNT, 'eu-central-1')).toBe('2026-12-02T06:05:00.000Z');
    expect(await b.lastPollRead()).toEqual({ accountId: ACCOUNT, region: 'eu-west-1', readAt: '2026-12-02T07:00:05.000Z', readBy: 'host-b:3001' });
    // The failed Region kept its own last read: read again, it is the newest.
    expect(await database.rows(`SELECT region, read_at, read_by FROM poll_cursors ORDER BY region`)).toEqual([
      { region: 'eu-central-1', read_at: null, read_by: null },
      { region: 'eu-west-1', read_at: '2026-12-02T07:00:05.000Z', read_by: 'host-b:3001' },
      { region: 'us-east-1', read_at: '2026-12-02T07:00:00.000Z', read_by: 'host-a:3000' },
    ]);

    clock.advance(5_000);
    await a.commitBatch(batch([], { region: 'us-east-1', cursor: '2026-12-02T07:00:15.000Z' }));
    expect(await b.lastPollRead()).toMatchObject({ region: 'us-east-1', readAt: '2026-12-02T07:00:15.000Z', readBy: 'host-a:3000' });
  });

  run('a store opened without a replica name records the read without one', async () => {
    const store = await database.openStore({ clock: manualClock('2026-12-02T07:00:00.000Z').now });
    await store.commitBatch(batch([], { cursor: '2026-12-02T07:00:00.000Z' }));
    expect(await store.lastPollRead()).toMatchObject({ readAt: '2026-12-02T07:00:00.000Z', readBy: null });
  });
});
