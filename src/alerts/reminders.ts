// Reminders: an alert still "open" (nobody pressed anything) REMINDER_AFTER minutes after it was posted
// gets a threaded reply mentioning the responder group, and again every REMINDER_AFTER minutes, at most
// REMINDER_MAX times. Investigating and escalated alerts have someone on them and are not nagged.
import { userGroupMention } from './config.js';
import type { AlertRecord, ReminderPayload } from './model.js';

export interface ReminderPolicy {
  reminderAfterMinutes: number;
  reminderMax: number;
  responderGroupId: string | null;
}

const MINUTE_MS = 60_000;

/** When the next reminder of this alert is due, or null when it gets no more (pure). */
export function nextReminderDueAt(alert: Pick<AlertRecord, 'state' | 'postedAt' | 'remindersSent' | 'lastReminderAt'>, policy: ReminderPolicy): Date | null {
  if (alert.state !== 'open' || alert.postedAt === null || alert.remindersSent >= policy.reminderMax) return null;
  const intervalMs = policy.reminderAfterMinutes * MINUTE_MS;
  const onScheduleMs = Date.parse(alert.postedAt) + (alert.remindersSent + 1) * intervalMs;
  // After downtime, reminders that fell due together go out one interval apart, not in a burst.
  const afterLastMs = alert.lastReminderAt === null ? Number.NEGATIVE_INFINITY : Date.parse(alert.lastReminderAt) + intervalMs;
  return new Date(Math.max(onScheduleMs, afterLastMs));
}

/** The reminder number due now for this alert, or null (pure). */
export function dueReminderNumber(alert: Pick<AlertRecord, 'state' | 'postedAt' | 'remindersSent' | 'lastReminderAt'>, now: Date, policy: ReminderPolicy): number | null {
  const dueAt = nextReminderDueAt(alert, policy);
  return dueAt !== null && now.getTime() >= dueAt.getTime() ? alert.remindersSent + 1 : null;
}

/**
 * Whether reminder `reminderNumber` may be counted now (pure): it is the next one, and the alert is still open and
 * posted. The store applies it to what its transaction read and again in its conditional update.
 */
export function reminderMayBeCounted(alert: Pick<AlertRecord, 'state' | 'post' | 'remindersSent'>, reminderNumber: number): boolean {
  return alert.state === 'open' && alert.post !== null && alert.remindersSent === reminderNumber - 1;
}

/**
 * Enqueues every reminder due at `now` as an outbox thread reply. Safe to run often and from two
 * places at once: the store counts reminder n only if n-1 were counted and the alert is still open.
 * Returns the ids of the alerts reminded.
 */
/** What reminders need of the store (the store implements it). */
export interface ReminderStore {
  /** Open alerts (state "open") already posted: the candidates for a reminder. */
  listAlertsAwaitingResponse(): Promise<AlertRecord[]>;
  /** Counts reminder `reminderNumber` and enqueues its thread reply, only if it is the next one and the alert is still open. */
  enqueueReminder(alertId: number, reminderNumber: number, payload: Record<string, unknown>, at?: Date): Promise<boolean>;
}

export async function enqueueDueReminders(store: ReminderStore, now: Date, policy: ReminderPolicy): Promise<number[]> {
  if (policy.reminderMax <= 0) return [];
  const reminded: number[] = [];
  for (const alert of await store.listAlertsAwaitingResponse()) {
    const reminderNumber = dueReminderNumber(alert, now, policy);
    if (reminderNumber === null) continue;
    const payload: ReminderPayload = { reminderNumber, reminderMax: policy.reminderMax, mention: userGroupMention(policy.responderGroupId) };
    if (await store.enqueueReminder(alert.id, reminderNumber, { ...payload }, now)) reminded.push(alert.id);
  }
  return reminded;
}
