import { afterEach, describe, expect, it } from 'vitest';
import { dueReminderNumber, enqueueDueReminders, nextReminderDueAt, setAlertState, type ReminderPolicy } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { batch, manualClock, rootEvent } from '../store/helpers.js';

const policy: ReminderPolicy = { reminderAfterMinutes: 60, reminderMax: 3, responderGroupId: 'S0ONCALL01' };
const MINUTE = 60_000;

describe('reminder timing (pure)', () => {
  const posted = { state: 'open' as const, postedAt: '2026-11-02T04:00:00.000Z', remindersSent: 0, lastReminderAt: null };

  it('the first is due REMINDER_AFTER after the post, the next ones an interval apart', () => {
    expect(nextReminderDueAt(posted, policy)?.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(dueReminderNumber(posted, new Date('2026-11-02T04:59:59Z'), policy)).toBeNull();
    expect(dueReminderNumber(posted, new Date('2026-11-02T05:00:00Z'), policy)).toBe(1);
    expect(nextReminderDueAt({ ...posted, remindersSent: 1, lastReminderAt: '2026-11-02T05:00:30.000Z' }, policy)?.toISOString()).toBe('2026-11-02T06:00:30.000Z');
  });

  it('after downtime the overdue reminders are spread out, not sent in a burst', () => {
    const afterOutage = { ...posted, remindersSent: 1, lastReminderAt: '2026-11-02T08:00:00.000Z' };
    expect(dueReminderNumber(afterOutage, new Date('2026-11-02T08:01:00Z'), policy)).toBeNull();
    expect(dueReminderNumber(afterOutage, new Date('2026-11-02T09:00:00Z'), policy)).toBe(2);
  });

  it('none for alerts not posted yet, someone already acting, or the maximum reached', () => {
    expect(nextReminderDueAt({ ...posted, postedAt: null }, policy)).toBeNull();
    expect(nextReminderDueAt({ ...posted, state: 'investigating' }, policy)).toBeNull();
    expect(nextReminderDueAt({ ...posted, state: 'acknowledged' }, policy)).toBeNull();
    expect(nextReminderDueAt({ ...posted, remindersSent: 3, lastReminderAt: '2026-11-02T07:00:00.000Z' }, policy)).toBeNull();
  });
});

describe('enqueueDueReminders', () => {
  let store: SqliteStore | null = null;
  afterEach(() => store?.close());

  it('queues threaded reminders mentioning the responder group, at most REMINDER_MAX, and stops once someone acts', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    store = openSqliteStore({ path: ':memory:' }, { clock: clock.now });
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:12:00Z' }), rootEvent({ eventTime: '2026-11-02T03:13:00Z' })]));
    const [first, second] = await store.listOpenAlerts();
    for (const [index, row] of (await store.listOutbox({ state: 'pending' })).entries()) {
      await store.markOutboxSending(row.id);
      await store.markOutboxSent(row.id, { channel: 'C0ALERTS1', ts: `1767000000.00000${index + 1}` });
    }

    expect(await enqueueDueReminders(store, new Date(clock.now().getTime() + 59 * MINUTE), policy)).toEqual([]);
    const reminderTimes = [60, 120, 180, 240, 300].map((minutes) => new Date(clock.now().getTime() + minutes * MINUTE));
    expect(await enqueueDueReminders(store, reminderTimes[0]!, policy)).toEqual([first!.id, second!.id]);
    // Running twice at the same moment queues nothing more.
    expect(await enqueueDueReminders(store, reminderTimes[0]!, policy)).toEqual([]);

    await setAlertState(store, second!.id, 'investigate', 'U0ALICE01');
    for (const at of reminderTimes.slice(1)) await enqueueDueReminders(store, at, policy);

    const reminders = (await store.listOutbox()).filter((row) => row.kind === 'reminder');
    expect(reminders.map((row) => [row.alertId, row.payload, row.parent?.ts])).toEqual([
      [first!.id, { reminderNumber: 1, reminderMax: 3, mention: '<!subteam^S0ONCALL01>' }, '1767000000.000001'],
      [second!.id, { reminderNumber: 1, reminderMax: 3, mention: '<!subteam^S0ONCALL01>' }, '1767000000.000002'],
      [first!.id, { reminderNumber: 2, reminderMax: 3, mention: '<!subteam^S0ONCALL01>' }, '1767000000.000001'],
      [first!.id, { reminderNumber: 3, reminderMax: 3, mention: '<!subteam^S0ONCALL01>' }, '1767000000.000001'],
    ]);
    expect(await store.getAlert(first!.id)).toMatchObject({ remindersSent: 3, lastReminderAt: reminderTimes[2]!.toISOString() });
  });

  it('REMINDER_MAX=0 turns reminders off', async () => {
    store = openSqliteStore({ path: ':memory:' });
    expect(await enqueueDueReminders(store, new Date(), { ...policy, reminderMax: 0 })).toEqual([]);
  });
});
