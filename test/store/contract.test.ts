// The store's contract, run on every backend (describe.each over SQLite and PostgreSQL): what the bot relies on
// whichever database holds its state. Two stores opened on one database stand for two replicas, each with its own
// connection; "at once" means both calls are in flight together. PostgreSQL runs skip without TEST_DATABASE_URL
// (printed) and fail under CI=true.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '../../src/alerts/index.js';
import type { CoverageRecord } from '../../src/activity/index.js';
import type { BotStore } from '../../src/store/index.js';
import { ACCOUNT, batch, manualClock, rootEvent } from './helpers.js';
import { BACKENDS, type SharedDatabase } from './shared-databases.js';

const EVERYTHING = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

describe.each(BACKENDS)('the store on $name', (backend) => {
  let database: SharedDatabase;
  beforeEach(async () => {
    if (backend.open) database = await backend.open();
  });
  afterEach(async () => {
    await database?.close();
  });
  const run = it.skipIf(backend.open === null);

  /** A posted alert per event (the sender's two marks), as after a send pass. */
  async function postAll(store: BotStore): Promise<void> {
    for (const [index, row] of (await store.listOutbox({ state: 'pending' })).entries()) {
      expect(await store.markOutboxSending(row.id)).toBe(true);
      await store.markOutboxSent(row.id, { channel: 'C0ALERTS1', ts: `1767000000.${String(index + 1).padStart(6, '0')}` });
    }
  }

  run('keeps each event once by its id, across batches and across replicas committing the same batch at once', async () => {
    const [a, b] = await database.openReplicas();
    const events = Array.from({ length: 20 }, (_, index) => rootEvent({ eventTime: `2026-11-02T03:${String(index).padStart(2, '0')}:00Z` }));
    expect(await a.commitBatch(batch(events.slice(0, 10)))).toEqual({ inserted: 10, duplicates: 0 });
    const results = await Promise.all([a.commitBatch(batch(events)), b.commitBatch(batch(events))]);
    expect(results.map((result) => result.inserted).sort((x, y) => x - y)).toEqual([0, 10]);
    expect(results.map((result) => result.duplicates).sort((x, y) => x - y)).toEqual([10, 20]);
    expect(await a.listEvents(EVERYTHING)).toHaveLength(20);
    expect(await b.listOpenAlerts()).toHaveLength(20);
    expect(await a.listOutbox({ state: 'pending' })).toHaveLength(20);
    expect(await b.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-02T04:00:00.000Z');
  });

  run('groups one root session within the window into one alert, raising its severity, and threads the later calls', async () => {
    const store = await database.openStore();
    const first = rootEvent({ sessionKey: 'session-1', severity: 'medium', eventTime: '2026-11-02T03:00:00Z' });
    await store.commitBatch(batch([first]));
    await postAll(store);
    const later = rootEvent({ sessionKey: 'session-1', severity: 'high', eventName: 'PutBucketPolicy', eventTime: '2026-11-02T03:20:00Z' });
    const elsewhere = rootEvent({ sessionKey: 'session-2', eventTime: '2026-11-02T03:25:00Z' });
    await store.commitBatch(batch([later, elsewhere]));
    const alerts = await store.listAlerts(EVERYTHING);
    expect(alerts.map((alert) => [alert.groupKind, alert.eventCount, alert.severity])).toEqual([
      ['session', 2, 'high'],
      ['session', 1, 'medium'],
    ]);
    expect((await store.listAlertEvents(alerts[0]!.id)).map((event) => event.event.eventId)).toEqual([first.eventId, later.eventId]);
    const replies = await store.listOutbox({ alertId: alerts[0]!.id });
    expect(replies.map((row) => row.kind).sort()).toEqual(['alert-post', 'alert-reply', 'alert-update']);
  });

  run('two replicas pressing Acknowledge on one alert at once: one changes it, one audit row', async () => {
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch(Array.from({ length: 10 }, (_, index) => rootEvent({ eventTime: `2026-11-02T03:0${index}:00Z` }))));
    await postAll(a);
    const alertIds = (await a.listOpenAlerts()).map((alert) => alert.id);
    const results = await Promise.all(alertIds.flatMap((id) => [acknowledgeAlert(a, id, 'U0ALICE01'), acknowledgeAlert(b, id, 'U0BOB0001')]));
    for (let index = 0; index < alertIds.length; index += 1) {
      expect([results[2 * index]!.changed, results[2 * index + 1]!.changed].filter(Boolean), `alert ${alertIds[index]}`).toHaveLength(1);
      expect(await b.listAudit(alertIds[index]!)).toHaveLength(1);
    }
    expect(await a.listOpenAlerts()).toEqual([]);
  });

  run('an outbox row is claimed by one replica only, even when both claim it at once', async () => {
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch(Array.from({ length: 15 }, (_, index) => rootEvent({ eventTime: `2026-11-02T03:${String(index).padStart(2, '0')}:00Z` }))));
    const due = await b.dueOutbox(new Date('2100-01-01T00:00:00Z'), 50);
    expect(due).toHaveLength(15);
    const claims = await Promise.all(due.flatMap((row) => [a.markOutboxSending(row.id), b.markOutboxSending(row.id)]));
    for (let index = 0; index < due.length; index += 1) expect([claims[2 * index], claims[2 * index + 1]].filter(Boolean)).toHaveLength(1);
    expect((await a.outboxCounts()).sending).toBe(15);
  });

  run('records a week’s summary once, also when two replicas record the same week at once', async () => {
    const [a, b] = await database.openReplicas();
    const entry = { weekKey: '2026-W45', summary: { alerts: 3 }, threadParts: [{ part: 1 }, { part: 2 }] };
    const results = await Promise.all([a.recordWeeklySummary(entry), b.recordWeeklySummary(entry)]);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(results[0]!.outboxId).toBe(results[1]!.outboxId);
    expect(await a.recordWeeklySummary({ ...entry, summary: { alerts: 4 } })).toEqual({ created: false, outboxId: results[0]!.outboxId });
    expect((await b.getWeeklySummary('2026-W45'))?.summary).toEqual({ alerts: 3 });
    const outbox = await a.listOutbox();
    expect(outbox.map((row) => row.kind).sort()).toEqual(['summary-post', 'summary-reply', 'summary-reply']);
    expect(await a.recordWeeklySummary({ ...entry, weekKey: '2026-W46' })).toMatchObject({ created: true });
  });

  run('orders times and ids as SQLite does: new alerts by first event time, the rest in queue order', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const store = await database.openStore({ clock: clock.now });
    // Batches of two Regions interleave: the store still hands out the oldest event's alert first.
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:30:00.000Z' })], { region: 'eu-west-1' }));
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:05:00Z' }), rootEvent({ eventTime: '2026-11-02T03:10:00.5Z' })]));
    const due = await store.dueOutbox(new Date('2100-01-01T00:00:00Z'), 10);
    const times = await Promise.all(due.map(async (row) => (await store.getAlert(row.alertId!))!.firstEventTime));
    expect(times).toEqual([...times].sort());
    expect(await store.nextOutboxDueAt()).toBe('2026-11-02T04:00:00.000Z');
  });

  run('a claim is its replica’s until the lease ends: then any replica takes it back, flagged uncertain; a restarted replica takes back its earlier run’s at once', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch([rootEvent(), rootEvent(), rootEvent()]));
    const [first, second, third] = await a.listOutbox({ state: 'pending' });
    expect(await a.markOutboxSending(first!.id, clock.now(), { holder: 'host-a:3000/101/aaaa', leaseMs: 60_000 })).toBe(true);
    expect(await b.markOutboxSending(second!.id, clock.now(), { holder: 'host-b:3000/202/bbbb', leaseMs: 60_000 })).toBe(true);
    // A claim made without a lease (an older build's "sending" row) is anyone's to take back.
    expect(await b.markOutboxSending(third!.id, clock.now())).toBe(true);
    expect(await a.markOutboxSending(first!.id, clock.now(), { holder: 'host-b:3000/202/bbbb', leaseMs: 60_000 })).toBe(false);

    clock.advance(59_999);
    expect((await b.recoverInterruptedSends({ now: clock.now() })).map((row) => row.id)).toEqual([third!.id]);
    // host-a restarts (a new pid): its earlier run's claim comes back at once, host-b's live one stays.
    const restarted = await a.recoverInterruptedSends({ now: clock.now(), previousRunsOf: 'host-a:3000' });
    expect(restarted.map((row) => [row.id, row.state, row.uncertain])).toEqual([[first!.id, 'pending', true]]);
    expect((await a.getOutboxMessage(second!.id))?.state).toBe('sending');
    clock.advance(1);
    // host-b died: after its lease, whoever looks takes it back.
    expect((await a.recoverInterruptedSends({ now: clock.now() })).map((row) => [row.id, row.uncertain])).toEqual([[second!.id, true]]);
    expect((await a.outboxCounts()).sending).toBe(0);
  });

  run('a claim given back unused is pending and due at once for any replica, with the uncertain flag it had before the claim', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch([rootEvent(), rootEvent()]));
    const [plain, interrupted] = await a.listOutbox({ state: 'pending' });
    // One row was interrupted once before (uncertain); a claim clears the flag in the row, not in what the sender holds.
    await a.markOutboxRetry(interrupted!.id, { error: 'aborted at shutdown', nextAttemptAt: clock.now(), uncertain: true });
    for (const row of [plain!, interrupted!]) expect(await a.markOutboxSending(row.id, clock.now(), { holder: 'host-a:3000/101/aaaa', leaseMs: 60_000 })).toBe(true);
    await a.releaseOutboxClaim(plain!.id, false);
    await a.releaseOutboxClaim(interrupted!.id, true);
    const rows = await Promise.all([plain!, interrupted!].map((row) => b.getOutboxMessage(row.id)));
    expect(rows.map((row) => [row?.state, row?.uncertain])).toEqual([
      ['pending', false],
      ['pending', true],
    ]);
    // The other replica may claim them now, not after the lease; a released row is not released twice.
    expect(await b.markOutboxSending(plain!.id, clock.now(), { holder: 'host-b:3000/202/bbbb', leaseMs: 60_000 })).toBe(true);
    await a.releaseOutboxClaim(interrupted!.id, false);
    expect((await b.getOutboxMessage(interrupted!.id))?.uncertain).toBe(true);
  });

  run("keeps Slack's pace per channel across replicas: slots reserved at once are an interval apart", async () => {
    const [a, b] = await database.openReplicas();
    const now = new Date('2026-11-02T04:00:00.000Z');
    const slots = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).reserveChannelSlot('C0ALERTS1', 1_100, now)));
    const times = slots.map((slot) => slot.getTime() - now.getTime()).sort((x, y) => x - y);
    expect(times).toEqual(Array.from({ length: 10 }, (_, index) => index * 1_100));
    // Another channel has its own pace; a reservation long after the last slot goes at once.
    expect((await b.reserveChannelSlot('C0OTHER01', 1_100, now)).getTime()).toBe(now.getTime());
    const later = new Date(now.getTime() + 60_000);
    expect((await a.reserveChannelSlot('C0ALERTS1', 1_100, later)).getTime()).toBe(later.getTime());
  });

  run('keeps the coverage record of the latest pass, written by one replica and read by another; says when a row is no record', async () => {
    const [a, b] = await database.openReplicas();
    expect(await b.readCoverageRecord()).toBeNull();
    const first: CoverageRecord = { writtenAt: '2026-12-01T12:00:00.000Z', lastPassAt: '2026-12-01T12:00:00.000Z', pollIntervalMs: 60_000, queue: null, accounts: [{ accountId: ACCOUNT, name: 'prod', problem: null, regions: [{ region: 'eu-west-1', problem: { action: 'cloudtrail:LookupEvents', reason: 'AccessDenied' } }] }] };
    await a.writeCoverageRecord(first);
    expect(await b.readCoverageRecord()).toEqual(first);
    // The next pass, on the other replica, replaces it: one record, the latest.
    const second: CoverageRecord = { ...first, writtenAt: '2026-12-01T12:01:00.000Z', lastPassAt: '2026-12-01T12:01:00.000Z', accounts: [] };
    await b.writeCoverageRecord(second);
    expect(await a.readCoverageRecord()).toEqual(second);
    expect((await database.rows(`SELECT count(*) AS count FROM coverage_record`)).map((row) => Number(row.count))).toEqual([1]);
    await database.rows(`UPDATE coverage_record SET record_json = ?`, ['{"something":"else"}']);
    await expect(a.readCoverageRecord()).rejects.toThrow('the coverage record in the store (table coverage_record) is not a coverage record');
  });

  run('opens an empty database at the newest schema version', async () => {
    const store = await database.openStore();
    expect(await database.schemaVersion()).toBe(database.newestVersion);
    expect(store.storeId).toMatch(/^[0-9a-f-]{36}$/);
  });

  run('migrates a database at the previous schema version, keeping its rows', async () => {
    await database.migrateTo(database.newestVersion - 1);
    expect(await database.schemaVersion()).toBe(database.newestVersion - 1);
    await database.rows(`INSERT INTO poll_cursors (account_id, region, cursor, updated_at) VALUES (?, ?, ?, ?)`, [ACCOUNT, 'us-east-1', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    const store = await database.openStore();
    expect(await database.schemaVersion()).toBe(database.newestVersion);
    expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-01T00:00:00.000Z');
  });
});
