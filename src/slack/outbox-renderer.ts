// What each outbox row says in Slack, rendered when the sender sends it, from the store's state at that moment: an
// alert post and its chat.update after a state change show the same current state; thread replies list the calls
// that joined, page the responders on escalation or reminder, or show the raw record; the weekly summary and its
// thread parts are posted as its ledger recorded them. The sender calls this with a transaction's handle (one consistent read).
import type { RootEvent } from '../activity/model.js';
import type { OutboxMessage, OutboxRenderer, RenderedMessage } from '../alerts/index.js';
import type { StoreOperations } from '../store/index.js';
import { renderAlert } from './blocks/alert.js';
import { storedUsergroupMention } from './blocks/alert-mention.js';
import { renderEventRecord } from './blocks/alert-record.js';
import { renderEscalation, renderFurtherCalls, renderReminder } from './blocks/alert-replies.js';
import { messageFromLedger } from './blocks/summary.js';
import { postureAlertPayload, renderPostureAlert } from './blocks/posture-alert.js';

export interface OutboxRendererOptions {
  /** The alias of an account (e.g. "prod"), shown next to its id; null when it has none. */
  accountAlias?: (accountId: string) => string | null;
  /** Names of the organization's accounts, for an AssumeRoot alert's member ("prod-eu (210987654321)"). */
  accountName?: (accountId: string) => string | null;
  /** Failed sign-ins that make a burst (FAILED_LOGIN_BURST_THRESHOLD); the grouping default when left out. */
  failedLoginBurstThreshold?: number;
}

async function alertOf(row: OutboxMessage, store: StoreOperations) {
  const alert = row.alertId === null ? null : await store.getAlert(row.alertId);
  // Thrown: the sender logs it and retries later instead of posting something wrong.
  if (!alert) throw new Error(`outbox row ${row.id} (${row.kind}): alert ${String(row.alertId)} is not in the store`);
  return alert;
}

async function alertMessage(row: OutboxMessage, store: StoreOperations, options: OutboxRendererOptions): Promise<RenderedMessage> {
  const alert = await alertOf(row, store);
  const events = (await store.listAlertEvents(alert.id)).map((stored) => stored.event);
  return renderAlert(alert, events, { accountAlias: options.accountAlias?.(alert.accountId) ?? null, audit: await store.listAudit(alert.id), ...(options.accountName ? { accountName: options.accountName } : {}), ...(options.failedLoginBurstThreshold !== undefined ? { failedLoginBurstThreshold: options.failedLoginBurstThreshold } : {}) });
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** An escalation's record of an earlier page ({by, at}), or null when the payload has none or a malformed one. */
function storedPagedBefore(value: unknown): { by: string; at: string } | null {
  const stored = value as { by?: unknown; at?: unknown } | null | undefined;
  const by = stringOrNull(stored?.by);
  const at = stringOrNull(stored?.at);
  return by && at ? { by, at } : null;
}

/** An alert-reply is either the calls that joined the alert ({eventIds}) or an escalation ({escalatedBy, mention}). */
async function alertReply(row: OutboxMessage, store: StoreOperations, options: OutboxRendererOptions): Promise<RenderedMessage> {
  const escalatedBy = stringOrNull(row.payload.escalatedBy);
  if (escalatedBy) return renderEscalation({ escalatedBy, mention: storedUsergroupMention(row.payload.mention), pagedBefore: storedPagedBefore(row.payload.pagedBefore) });
  const eventIds = Array.isArray(row.payload.eventIds) ? row.payload.eventIds.filter((id): id is string => typeof id === 'string') : [];
  const events: RootEvent[] = [];
  const missing: string[] = [];
  for (const eventId of eventIds) {
    const stored = await store.getEvent(eventId);
    if (stored) events.push(stored.event);
    else missing.push(eventId);
  }
  // A root session's alert lists calls made in its members: each line names the member.
  return renderFurtherCalls(events, missing, { alertAccountId: (await alertOf(row, store)).accountId, ...(options.accountName ? { accountName: options.accountName } : {}) });
}

async function reminder(row: OutboxMessage, store: StoreOperations): Promise<RenderedMessage> {
  const reminderNumber = Number(row.payload.reminderNumber);
  const reminderMax = Number(row.payload.reminderMax);
  return renderReminder(
    {
      reminderNumber: Number.isInteger(reminderNumber) && reminderNumber > 0 ? reminderNumber : 1,
      reminderMax: Number.isInteger(reminderMax) && reminderMax > 0 ? reminderMax : 1,
      mention: storedUsergroupMention(row.payload.mention),
    },
    await alertOf(row, store),
  );
}

async function eventRecord(row: OutboxMessage, store: StoreOperations): Promise<RenderedMessage> {
  const eventId = stringOrNull(row.payload.eventId) ?? '';
  const stored = eventId ? await store.getEvent(eventId) : null;
  return renderEventRecord({ eventId, region: stored?.event.region ?? null, rawRecord: stored?.rawRecord ?? null, requestedBy: stringOrNull(row.payload.requestedBy) });
}

async function summaryPart(row: OutboxMessage, store: StoreOperations): Promise<RenderedMessage> {
  const weekKey = row.weekKey ?? stringOrNull(row.payload.weekKey) ?? '';
  const entry = await store.getWeeklySummary(weekKey);
  if (!entry) throw new Error(`outbox row ${row.id} (${row.kind}): the summary of week "${weekKey}" is not in the store`);
  return messageFromLedger(entry, row.kind === 'summary-reply' ? Number(row.payload.part) : null);
}

/** The renderer to give createOutboxSender (`render`). */
export function createOutboxRenderer(options: OutboxRendererOptions = {}): OutboxRenderer {
  return async (row, store) => {
    switch (row.kind) {
      case 'alert-post':
      case 'alert-update':
        return alertMessage(row, store, options);
      case 'alert-reply':
        return alertReply(row, store, options);
      case 'reminder':
        return reminder(row, store);
      case 'event-record':
        return eventRecord(row, store);
      case 'summary-post':
      case 'summary-reply':
        return summaryPart(row, store);
      case 'posture-alert': {
        const payload = postureAlertPayload(row.payload);
        // Thrown: the sender logs it and retries, and the row stays in the store to be looked at.
        if (!payload) throw new Error(`outbox row ${row.id} (posture-alert): the payload is not a posture alert`);
        return renderPostureAlert(payload);
      }
    }
  };
}
